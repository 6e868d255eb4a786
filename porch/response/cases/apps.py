from django.apps import AppConfig


class ResponseCasesConfig(AppConfig):
    name = "porch.response.cases"
    label = "response_cases"
    verbose_name = "Legal handoffs and follow-up cases"

    def ready(self) -> None:
        from porch.response.cases import actions
        from porch.vault.erasure import register_shredder

        register_shredder(actions.HANDOFF_KIND, actions.forget_handoff)
