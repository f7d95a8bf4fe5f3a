"""
Settings of the clinic's record system, read from the environment.

Local use needs no configuration: DEBUG is on and the data lives in an embedded
SQLite file. In production set DJANGO_DEBUG=0; the secret key and the allowed
hosts must then be given, and start-up stops with a clear error when they are not.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be 1 or 0, not {value!r}.")


def env_int(name, default):
    value = os.environ.get(name, "")
    if value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_required(name):
    value = os.environ.get(name, "")
    if not value:
        raise ImproperlyConfigured(
            f"{name} must be set when DJANGO_DEBUG=0. See the README, section Deployment."
        )
    return value


DEBUG = env_bool("DJANGO_DEBUG", True)

if DEBUG:
    # Only for local use: a production start (DJANGO_DEBUG=0) refuses to run without its own key.
    SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or "django-insecure-local-only-clinic-demo-key"
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
else:
    SECRET_KEY = env_required("DJANGO_SECRET_KEY")
    env_required("DJANGO_ALLOWED_HOSTS")
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")

CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Before the admin, as django-modeltranslation asks: the catalogues in both languages.
    "modeltranslation",
    "clinic.apps.ClinicAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    # django-axes, named "Sign-in attempts" in the back office.
    "clinic.apps.SignInAttemptsConfig",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # In the order of the layers (lint-imports): the core records, informed consent,
    # screening (with the eligibility decision), courses and sessions, then the read side on
    # top. The record kinds of the client's history are listed in this order too.
    "clinic.apps.ClinicConfig",
    "consent",
    "screening",
    "sessions_app",
    "outcomes",
    "appointments",
    "clinic.overview",
]

# Staff accounts: Django's user with the one way a person is named (clinic.models.User).
AUTH_USER_MODEL = "clinic.User"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Every view needs a login unless it is explicitly marked with @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # After the user is known: their own language, else the clinic's (clinic.middleware).
    "clinic.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "clinic.middleware.no_store_for_signed_in",
    "clinic.middleware.ArchivedClientMiddleware",
    "clinic.middleware.EditConflictMiddleware",
    # Before any view reads the body (CSRF reads it in process_view, after every __call__ here),
    # and inside the middleware that give its 413 page the security headers.
    "clinic.middleware.refuse_oversized_bodies",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it answers a locked-out sign-in with the lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "clinic.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "clinic.context_processors.role_flags",
            ],
        },
    },
]

WSGI_APPLICATION = "clinic.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Write-ahead logging lets readers go on while one writes; IMMEDIATE transactions and the
    # timeout make a second writer wait its turn instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": env_int("DJANGO_SQLITE_TIMEOUT", 20),
    }
    if os.environ.get("CLINIC_TEST_DATABASE_FILE"):
        # make e2e: the browser tests' server and the tests share a database file.
        DATABASES["default"]["TEST"] = {"NAME": os.environ["CLINIC_TEST_DATABASE_FILE"]}
else:
    # A request never waits long on a lock or a runaway query: it ends in the 503 page with
    # Retry-After (clinic.views.server_error) well before gunicorn would kill the worker (30 s),
    # so one locked table does not hang every worker. 0 turns a limit off (a long migration).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "connect_timeout": env_int("DJANGO_DB_CONNECT_TIMEOUT", 5),
            "options": (
                f"-c lock_timeout={1000 * env_int('DJANGO_DB_LOCK_TIMEOUT', 5)}"
                f" -c statement_timeout={1000 * env_int('DJANGO_DB_STATEMENT_TIMEOUT', 20)}"
            ),
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    # Kept to read (and upgrade on the next sign-in) passwords stored before Argon2.
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

# Five failed sign-ins for one username from one address lock that pair out for 15 minutes.
# Clinic admins see (and lift) lockouts in the back office. Behind a proxy, say how many proxies
# set X-Forwarded-For, so that the client's own address is the one counted.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "clinic.lib.lockout.username"
AXES_IPWARE_PROXY_COUNT = env_int("DJANGO_PROXY_COUNT", 0) or None
if AXES_IPWARE_PROXY_COUNT:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")

# A session ends after 30 minutes without a request, and when the browser closes.
SESSION_COOKIE_AGE = env_int("DJANGO_SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "overview:home"
LOGOUT_REDIRECT_URL = "login"

# The clinic's language. Every page, message and export is in Russian or English: the user's
# own choice (kept on their account, clinic.middleware.UserLanguageMiddleware), otherwise this
# one, the clinic's default. A browser's Accept-Language does not override the clinic's choice.
LANGUAGES = [("ru", "Русский"), ("en", "English")]
LANGUAGE_CODE = os.environ.get("CLINIC_LANGUAGE", "ru")
if LANGUAGE_CODE not in dict(LANGUAGES):
    raise ImproperlyConfigured(f"CLINIC_LANGUAGE must be ru or en, not {LANGUAGE_CODE!r}.")
USE_I18N = True
LOCALE_PATHS = [BASE_DIR / "locale"]
# The catalogues (conditions, contraindications, techniques, zones, plan templates) are kept in
# both languages (each app's translation.py); a clinic admin fills in both. The original
# column holds the English text, read when a translation is missing.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en", "ru")
# One format for each purpose, per language (clinic/formats/<language>/formats.py).
FORMAT_MODULE_PATH = ["clinic.formats"]
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "UTC")
USE_TZ = True
# Phones typed without a country code are read as numbers of this region (ISO 3166 code).
CLINIC_PHONE_REGION = os.environ.get("CLINIC_PHONE_REGION", "RU").upper()

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Bootstrap is pinned in package.json and installed from the npm registry (no CDN).
    ("bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    # The pad consents are signed on with a finger or a stylus (consent-sign.js).
    ("signature_pad", BASE_DIR / "node_modules" / "signature_pad" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Scans of referral letters and signed consents go to S3-compatible object storage when a bucket
# is named, so that every app server reads what any of them stored; otherwise to MEDIA_ROOT on
# this server's disk. Either way they are read only through the views that check the user's
# role (clinic.lib.scans): the bucket stays private and no page links to it. The credentials
# come the way boto3 finds them: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or the machine's
# role.
CLINIC_S3_BUCKET = os.environ.get("CLINIC_S3_BUCKET", "")
if CLINIC_S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": CLINIC_S3_BUCKET,
            # Empty: Amazon S3 itself; else the address of another S3-compatible store.
            "endpoint_url": os.environ.get("CLINIC_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("CLINIC_S3_REGION") or None,
            # A second scan of the same name gets a name of its own, never replaces the first.
            "file_overwrite": False,
            # Objects take the bucket's own (private) access; none is made public.
            "default_acl": None,
        },
    }

# The cache: rendered parts of records that never change (a signed session) and the like. One
# cache in each process by default, which `make run` needs nothing for; with REDIS_URL set,
# Redis, shared by every app server and every worker. Sessions, sign-in lockouts and one-time
# tokens live in the database, never only in a cache, so none is lost when Redis restarts.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            # Room for the signed sessions of several long histories.
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    )
}

# A request body larger than a scan and its form could be is refused before it is read (413),
# whether or not a proxy in front limits it too (clinic.middleware.refuse_oversized_bodies).
CLINIC_MAX_REQUEST_BYTES = 11 * 1024 * 1024

# Uploaded scans are medical data: kept outside the static files, never given a public URL,
# and served only by a view that checks the user's role.
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT") or BASE_DIR / "media")
# Readable by the app's own system user only.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

# Change history is read in the back office, never restored (see clinic.lib.admin).
SIMPLE_HISTORY_REVERT_DISABLED = True

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Security. Behind a TLS-terminating proxy (nginx, a load balancer) that sets
# X-Forwarded-Proto; the health check stays reachable over plain HTTP for probes.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Scripts only from the app's own static files, never inline. Styles allow inline attributes,
# which the Django admin's widgets use.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}

# Two-factor sign-in (TOTP) guards the back office; on wherever DEBUG is off, unless turned off.
CLINIC_ADMIN_2FA = env_bool("CLINIC_ADMIN_2FA", not DEBUG)
OTP_TOTP_ISSUER = "Clinic records"
# Nobody reads an authenticator's secret or QR code in the back office, a superuser included.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# The clinic's own settings.
CLINIC_CLIENT_PAGE_SIZE = 25
# How long a specialist's decision holds when the letter gives no date.
CLINIC_REFERRAL_VALID_DAYS = env_int("CLINIC_REFERRAL_VALID_DAYS", 90)
# How long a contraindication screening holds.
CLINIC_SCREENING_VALID_DAYS = env_int("CLINIC_SCREENING_VALID_DAYS", 14)
# A blood pressure at or above either limit counts as hypertension.
CLINIC_SYSTOLIC_LIMIT = env_int("CLINIC_SYSTOLIC_LIMIT", 140)
CLINIC_DIASTOLIC_LIMIT = env_int("CLINIC_DIASTOLIC_LIMIT", 90)
# Warn this many days before a clearance ends, and before a screening falls due.
CLINIC_CLEARANCE_WARNING_DAYS = env_int("CLINIC_CLEARANCE_WARNING_DAYS", 14)
CLINIC_SCREENING_DUE_DAYS = env_int("CLINIC_SCREENING_DUE_DAYS", 3)
# Whether a consent signed on an older version of the text in force asks for re-consent (a
# warning on the client's page and the start page; the older consent still holds).
CLINIC_RECONSENT_ON_NEW_TEXT = env_bool("CLINIC_RECONSENT_ON_NEW_TEXT", False)
# The smallest change of an outcome questionnaire's score that counts as real (domain.md),
# in points (and for pain, or as a share of the baseline, in %).
CLINIC_REAL_CHANGE = {
    "odi": {"points": env_int("CLINIC_REAL_CHANGE_ODI", 10)},
    "rmdq": {"points": env_int("CLINIC_REAL_CHANGE_RMDQ", 5)},
    "psfs": {"points": env_int("CLINIC_REAL_CHANGE_PSFS", 2)},
    "pain": {
        "points": env_int("CLINIC_REAL_CHANGE_PAIN", 2),
        "percent": env_int("CLINIC_REAL_CHANGE_PAIN_PERCENT", 30),
    },
}
# Whether a baseline questionnaire that is due may be skipped with a reason; if not, the first
# session of a course whose plan has a baseline is logged only once the baseline is taken.
CLINIC_BASELINE_MAY_BE_SKIPPED = env_bool("CLINIC_BASELINE_MAY_BE_SKIPPED", False)
# How long an appointment for a session of each massage type lasts by default, in minutes: the
# session (3 + 20 + a few minutes) and time to change.
CLINIC_APPOINTMENT_MINUTES = {
    "classic": env_int("CLINIC_APPOINTMENT_MINUTES_CLASSIC", 40),
    "vacuum": env_int("CLINIC_APPOINTMENT_MINUTES_VACUUM", 40),
    "spot": env_int("CLINIC_APPOINTMENT_MINUTES_SPOT", 30),
}
# E-mail (appointment reminders): printed to the console unless an SMTP server is named.
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "clinic@localhost")
# The clinic's name as consent texts print it ({clinic}); empty: "Manual therapy clinic".
CLINIC_NAME = os.environ.get("CLINIC_NAME", "")
