"""The one settings module of Carta.

Everything that differs between deployments is read from the environment through
``carta.env``; with no environment at all a checkout runs on SQLite (WAL) and the
in-memory channel layer. ``CARTA_PROFILE=production`` switches on the HTTPS and cookie
hardening that ``carta check --deploy`` expects, and makes ``SECRET_KEY`` mandatory.
See docs/configuration in the README for the list of variables.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from ipaddress import ip_network
from pathlib import Path

from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from carta.env import (
    database_from_url,
    env_bool,
    env_choice,
    env_date,
    env_int,
    env_list,
    env_str,
    env_url,
    redis_urls,
)

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent.parent

PROFILE = env_choice("CARTA_PROFILE", ("embedded", "production"), "embedded")
PRODUCTION = PROFILE == "production"
DEBUG = env_bool("DEBUG", False)

DATA_DIR = Path(env_str("CARTA_DATA_DIR", str(BASE_DIR / "var")))


def _secret_key() -> str:
    key = env_str("SECRET_KEY")
    if key:
        if PRODUCTION and (len(key) < 50 or len(set(key)) < 5):
            raise ImproperlyConfigured("SECRET_KEY: must be at least 50 random characters")
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY: must be set when CARTA_PROFILE=production")
    # The embedded profile keeps a generated key beside its database, so that sessions
    # survive a restart without anyone having to invent a secret.
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS: must list the site's host names in production")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "channels",
    "django_htmx",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.mfa",
    "allauth.usersessions",
    "carta",
    "stakeholders",
    "proposals",
    "consultations.charter",
    "consultations.voting",
    "feedback",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "carta.middleware.RejectNulMiddleware",
    "carta.middleware.OutOfRangeNumbersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "carta.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "carta.second_factor.StaffSecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "carta.resilience.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "carta.urls"
FORM_RENDERER = "carta.forms.FormRenderer"
ASGI_APPLICATION = "carta.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "carta.context_processors.site",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------

_database_url = env_str("DATABASE_URL")
if _database_url:
    DATABASES = {"default": database_from_url("DATABASE_URL", _database_url)}
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(DATA_DIR / "carta.sqlite3")),
            "OPTIONS": {
                # WAL lets readers proceed while one writer writes; IMMEDIATE takes the write
                # lock at BEGIN so that two writers queue on the busy timeout instead of failing
                # with "database is locked" half-way through a transaction.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": env_int("SQLITE_BUSY_TIMEOUT", 20, minimum=1),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Channels and cache ---------------------------------------------------------------

# Several comma-separated URLs shard the channel layer; the first also holds the cache.
REDIS_URLS = redis_urls("REDIS_URL")
REDIS_URL = REDIS_URLS[0] if REDIS_URLS else None
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": REDIS_URLS, "capacity": 1500, "expiry": 30},
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "carta.resilience.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "carta",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Accounts -------------------------------------------------------------------------

AUTH_USER_MODEL = "carta.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "personal_area"
LOGOUT_REDIRECT_URL = "home"

# django-allauth: email addresses and their verification (a password account takes part
# once its address is verified: carta.permissions.may_take_part), and the sign-in with
# SPID and CIE through an OpenID Connect gateway (carta.identity, docs/identity.md).
ACCOUNT_ADAPTER = "carta.identity.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "carta.identity.SocialAccountAdapter"
ACCOUNT_FORMS = {"login": "carta.forms.LoginForm"}
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SESSION_REMEMBER = True
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_EMAIL_CONFIRMATION_HMAC = True
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = env_int("CARTA_EMAIL_CONFIRMATION_DAYS", 3, minimum=1)
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PROFILE == "production" else "http"
# Carta's own limits (carta.ratelimit) guard its sign-in, registration and reset; allauth's
# stay on for what only allauth serves (confirmation emails, its own forms).
ACCOUNT_RATE_LIMITS = {"confirm_email": "1/3m/key", "login_failed": False}
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
# SPID's email attribute is optional: an identity alone makes the account.
SOCIALACCOUNT_EMAIL_REQUIRED = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = env_int("CARTA_IDENTITY_TIMEOUT", 10, minimum=1)


def _identity_gateway(provider: str, name: str) -> dict | None:
    """One SPID or CIE gateway from ``CARTA_<PROVIDER>_*``; ``None`` without an issuer."""
    prefix = f"CARTA_{provider.upper()}_"
    issuer = env_str(prefix + "ISSUER")
    if not issuer:
        return None
    return {
        "provider_id": provider,
        "name": name,
        "client_id": env_str(prefix + "CLIENT_ID"),
        "secret": env_str(prefix + "CLIENT_SECRET"),
        "settings": {
            "server_url": issuer,
            "scope": env_list(prefix + "SCOPES", ["openid", "profile", "email"]),
            "token_auth_method": env_choice(
                prefix + "TOKEN_AUTH_METHOD",
                ("client_secret_basic", "client_secret_post"),
                "client_secret_basic",
            ),
            "fiscal_code_claim": env_str(prefix + "FISCAL_CODE_CLAIM", "fiscalNumber"),
            "level_claim": env_str(prefix + "LEVEL_CLAIM", "acr"),
        },
    }


SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            app
            for app in (_identity_gateway("spid", "SPID"), _identity_gateway("cie", "CIE"))
            if app
        ],
    }
}
# The second factor (carta.second_factor): TOTP apps with recovery codes; staff and
# administrators must have one when CARTA_STAFF_MFA_REQUIRED (default: on in production).
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env_str("CARTA_MFA_ISSUER", "Carta")
CARTA_STAFF_MFA_REQUIRED = env_bool("CARTA_STAFF_MFA_REQUIRED", PRODUCTION)
# The sessions one is signed in with, listed on the profile (allauth.usersessions).
USERSESSIONS_TRACK_ACTIVITY = False

# The minimum SPID level (1-3) a sign-in must reach to be recorded as an identity.
CARTA_IDENTITY_MIN_LEVEL = env_int("CARTA_IDENTITY_MIN_LEVEL", 2, minimum=1)
# The key of the person keys and the eligibility lists' hashes (carta.identity): a copy of
# the database alone cannot tell whose they are. Defaults to one derived from SECRET_KEY.
CARTA_IDENTITY_HASH_KEY = env_str("CARTA_IDENTITY_HASH_KEY")

ANONYMOUS_USER_NAME = None  # guardian: anonymous visitors hold no object permissions
GUARDIAN_RAISE_403 = False


def _networks(name: str) -> list[str]:
    """A comma-separated list of addresses or networks (``127.0.0.1,10.0.0.0/8``)."""
    networks = []
    for item in env_list(name):
        try:
            networks.append(str(ip_network(item, strict=False)))
        except ValueError:
            raise ImproperlyConfigured(
                f"{name}: expected addresses or networks separated by commas, got {item!r}"
            ) from None
    return networks


# The reverse proxies whose X-Forwarded-For is believed (carta.ratelimit.client_ip); none
# by default, so that no client can choose its own address.
CARTA_TRUSTED_PROXIES = _networks("CARTA_TRUSTED_PROXIES")
# How long ``carta serve`` keeps an idle connection open for the next request. Longer than
# the proxy's idle upstream connections (nginx: 60 s), or the proxy may send a request on a
# connection the server is closing, which fails (a 502); uvicorn's own default is 5 s.
CARTA_KEEP_ALIVE_SECONDS = env_int("CARTA_KEEP_ALIVE_SECONDS", 75, minimum=1)

# Login attempts per client address and username in a window; past it, 429.
CARTA_LOGIN_RATE = (env_int("CARTA_LOGIN_ATTEMPTS", 10, minimum=1), 300)
# Login attempts per client address whatever the username (one address trying many
# accounts), per account whatever the address (many addresses trying one account),
# registrations and password-reset requests per client address, in an hour.
CARTA_LOGIN_ADDRESS_RATE = (env_int("CARTA_LOGIN_ADDRESS_ATTEMPTS", 30, minimum=1), 300)
CARTA_LOGIN_ACCOUNT_RATE = (env_int("CARTA_LOGIN_ACCOUNT_ATTEMPTS", 20, minimum=1), 3600)
CARTA_REGISTER_RATE = (env_int("CARTA_REGISTRATIONS_PER_HOUR", 10, minimum=1), 3600)
CARTA_RESET_RATE = (env_int("CARTA_RESETS_PER_HOUR", 10, minimum=1), 3600)

# API tokens (django-rest-knox): they expire after this many days and are revoked when the
# password changes or the account is deactivated (carta.tokens).
CARTA_TOKEN_DAYS = env_int("CARTA_TOKEN_DAYS", 30, minimum=1)
CARTA_TOKEN_LIMIT = env_int("CARTA_TOKEN_LIMIT", 50, minimum=1)
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=CARTA_TOKEN_DAYS),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
    "TOKEN_LIMIT_PER_USER": None,
}

# --- Internationalization -------------------------------------------------------------

LANGUAGE_CODE = "it"
LANGUAGES = [("it", _("Italiano")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "templates" / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Rome")
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Outside production the files are served straight from the apps, with no collectstatic.
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# --- Attachments (docs/attachments.md) ------------------------------------------------
# A storage of their own, outside the static files (whitenoise never serves them): only
# carta.attachments' download view reads them, after the permission check. On S3 (with
# the optional extra ``s3``: django-storages and boto3) the bucket stays private.

CARTA_ATTACHMENTS_STORAGE = env_choice(
    "CARTA_ATTACHMENTS_STORAGE", ("filesystem", "s3"), "filesystem"
)
if CARTA_ATTACHMENTS_STORAGE == "s3":
    if not env_str("CARTA_S3_BUCKET"):
        raise ImproperlyConfigured("CARTA_S3_BUCKET: required with CARTA_ATTACHMENTS_STORAGE=s3")
    STORAGES["attachments"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("CARTA_S3_BUCKET"),
            "endpoint_url": env_str("CARTA_S3_ENDPOINT_URL") or None,
            "region_name": env_str("CARTA_S3_REGION") or None,
            "access_key": env_str("CARTA_S3_ACCESS_KEY_ID") or None,
            "secret_key": env_str("CARTA_S3_SECRET_ACCESS_KEY") or None,
            "location": env_str("CARTA_S3_PREFIX", "attachments"),
            "default_acl": "private",
            "file_overwrite": False,
        },
    }
else:
    STORAGES["attachments"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": env_str("CARTA_ATTACHMENTS_DIR", str(DATA_DIR / "attachments")),
            "directory_permissions_mode": 0o750,
            "file_permissions_mode": 0o640,
        },
    }
CARTA_ATTACHMENT_MAX_BYTES = env_int("CARTA_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
# Uploads a person (or, signed out, an address) may make in an hour.
CARTA_ATTACHMENT_UPLOADS_PER_HOUR = env_int("CARTA_ATTACHMENT_UPLOADS_PER_HOUR", 30, minimum=1)

# --- Email ----------------------------------------------------------------------------

EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Carta <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- The Ambito -----------------------------------------------------------------------

CARTA_AMBITO_NAME = env_str("CARTA_AMBITO_NAME", "Ambito Territoriale Sociale Valle del Tirino")
CARTA_SITE_URL = env_str("CARTA_SITE_URL", "http://127.0.0.1:8000")
CARTA_ACCESSIBILITY_EMAIL = env_str("CARTA_ACCESSIBILITY_EMAIL", "accessibilita@localhost")
CARTA_PRIVACY_EMAIL = env_str("CARTA_PRIVACY_EMAIL", "privacy@localhost")
# The Ambito's identity as a public body, read through carta.ambito.identity() and shown in
# the footer, the privacy notice, the emails and GET /api/v1/ambito/ (docs/going-live.md).
# carta.checks warns (carta.W001-W003) when the production profile lacks the IPA code, the
# PEC or the data protection officer's contact.
CARTA_AMBITO_IPA_CODE = env_str("CARTA_AMBITO_IPA_CODE")
CARTA_AMBITO_ADDRESS = env_str("CARTA_AMBITO_ADDRESS")
CARTA_AMBITO_PEC = env_str("CARTA_AMBITO_PEC")
CARTA_AMBITO_WEBSITE = env_url("CARTA_AMBITO_WEBSITE")
# An https:// image or a path on this site; none: the Bootstrap Italia "it-pa" icon.
CARTA_AMBITO_LOGO = env_url("CARTA_AMBITO_LOGO", allow_path=True)
CARTA_DPO_NAME = env_str("CARTA_DPO_NAME")
CARTA_DPO_EMAIL = env_str("CARTA_DPO_EMAIL")
CARTA_DPO_PEC = env_str("CARTA_DPO_PEC")
# The licence of every open-data export and of the DCAT-AP_IT catalogue (docs/open-data.md):
# an SPDX id of carta.opendata.LICENCES; CC BY 4.0, which AgID's guidelines recommend.
CARTA_OPEN_DATA_LICENCE = env_choice(
    "CARTA_OPEN_DATA_LICENCE", ("CC-BY-4.0", "CC-BY-SA-4.0", "CC0-1.0"), "CC-BY-4.0"
)
# The accessibility statement published on AgID's form (form.agid.gov.it): its address,
# its date and the date of its next review, shown on /accessibilita/ and in the footer.
CARTA_ACCESSIBILITY_STATEMENT_URL = env_url("CARTA_ACCESSIBILITY_STATEMENT_URL")
CARTA_ACCESSIBILITY_STATEMENT_DATE = env_date("CARTA_ACCESSIBILITY_STATEMENT_DATE")
CARTA_ACCESSIBILITY_REVIEW_DATE = env_date("CARTA_ACCESSIBILITY_REVIEW_DATE")
if (
    CARTA_ACCESSIBILITY_STATEMENT_DATE
    and CARTA_ACCESSIBILITY_REVIEW_DATE
    and CARTA_ACCESSIBILITY_REVIEW_DATE <= CARTA_ACCESSIBILITY_STATEMENT_DATE
):
    raise ImproperlyConfigured(
        "CARTA_ACCESSIBILITY_REVIEW_DATE: must come after CARTA_ACCESSIBILITY_STATEMENT_DATE"
    )
CARTA_COMPLAINT_DAYS = env_int("CARTA_COMPLAINT_DAYS", 30, minimum=1)
# Contact data of closed complaints is erased this many days after closing.
CARTA_ANONYMIZE_AFTER_DAYS = env_int("CARTA_ANONYMIZE_AFTER_DAYS", 365, minimum=1)
# Days a verified organization has to renew its pact once a new Carta takes effect; after
# them it casts no organization ballot until it renews (stakeholders.services.pact).
CARTA_PACT_GRACE_DAYS = env_int("CARTA_PACT_GRACE_DAYS", 60, minimum=1)

# --- API ------------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so that an unauthenticated call answers 401 with WWW-Authenticate.
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    # DRF's parsers, with JSON nested too deeply for Python refused as a 400.
    "DEFAULT_PARSER_CLASSES": [
        "carta.api.parsers.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "carta.api.pagination.Pagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    # DRF's own classes with the client address of the page limits (carta.ratelimit).
    "DEFAULT_THROTTLE_CLASSES": [
        "carta.api.throttling.AnonRateThrottle",
        "carta.api.throttling.UserRateThrottle",
        "carta.api.throttling.ScopedRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("CARTA_THROTTLE_ANON", "300/min"),
        "user": env_str("CARTA_THROTTLE_USER", "3000/min"),
        "vote": env_str("CARTA_THROTTLE_VOTE", "30/min"),
        "anonymous_form": env_str("CARTA_THROTTLE_FORMS", "20/hour"),
        "tracking": env_str("CARTA_THROTTLE_TRACKING", "20/hour"),
    },
    "DEFAULT_SCHEMA_CLASS": "carta.api.schema.CartaAutoSchema",
    "EXCEPTION_HANDLER": "carta.api.errors.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Carta API",
    "DESCRIPTION": "API della piattaforma Carta: organizzazioni, risorse, proposte, "
    "Carta dei servizi, consultazioni, valutazioni e reclami.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Operations grouped by resource, the resources described at the root (carta.api.schema).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "carta.api.schema.add_resource_tags",
    ],
    # The API's contract is JSON; the form parsers serve the browsable API and the upload of
    # the Carta's import, which declares its own multipart body.
    "PARSER_WHITELIST": ["carta.api.parsers.SafeJSONParser"],
    # One schema name per choice set, so that the API's enums read well in client code.
    "ENUM_NAME_OVERRIDES": {
        "AreaEnum": "carta.models.Area",
        "FlagStatusEnum": "carta.models.Flag.Status",
        "ModerationActionEnum": "carta.models.ModerationEntry.Action",
        "OrganizationKindEnum": "stakeholders.models.OrganizationKind",
        "OrganizationStatusEnum": "stakeholders.models.OrganizationStatus",
        "MemberRoleEnum": "stakeholders.models.Role",
        "ResourceKindEnum": "stakeholders.models.ResourceKind",
        "ResourceVisibilityEnum": "stakeholders.models.Visibility",
        "ProposalStateEnum": "proposals.states.ProposalState",
        "PartnershipStatusEnum": "proposals.models.PartnershipStatus",
        "RevisionStatusEnum": "consultations.charter.models.RevisionStatus",
        "CommitmentDirectionEnum": "consultations.charter.models.Direction",
        "CommentOutcomeEnum": "consultations.charter.models.Outcome",
        "AmendmentKindEnum": "consultations.charter.models.AmendmentKind",
        "AmendmentStatusEnum": "consultations.charter.models.AmendmentStatus",
        "ElectorateEnum": "consultations.voting.models.Electorate",
        "SecrecyEnum": "consultations.voting.models.Secrecy",
        "ResultsVisibilityEnum": "consultations.voting.models.ResultsVisibility",
        "ConsultationStatusEnum": "consultations.voting.models.Status",
        "QuestionKindEnum": "consultations.voting.models.QuestionKind",
        "ComplaintCategoryEnum": "feedback.models.ComplaintCategory",
        "ComplaintStatusEnum": "feedback.models.ComplaintStatus",
    },
}

# --- Security -------------------------------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    # /healthz is probed over plain HTTP by the proxy and the service manager.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Scripts, stylesheets, fonts and images from the site only: the pages hold no inline
# script, and the one inline block left (the API documentation's) runs by nonce, which is
# sent only with the pages that use it. Style *attributes* stay allowed: a few templates
# still indent replies and size elements with them, and no script runs from a style
# attribute. Charts are drawn by the vendored Chart.js from data in json_script blocks.
# Bootstrap Italia's stylesheet embeds the video player's icon font as a data: URL (a font
# runs nothing). 'self' in connect-src also covers the site's own ws: and wss: (CSP 3).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# A logo served from another site (CARTA_AMBITO_LOGO) is the one image allowed from there.
if CARTA_AMBITO_LOGO.startswith("https://"):
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(
        "https://" + CARTA_AMBITO_LOGO.split("/")[2]
    )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.channels.server": {"level": "WARNING"}},
}
