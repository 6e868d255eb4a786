from django.apps import AppConfig


class ResponseCasesConfig(AppConfig):
    name = "porch.response.cases"
    label = "response_cases"
    verbose_name = "Legal handoffs and follow-up cases"

    def ready(self) -> None:
        from porch.core import home
        from porch.response.cases import actions, views
        from porch.vault.erasure import register_shredder

        register_shredder(actions.HANDOFF_KIND, actions.forget_handoff)
        register_shredder(actions.CASE_KIND, actions.forget_case)
        home.register(views.home_panel)
