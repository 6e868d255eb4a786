from django.apps import AppConfig


class VaultConfig(AppConfig):
    name = "porch.vault"
    label = "vault"
    verbose_name = "Vault"

    def ready(self):
        from porch.vault import checks, retention, tasks  # noqa: F401  (registration)

        checks.warn_at_start_up()
        try:
            from porch.vault import panic
        except ImportError:  # accounts not importable (e.g. a partial install)
            return
        panic.register_kinds()
