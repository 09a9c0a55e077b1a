"""Settings of the test identity provider: a test and demo tool, never for production.

Read by ``python -m devtools.testidp``, which sets ``TESTIDP_ISSUER`` and ``TESTIDP_DATA_DIR``
before Django starts. Nothing of Carta's settings is imported. The secret key is made afresh
at every start; the RSA signing key at the first start in a data directory (so a restart on
the same directory keeps the keys a client has cached).
"""

import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.exceptions import ImproperlyConfigured


def _required_env(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise ImproperlyConfigured(f"{name} is set by python -m devtools.testidp")
    return value


def _rsa_key_pem(data_dir: Path) -> str:
    """The signing key of the data directory, made at the first start there."""
    path = data_dir / "signing-key.pem"
    if not path.exists():
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        path.write_bytes(pem)
        path.chmod(0o600)
    return path.read_text(encoding="ascii")


ISSUER = _required_env("TESTIDP_ISSUER").rstrip("/")
DATA_DIR = Path(_required_env("TESTIDP_DATA_DIR"))

DEBUG = False
SECRET_KEY = secrets.token_urlsafe(50)
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", os.environ.get("TESTIDP_HOST", "127.0.0.1")]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oauth2_provider",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
ROOT_URLCONF = "devtools.testidp.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [Path(__file__).resolve().parent / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
            ]
        },
    }
]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "testidp.sqlite3",
        # The server is threaded: writers wait for each other instead of failing.
        "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Fast on purpose: the passwords and the client secret are published test values.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "it"
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Europe/Rome"

LOGIN_URL = "login"
# Loopback over plain HTTP: the cookies cannot be Secure.
SESSION_COOKIE_NAME = "testidp_sessionid"
CSRF_COOKIE_NAME = "testidp_csrftoken"

OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    # The issuer is fixed rather than taken from each request's Host, so that the discovery
    # document and the tokens' ``iss`` are the same string whatever name the client used.
    "OIDC_ISS_ENDPOINT": ISSUER,
    "OIDC_RSA_PRIVATE_KEY": _rsa_key_pem(DATA_DIR),
    "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OAUTH2_VALIDATOR_CLASS": "devtools.testidp.validators.SpidProxyLikeValidator",
    "SCOPES": {
        "openid": "OpenID Connect",
        "profile": "Nome, cognome e codice fiscale",
        "email": "Indirizzo email",
    },
    "DEFAULT_SCOPES": ["openid"],
    "PKCE_REQUIRED": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,  # S256 only, "plain" refused
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["stderr"], "level": "WARNING"},
}

# Cookies are per host, not per port: on 127.0.0.1 beside Carta the provider's own names
# keep the two sessions (and CSRF tokens) apart in one browser.
SESSION_COOKIE_NAME = "testidp_sessionid"
CSRF_COOKIE_NAME = "testidp_csrftoken"
