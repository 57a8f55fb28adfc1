"""Production settings: `DJANGO_SETTINGS_MODULE=openkap.config.production`. `openkap check --deploy` is clean."""

from __future__ import annotations

import os
from pathlib import Path

from openkap.config.settings import *  # noqa: F403
from openkap.config.settings import DATA_DIR

SECRET_KEY = os.environ["OPENKAP_SECRET_KEY"]
DEBUG = False
OPENKAP_DEMO_MODE = False
ALLOWED_HOSTS = os.environ["OPENKAP_ALLOWED_HOSTS"].split(",")
OPENKAP_BASE_URL = os.environ["OPENKAP_BASE_URL"]

# Alerts and reminders go through the clinic's mail server (the development console backend would
# only print them). TLS on; the credentials come from the environment.
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("OPENKAP_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("OPENKAP_EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("OPENKAP_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("OPENKAP_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = True
DEFAULT_FROM_EMAIL = os.environ.get("OPENKAP_EMAIL_FROM", "openkap@localhost")

SECURE_SSL_REDIRECT = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31_536_000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-openkap-session"
CSRF_COOKIE_NAME = "__Host-openkap-csrf"
STATIC_ROOT = Path(os.environ.get("OPENKAP_STATIC_ROOT", DATA_DIR / "static"))
WHITENOISE_USE_FINDERS = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
