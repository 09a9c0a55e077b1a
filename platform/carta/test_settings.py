"""Small overrides of ``carta.settings`` for the test suite.

The suite runs on the embedded default (SQLite, in-memory channel layer) unless
``DATABASE_URL`` and ``REDIS_URL`` are set, which is how CI's second pass runs it on
PostgreSQL and Redis.
"""

from carta.settings import *  # noqa: F403
from carta.settings import REDIS_URL, REST_FRAMEWORK

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
if not REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {
        **REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
        "anon": "100000/min",
        "user": "100000/min",
    },
}
