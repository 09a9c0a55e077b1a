"""Small overrides of ``carta.settings`` for the test suite.

The suite runs on the embedded default (SQLite, in-memory channel layer) unless
``DATABASE_URL`` and ``REDIS_URL`` are set, which is how CI's second pass runs it on
PostgreSQL and Redis.
"""

from carta.settings import *  # noqa: F403
from carta.settings import ALLOWED_HOSTS, REDIS_URL, REST_FRAMEWORK

# The site of Django's test client, which no deployment serves.
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]
CARTA_SITE_URL = "http://testserver"

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

# Concurrency tests open dozens of simultaneous connections from threads; CI's PostgreSQL
# allows 300.
if "pool" in DATABASES["default"].get("OPTIONS", {}):  # noqa: F405
    DATABASES["default"]["OPTIONS"]["pool"] = {  # noqa: F405
        **DATABASES["default"]["OPTIONS"]["pool"],  # noqa: F405
        "max_size": 120,
    }

# Files the tests attach go to a temporary folder of the run, never to the data folder of
# a developer's installation (tests that look at the stored files set their own).
if STORAGES["attachments"]["BACKEND"].endswith("FileSystemStorage"):  # noqa: F405
    import tempfile

    STORAGES = {  # noqa: F405
        **STORAGES,  # noqa: F405
        "attachments": {
            **STORAGES["attachments"],  # noqa: F405
            "OPTIONS": {
                **STORAGES["attachments"].get("OPTIONS", {}),  # noqa: F405
                "location": tempfile.mkdtemp(prefix="carta-test-attachments-"),
            },
        },
    }
