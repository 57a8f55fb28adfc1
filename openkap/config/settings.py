"""Settings for development and the demo (`make run`). Production overrides live in production.py."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
import django_stubs_ext

# Lets ModelForm[Patient] and friends be written with their type parameter at run time.
django_stubs_ext.monkeypatch()

PACKAGE_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PACKAGE_DIR.parent
DATA_DIR = Path(os.environ.get("OPENKAP_DATA_DIR", BASE_DIR / "data"))


def env_flag(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


def _development_secret_key() -> str:
    # A random key kept in the data folder, so sessions and the audit chain key survive restarts.
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = os.environ.get("OPENKAP_SECRET_KEY") or _development_secret_key()
DEBUG = env_flag("OPENKAP_DEBUG", default=False)
# Keys the audit trail's HMAC chain; falls back to SECRET_KEY. Changing it breaks verification of old rows.
OPENKAP_AUDIT_CHAIN_KEY = os.environ.get("OPENKAP_AUDIT_CHAIN_KEY", "")
ALLOWED_HOSTS = os.environ.get("OPENKAP_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")

# Demo mode shows the demo accounts' one-time codes so a newcomer can log in without a phone.
# On in development settings; production.py forces it off and `check --deploy` refuses it.
OPENKAP_DEMO_MODE = env_flag("OPENKAP_DEMO_MODE", default=True)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "openkap.accounts",
    "openkap.audit",
    "openkap.patients",
    "openkap.knowledge",
    "openkap.screening",
    "openkap.plans",
    "openkap.consent",
    "openkap.portal",
    "openkap.inventory",
    "openkap.dosing",
    "openkap.rems",
    "openkap.safety",
    "openkap.reports",
    "openkap.pharmacology",
    "openkap.integration",
    "openkap.outcomes",
    "openkap.billing",
    "openkap.quality",
    "openkap.athome",
    "openkap.web",
    "openkap.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "openkap.audit.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "openkap.accounts.middleware.SessionLifetimeMiddleware",
    "openkap.accounts.middleware.ActiveClinicMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "openkap.web.middleware.NoStoreMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "openkap.config.urls"
WSGI_APPLICATION = "openkap.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "openkap.web.context_processors.shell",
                "openkap.outcomes.context_processors.suicide_risk_alerts",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'openkap.sqlite3'}"),
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock at BEGIN, so concurrent writers wait instead of failing,
    # which keeps the audit hash chain strictly sequential.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"

# Lockout: 10 failed passwords for one username, or from one address, cool it off for 15 minutes
# (security.md §8: "lockout or cool-off after 10 failures in 15 min").
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "openkap.accounts.views.locked_out"
AXES_VERBOSE = False

# Sessions: idle time-out 15 minutes by default (a clinic may set 5-30), absolute lifetime 12 hours
# (security.md §5.1, ASVS 4.0.3 V3.3.2 L3 figures).
OPENKAP_IDLE_TIMEOUT_MINUTES = int(os.environ.get("OPENKAP_IDLE_TIMEOUT_MINUTES", "15"))
OPENKAP_SESSION_ABSOLUTE_HOURS = 12
# Break-glass grants last one hour; a further need is a further grant with its own reason.
OPENKAP_EMERGENCY_ACCESS_MINUTES = 60
SESSION_COOKIE_AGE = OPENKAP_SESSION_ABSOLUTE_HOURS * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
CSRF_FAILURE_VIEW = "openkap.web.views.csrf_failure"
OTP_TOTP_ISSUER = "OpenKAP"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# WhiteNoise serves the vendored assets from the app folders in development and from STATIC_ROOT
# (after collectstatic, see production.py) in production: no CDN and no separate web server needed for them.
WHITENOISE_USE_FINDERS = True

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Where staff and patients reach the app: links in e-mails sent outside a request (reminders,
# alerts raised by commands) start with it. Requests use their own address.
OPENKAP_BASE_URL = os.environ.get("OPENKAP_BASE_URL", "http://127.0.0.1:8000")

# Logs carry request ids and user ids, never patient data: the audit trail is the place for that.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "openkap.audit.middleware.RequestIdLogFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        # Django's request logger prints the path of 4xx/5xx requests; ours carry no patient data,
        # but error e-mails with request bodies could, so they are not configured.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
    },
}
