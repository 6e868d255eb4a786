from django.apps import AppConfig


class VaultConfig(AppConfig):
    name = "porch.vault"
    label = "vault"
    verbose_name = "Vault"
