"""Porch settings: one file, configured only by PORCH_* environment variables.

Runs with no configuration at all (development defaults, SQLite under var/).
Every helper rejects a bad value loudly at start-up rather than guessing.
See .env.example for the full list.
"""

import os
import secrets
import sys
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int, *, minimum: int = 0, maximum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum or (maximum is not None and value > maximum):
        raise ImproperlyConfigured(f"{name} must be between {minimum} and {maximum}, not {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: set[str]) -> str:
    value = env_str(name, default)
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {sorted(choices)}, not {value!r}")
    return value


# Under pytest the default is "test" (fast hasher, no demo banner by default).
PORCH_ENV = env_choice(
    "PORCH_ENV",
    "test" if "pytest" in sys.modules else "development",
    {"development", "production", "test"},
)
PRODUCTION = PORCH_ENV == "production"
VAR_DIR = Path(env_str("PORCH_VAR_DIR", str(BASE_DIR / "var"))).resolve()

DEBUG = env_bool("PORCH_DEBUG", False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("PORCH_DEBUG cannot be on when PORCH_ENV=production")


def _secret_key() -> str:
    key = os.environ.get("PORCH_SECRET_KEY", "")
    if key:
        if len(key) < 50:
            raise ImproperlyConfigured("PORCH_SECRET_KEY must be at least 50 characters")
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("PORCH_SECRET_KEY is required when PORCH_ENV=production")
    # Development: a random key kept under var/ so sessions survive restarts.
    # It signs sessions only; no data key is ever derived from it.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(64))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("PORCH_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("PORCH_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.staticfiles",
    "django_tasks_db",
    "porch.core",
    "porch.vault",
    "porch.accounts",
    "porch.coalition",
    "porch.messaging",
    "porch.volunteers",
    "porch.campaigns",
    "porch.aid",
    "porch.response",
    "porch.response.cases",
    "porch.api",
]

MIDDLEWARE = [
    "porch.core.middleware.RequestBodyLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "porch.core.middleware.PrivacyHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "porch.accounts.middleware.SessionPolicyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "porch.urls"
WSGI_APPLICATION = "porch.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "porch.core.context_processors.porch",
            ],
        },
    }
]


# ---- Database -------------------------------------------------------------
# SQLite pragmas are set on every connection (THREAT_MODEL R16); auto_vacuum
# is set when the file is created (porch.core.dbsqlite).
SQLITE_INIT = (
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=FULL;"
    "PRAGMA secure_delete=ON;"
    "PRAGMA foreign_keys=ON;"
    "PRAGMA busy_timeout=20000"
)


# Each web thread keeps its connection for this long (seconds; 0 = a new one
# per request). Opening one per request cost 2 ms of CPU and, under load,
# 20-40 ms of waiting (SQLite check-points its WAL when the last connection
# closes). A broken connection (database restarted) is noticed at the start of
# the next request and replaced (CONN_HEALTH_CHECKS); docs/deploy.md "Faults".
CONN_MAX_AGE = env_int("PORCH_DB_CONN_MAX_AGE", 60, minimum=0, maximum=3600)


def database_from_url(url: str) -> dict:
    parsed = urlparse(url)
    if parsed.scheme in {"postgres", "postgresql"}:
        options = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
        name = unquote(parsed.path.lstrip("/"))
        if not name:
            raise ImproperlyConfigured("PORCH_DATABASE_URL needs a database name")
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "OPTIONS": options,
            "CONN_MAX_AGE": CONN_MAX_AGE,
            "CONN_HEALTH_CHECKS": True,
            "TEST": {"NAME": f"test_{name}_{os.getpid()}"},
        }
    if parsed.scheme == "sqlite":
        path = unquote(url[len("sqlite:///") :]) if url.startswith("sqlite:///") else ""
        if not path:
            raise ImproperlyConfigured(
                "PORCH_DATABASE_URL for SQLite looks like sqlite:///path/to/file"
            )
        return sqlite_database(Path(path))
    raise ImproperlyConfigured(
        f"PORCH_DATABASE_URL must start with postgresql:// or sqlite:///, not {parsed.scheme!r}"
    )


