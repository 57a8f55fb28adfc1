"""Settings for the pytest suite: the database still comes from DATABASE_URL (SQLite or PostgreSQL)."""

from __future__ import annotations

from openkap.config.settings import *  # noqa: F403

SECRET_KEY = "test-secret-key-that-is-long-enough-for-the-audit-chain-0123456789"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher"
]  # speed only; never in production
OPENKAP_DEMO_MODE = False
# pytest-django empties tables with TRUNCATE between transactional tests; production refuses it
# on the audit table (audit migration 0003, whose refusal has its own test).
OPENKAP_AUDIT_ALLOW_TRUNCATE = True
