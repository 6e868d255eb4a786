from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "porch.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from porch.accounts import access, actions, approvals, models

        # Unlock and 2FA reset need two admins (DOMAIN.md, "When a member is
        # compromised"): one asks on /people/<code>/, another decides on /approvals/.
        approvals.register(
            "accounts.unlock", run=actions.run_approved_unlock, approvers=access.account_approvers
        )
        approvals.register(
            "accounts.reset_2fa",
            run=actions.run_approved_two_factor_reset,
            approvers=access.account_approvers,
        )
        # Shredding a profile subject (leaving, panic) blanks the sealed columns;
        # the subject's CASCADE takes the authenticator with it.
        from porch.vault.erasure import register_shredder

        register_shredder(models.PROFILE_KIND, models.forget_profile)
