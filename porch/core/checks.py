from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def check_no_error_emails(app_configs, **kwargs):
    """R40: error e-mails would carry request data off the server."""
    if settings.ADMINS:
        return [checks.Warning("ADMINS is set: Porch sends no error e-mails.", id="porch.W001")]
    return []
