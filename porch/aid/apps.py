from django.apps import AppConfig


class AidConfig(AppConfig):
    name = "porch.aid"
    label = "aid"
    verbose_name = "Mutual aid"

    def ready(self) -> None:
        from porch.aid import actions, sms
        from porch.messaging import keywords
        from porch.vault.erasure import register_shredder

        register_shredder(actions.ADDRESS_KIND, actions.forget_address)
        register_shredder(actions.HOUSEHOLD_KIND, actions.forget_household)
        keywords.register("FOOD", sms.food)
        keywords.register("COMIDA", sms.food, language="es")
        keywords.register("CUNTO", sms.food, language="so")
        keywords.register("ZAUB MOV", sms.food, language="hmn")
        keywords.register("DONE", sms.done)
