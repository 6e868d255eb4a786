from django.conf import settings


def porch(request):
    return {
        "PORCH_DEMO": settings.PORCH_DEMO,
        "PORCH_LANGUAGES": settings.LANGUAGES,
    }