def sqlite_database(path: Path) -> dict:
    return {
        "ENGINE": "porch.core.dbsqlite",
        "NAME": str(path),
        "OPTIONS": {
            "init_command": SQLITE_INIT,
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
        "CONN_MAX_AGE": CONN_MAX_AGE,
        "CONN_HEALTH_CHECKS": True,
        # The test database is a real file with the real pragmas, one per
        # process so that parallel runs never share it.
        "TEST": {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")},
    }


_database_url = env_str("PORCH_DATABASE_URL", "")
DATABASES = {
    "default": database_from_url(_database_url)
    if _database_url
    else sqlite_database(VAR_DIR / "porch.sqlite3")
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ---- Background tasks -------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# ---- Accounts and sessions ------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["porch.accounts.backends.HandleBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]
if PORCH_ENV == "test" and not env_bool("PORCH_TEST_REAL_HASHER", False):
    # A fast hasher in tests; one test asserts Argon2id with the real list.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
]
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("PORCH_SESSION_HOURS", 12, minimum=1, maximum=24 * 14) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Privileged roles (THREAT_MODEL R27) are signed out after this much idleness.
PORCH_PRIVILEGED_IDLE_MINUTES = env_int("PORCH_PRIVILEGED_IDLE_MINUTES", 30, minimum=1, maximum=30)
PORCH_IDLE_MINUTES = env_int("PORCH_IDLE_MINUTES", 240, minimum=1, maximum=24 * 60)
PORCH_STEP_UP_SECONDS = env_int("PORCH_STEP_UP_SECONDS", 300, minimum=30, maximum=300)
PORCH_LOGIN_ATTEMPTS = env_int("PORCH_LOGIN_ATTEMPTS", 5, minimum=1, maximum=50)
PORCH_LOGIN_LOCK_MINUTES = env_int("PORCH_LOGIN_LOCK_MINUTES", 15, minimum=1, maximum=24 * 60)
PORCH_INVITATION_DAYS = env_int("PORCH_INVITATION_DAYS", 7, minimum=1, maximum=30)
PORCH_AUDIT_RETENTION_DAYS = env_int("PORCH_AUDIT_RETENTION_DAYS", 90, minimum=1, maximum=90)
PORCH_DEMO = env_bool("PORCH_DEMO", False)
if PRODUCTION and PORCH_DEMO:
    raise ImproperlyConfigured("PORCH_DEMO cannot be on when PORCH_ENV=production")

# ---- Internationalisation --------------------------------------------------
from porch.core.languages import EXTRA_LANG_INFO, LANGUAGES  # noqa: E402

LANGUAGE_CODE = env_str("PORCH_LANGUAGE_CODE", "en")
if LANGUAGE_CODE not in dict(LANGUAGES):
    raise ImproperlyConfigured(f"PORCH_LANGUAGE_CODE must be one of {[c for c, _ in LANGUAGES]}")
# locale/ holds Porch's own strings (makemessages); locale_django/ holds
# Django's own form and validation messages for languages Django does not
# ship (Somali, Hmong), kept apart so makemessages never marks them obsolete.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_django"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_str("PORCH_TIME_ZONE", "America/Chicago")
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

import django.conf.locale  # noqa: E402

django.conf.locale.LANG_INFO.update(EXTRA_LANG_INFO)

# ---- Static files -----------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve straight from static/ in development and tests; `porch serve` collects.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = False

# ---- HTTP hardening (THREAT_MODEL R36, R37, R39) -------------------------------
PORCH_MAX_BODY_BYTES = env_int("PORCH_MAX_BODY_BYTES", 2_621_440, minimum=1024)
# Views that stream a file through their own in-memory or sealing upload
# handler (receipt photos, legal evidence) accept bodies up to this size:
# the 20 MiB legal media cap plus room for the form fields.
PORCH_MAX_UPLOAD_BYTES = env_int("PORCH_MAX_UPLOAD_BYTES", 22_020_096, minimum=1024)  # 21 MiB
DATA_UPLOAD_MAX_MEMORY_SIZE = PORCH_MAX_BODY_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = PORCH_MAX_BODY_BYTES
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
# "same-origin", not "no-referrer": under no-referrer browsers send `Origin:
# null` with every form POST, which fails CSRF origin verification (and, over
# HTTPS, the Referer check). No referrer ever leaves our origin either way, and
# pages load nothing from any other origin (CSP).
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("PORCH_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("PORCH_HSTS_SECONDS", 31_536_000, minimum=3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("PORCH_HSTS_PRELOAD", True)
    # Checks that do not apply: allowed-hosts is set by the operator.
    if ALLOWED_HOSTS == ["127.0.0.1", "localhost", "[::1]", "testserver"]:
        raise ImproperlyConfigured(
            "Set PORCH_ALLOWED_HOSTS to your domain when PORCH_ENV=production"
        )

# ---- Logging (THREAT_MODEL R2, R40) ----------------------------------------------
# No access log, no IPs, no user agents, no bodies, no error e-mails. Django's
# request logger is silenced because its messages quote paths of failed
# requests; our own loggers log event names and opaque codes only.
ADMINS: list = []
MANAGERS: list = []
LOGGING = {
    "version": 1,
    "disable_existing_loggers": True,
    "filters": {"scrub": {"()": "porch.core.logging.ScrubFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["scrub"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("PORCH_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"handlers": [], "level": "CRITICAL", "propagate": False},
        "django.server": {"handlers": [], "level": "CRITICAL", "propagate": False},
        "django.security": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "gunicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
        # WeasyPrint logs per-PDF progress and quotes URLs (data: URIs carry content).
        "weasyprint.progress": {"handlers": [], "level": "CRITICAL", "propagate": False},
        "weasyprint": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}

# ---- Periodic jobs ----------------------------------------------------------
PORCH_WORKER_HEARTBEAT_SECONDS = env_int("PORCH_WORKER_HEARTBEAT_SECONDS", 15, minimum=1)

# ---- Vault (porch.vault; THREAT_MODEL R10–R21, R45–R51) ----------------------
# Only the *location* of keys is configured here; keys never enter settings.
PORCH_VAULT_KEY_SOURCE = env_choice("PORCH_VAULT_KEY_SOURCE", "file", {"file", "credential", "env"})
PORCH_VAULT_KEY_DIR = Path(
    env_str(
        "PORCH_VAULT_KEY_DIR",
        # Tests get a key directory per process, like their database.
        str(VAR_DIR / ("keys" if PORCH_ENV != "test" else f"keys-test-{os.getpid()}")),
    )
).resolve()
PORCH_VAULT_EPOCH_HOURS = env_int("PORCH_VAULT_EPOCH_HOURS", 24, minimum=1, maximum=24)
PORCH_VAULT_PURGE_BATCH = env_int("PORCH_VAULT_PURGE_BATCH", 500, minimum=1, maximum=100_000)


def _retention_hours(name: str) -> dict[str, int]:
    chosen = {}
    for item in env_list(name, []):
        data_class, _, hours = item.partition("=")
        try:
            chosen[data_class.strip()] = int(hours)
        except ValueError:
            raise ImproperlyConfigured(f"{name} looks like hotline_report=24,closed_case=240")
        if chosen[data_class.strip()] < 1:
            raise ImproperlyConfigured(f"{name}: hours must be at least 1")
    return chosen


# Shorter retention per data class (never longer than the default; checked).
PORCH_RETENTION_HOURS = _retention_hours("PORCH_RETENTION_HOURS")
PORCH_BACKUP_DIR = Path(env_str("PORCH_BACKUP_DIR", str(VAR_DIR / "backups"))).resolve()
PORCH_BACKUP_RECIPIENT = env_str("PORCH_BACKUP_RECIPIENT", "")
PORCH_BACKUP_DAYS = env_int("PORCH_BACKUP_DAYS", 7, minimum=1, maximum=7)
MIDDLEWARE = [*MIDDLEWARE, "porch.vault.middleware.KeysUnavailableMiddleware"]
TEMPLATES[0]["OPTIONS"]["context_processors"].append(
    "porch.vault.context_processors.vault_warnings"
)
# ---- end of Vault --------------------------------------------------------------

# ---- Messaging channels (porch.messaging.channels; THREAT_MODEL R4, R5, R40) ---
# Where texts and e-mails go. With nothing set, the console channel prints
# them. docs/messaging-channels.md explains each provider; `porch manage
# check` explains, in plain words, a credential a chosen channel is missing.
PORCH_SMS_CHANNEL = env_choice("PORCH_SMS_CHANNEL", "console", {"console", "twilio", "httpsms"})
PORCH_EMAIL_CHANNEL = env_choice("PORCH_EMAIL_CHANNEL", "console", {"console", "smtp"})
# The public base URL providers call back (webhook signatures cover it).
PORCH_PUBLIC_URL = env_str("PORCH_PUBLIC_URL", "").rstrip("/")
PORCH_CHANNEL_TIMEOUT_SECONDS = env_int("PORCH_CHANNEL_TIMEOUT_SECONDS", 10, minimum=1, maximum=120)
# Providers set the pace (DOMAIN.md): a long code ~1 segment/s, toll-free ~3,
# a short code ~100; an unvetted 10DLC brand ~2,000 messages a day. 0 = no limit.
PORCH_SMS_SEGMENTS_PER_SECOND = env_int("PORCH_SMS_SEGMENTS_PER_SECOND", 1, maximum=10_000)
PORCH_SMS_DAILY_CAP = env_int("PORCH_SMS_DAILY_CAP", 0)
PORCH_EMAIL_PER_SECOND = env_int("PORCH_EMAIL_PER_SECOND", 0, maximum=10_000)
PORCH_SIGNAL_PER_SECOND = env_int("PORCH_SIGNAL_PER_SECOND", 1, maximum=10)
PORCH_SIGNAL_DAILY_CAP = env_int("PORCH_SIGNAL_DAILY_CAP", 0)
PORCH_TWILIO_ACCOUNT_SID = env_str("PORCH_TWILIO_ACCOUNT_SID", "")
PORCH_TWILIO_AUTH_TOKEN = env_str("PORCH_TWILIO_AUTH_TOKEN", "")
PORCH_TWILIO_FROM = env_str("PORCH_TWILIO_FROM", "")
PORCH_TWILIO_BASE_URL = env_str("PORCH_TWILIO_BASE_URL", "https://api.twilio.com")
PORCH_HTTPSMS_API_KEY = env_str("PORCH_HTTPSMS_API_KEY", "")
PORCH_HTTPSMS_FROM = env_str("PORCH_HTTPSMS_FROM", "")
PORCH_HTTPSMS_BASE_URL = env_str("PORCH_HTTPSMS_BASE_URL", "https://api.httpsms.com")
PORCH_HTTPSMS_WEBHOOK_SIGNING_KEY = env_str("PORCH_HTTPSMS_WEBHOOK_SIGNING_KEY", "")
PORCH_SIGNAL_URL = env_str("PORCH_SIGNAL_URL", "")
PORCH_SIGNAL_NUMBER = env_str("PORCH_SIGNAL_NUMBER", "")
PORCH_SIGNAL_WEBHOOK_TOKEN = env_str("PORCH_SIGNAL_WEBHOOK_TOKEN", "")
PORCH_SMTP_HOST = env_str("PORCH_SMTP_HOST", "")
PORCH_SMTP_PORT = env_int("PORCH_SMTP_PORT", 0, maximum=65_535)  # 0: 587, or 465 for tls
PORCH_SMTP_USER = env_str("PORCH_SMTP_USER", "")
PORCH_SMTP_PASSWORD = env_str("PORCH_SMTP_PASSWORD", "")
PORCH_SMTP_SECURITY = env_choice("PORCH_SMTP_SECURITY", "starttls", {"none", "starttls", "tls"})
PORCH_EMAIL_FROM = env_str("PORCH_EMAIL_FROM", "")
PORCH_EMAIL_SUBJECT = env_str("PORCH_EMAIL_SUBJECT", "Porch")

# An organisation's own account: PORCH_ORG_<CODE>_<NAME> overrides PORCH_<NAME>
# for that organisation's messages, e.g. PORCH_ORG_7KQ2M9XHTR_TWILIO_FROM.
PORCH_ORG_CHANNEL_NAMES = {
    "SMS_CHANNEL": {"console", "twilio", "httpsms"},
    "EMAIL_CHANNEL": {"console", "smtp"},
    "SMS_SEGMENTS_PER_SECOND": int,
    "SMS_DAILY_CAP": int,
    "TWILIO_ACCOUNT_SID": str,
    "TWILIO_AUTH_TOKEN": str,
    "TWILIO_FROM": str,
    "HTTPSMS_API_KEY": str,
    "HTTPSMS_FROM": str,
    "HTTPSMS_WEBHOOK_SIGNING_KEY": str,
    "SIGNAL_URL": str,
    "SIGNAL_NUMBER": str,
    "SIGNAL_WEBHOOK_TOKEN": str,
    "SMTP_HOST": str,
    "SMTP_PORT": int,
    "SMTP_USER": str,
    "SMTP_PASSWORD": str,
    "SMTP_SECURITY": {"none", "starttls", "tls"},
    "EMAIL_FROM": str,
}


def _org_channels() -> dict[str, dict]:
    import re

    names = "|".join(sorted(PORCH_ORG_CHANNEL_NAMES, key=len, reverse=True))
    pattern = re.compile(rf"^PORCH_ORG_([0-9A-Z]+)_({names})$")
    chosen: dict[str, dict] = {}
    for variable in sorted(os.environ):
        match = pattern.match(variable)
        if not match:
            continue
        code, name = match.groups()
        kind = PORCH_ORG_CHANNEL_NAMES[name]
        if kind is int:
            value: object = env_int(variable, 0, maximum=65_535 if name == "SMTP_PORT" else None)
        elif isinstance(kind, set):
            value = env_choice(variable, "", kind)
        else:
            value = env_str(variable, "")
        chosen.setdefault(code, {})[name] = value
    return chosen


PORCH_ORG_CHANNELS = _org_channels()
# ---- end of Messaging channels -----------------------------------------------

# ---- Messaging outbox (porch.messaging.sender) ---------------------------------
# How long a worker holds claimed messages before another worker takes them
# over (a worker killed mid-send); longer than one slow batch to a provider.
PORCH_OUTBOX_LEASE_SECONDS = env_int("PORCH_OUTBOX_LEASE_SECONDS", 120, minimum=2, maximum=3600)
# The country assumed for numbers typed without +<country> on the public form.
PORCH_PHONE_REGION = env_str("PORCH_PHONE_REGION", "US").upper()
# ---- end of Messaging outbox ---------------------------------------------------
# ---- Geocoding (issue 6) -------------------------------------------------------
# A self-hosted Nominatim tried only when the offline address table misses.
# Empty (the default) means no geocoding request is ever made (R4).
PORCH_NOMINATIM_URL = env_str("PORCH_NOMINATIM_URL", "").strip()
if PORCH_NOMINATIM_URL and (
    urlparse(PORCH_NOMINATIM_URL).scheme not in {"http", "https"}
    or not urlparse(PORCH_NOMINATIM_URL).hostname
):
    raise ImproperlyConfigured(
        f"PORCH_NOMINATIM_URL must be an http(s) URL, not {PORCH_NOMINATIM_URL!r}"
    )
# ---- end of Geocoding ----------------------------------------------------------
