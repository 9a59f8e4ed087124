"""Settings for the KOTAKU portal, read from the environment (django-environ).

Every deploy-specific value comes from an environment variable (or a `.env` file next to
`manage.py`); `.env.example` lists them all. Defaults are safe for production except where a
zero-setup developer run needs otherwise, and those are only taken when DEBUG is on.
"""

import sys
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from inti.rilis import rilis

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
env_file = BASE_DIR / ".env"
if env_file.exists():
    environ.Env.read_env(env_file)

DEBUG = env.bool("DEBUG", default=False)

# A development key only when DEBUG is on: a production process without SECRET_KEY must not
# start, since sessions and password-reset tokens signed with a public key are forgeable.
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if DEBUG:
        SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (see .env.example); "
            "a development default is only used when DEBUG=True."
        )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "simple_history",
    "csp",
    "axes",
    # Background work (public PDF reports): Django's task framework (backport) with its
    # database backend; the worker is `manage.py db_worker` (docs/OPERATIONS.md).
    "django_tasks",
    "django_tasks_db",
    "kotaku",
    "desa",
    "kolaborasi",
    "anggaran",
    "publikasi",
    "sintetis",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # HEAD answered wherever GET is (inti/middleware.py).
    "inti.middleware.HeadSebagaiGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Cache-Control: no-store for logged-in users; database outage → 503 page.
    "inti.middleware.TanpaSimpanMiddleware",
    "inti.middleware.GangguanDatabaseMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes requires: it turns a lockout into the Indonesian lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kotaku.urls"

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
                "kotaku.context_processors.portal",
            ],
        },
    },
]

WSGI_APPLICATION = "kotaku.wsgi.application"

# SQLite file in the repo (git-ignored) is the zero-setup default; production and CI use
# PostgreSQL through DATABASE_URL.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))

# Timeouts (PostgreSQL; docs/OPERATIONS.md): a frozen or unreachable database must fail a
# request fast (the Indonesian 503 page), not hang a gunicorn worker until it is killed.
# Web processes get DB_STATEMENT_TIMEOUT (seconds, below gunicorn's timeout); management
# commands (imports, backups, the background worker, migrations) get
# DB_COMMAND_STATEMENT_TIMEOUT (0 = none).
DB_CONNECT_TIMEOUT = env.int("DB_CONNECT_TIMEOUT", default=5)
DB_STATEMENT_TIMEOUT = env.float("DB_STATEMENT_TIMEOUT", default=25.0)
DB_COMMAND_STATEMENT_TIMEOUT = env.float("DB_COMMAND_STATEMENT_TIMEOUT", default=0.0)
HEALTHZ_DB_TIMEOUT_MS = env.int("HEALTHZ_DB_TIMEOUT_MS", default=2000)
DB_JIT = env.bool("DB_JIT", default=False)  # PostgreSQL's JIT in web processes (see below)
_management_command = (Path(sys.argv[0]).name == "manage.py" and len(sys.argv) > 1
                       and sys.argv[1] not in ("runserver", "testserver"))


def _postgres_timeouts(config: dict) -> None:
    if "postgresql" not in config.get("ENGINE", ""):
        return
    options = config.setdefault("OPTIONS", {})
    options.setdefault("connect_timeout", DB_CONNECT_TIMEOUT)
    seconds = DB_COMMAND_STATEMENT_TIMEOUT if _management_command else DB_STATEMENT_TIMEOUT
    flags = [f"-c statement_timeout={int(seconds * 1000)}"] if seconds > 0 else []
    if not _management_command and not DB_JIT:
        # PostgreSQL compiles a query whose estimated cost is high (correlated subqueries
        # over a national table) before running it: 2.2 s of a 2.3 s page nationally, for
        # queries that run in milliseconds. Web requests run short queries: no JIT.
        flags.append("-c jit=off")
    if flags:
        options["options"] = " ".join([options.get("options", ""), *flags]).strip()


_postgres_timeouts(DATABASES["default"])
# The stored condition's covering indexes (desa 0012) carry INCLUDE columns on PostgreSQL;
# on SQLite they are plain indexes by design (docs/ARCHITECTURE.md), not worth a warning at
# every start of the default `make run`.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# Every cache key carries the release (inti/rilis.py): after a deploy nothing cached by the
# previous code or templates is ever served. RELEASE defaults to a hash of the code.
RELEASE = rilis(BASE_DIR, env.str("RELEASE", default=""))
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://kotaku")}
CACHES["default"]["KEY_PREFIX"] = f"kotaku-{RELEASE}"
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # The cache is optional (inti/cache_opsional.py): short timeouts, an outage is a miss, one
    # warning per outage. Seconds; well under one so a hung Redis costs a page little.
    CACHES["default"]["BACKEND"] = "inti.cache_opsional.CacheTahanGangguan"
    CACHES["default"].setdefault("OPTIONS", {}).update({
        "socket_connect_timeout": env.float("CACHE_CONNECT_TIMEOUT", default=0.3),
        "socket_timeout": env.float("CACHE_SOCKET_TIMEOUT", default=0.25),
        "breaker_seconds": env.float("CACHE_BREAKER_SECONDS", default=10.0),
    })

AUTHENTICATION_BACKENDS = [
    # First: refuses logins while a username/IP pair is locked out.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "tugas_saya"
LOGOUT_REDIRECT_URL = "beranda"

LANGUAGE_CODE = "id"
# One date format everywhere (issue 17): kotaku/formats/id/formats.py.
FORMAT_MODULE_PATH = ["kotaku.formats"]
LANGUAGES = [("id", "Bahasa Indonesia")]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")

# Hashed, compressed files in production; plain storage when DEBUG (runserver) or when a test
# server serves files straight from the finders.
_manifest = env.bool("STATIC_MANIFEST", default=not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if _manifest
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Leaflet draws the desa boundaries on a plain background; a tile server is optional and must be
# configured explicitly (the portal has to work offline on a district LAN).
MAP_TILE_URL = env.str("MAP_TILE_URL", default="")
MAP_TILE_ATTRIBUTION = env.str("MAP_TILE_ATTRIBUTION", default="")

PORTAL_NAME = env.str("PORTAL_NAME", default="Portal KOTAKU Jiwan")
# Where security problems are reported (docs/SECURITY.md; served as /.well-known/security.txt).
SECURITY_CONTACT = env.str("SECURITY_CONTACT", default="keamanan@kotaku-jiwan.example")
# Show the "demo data" banner while the seeded demo set is in the database.
SHOW_DEMO_BANNER = env.bool("SHOW_DEMO_BANNER", default=True)

# Public feedback (publikasi/masukan.py): attempts per address per window (counted in the
# cache: use a shared cache such as Redis when several processes serve), and how long a
# person takes at least / at most to fill in the form.
MASUKAN_BATAS = env.int("MASUKAN_BATAS", default=5)
MASUKAN_JENDELA_DETIK = env.int("MASUKAN_JENDELA_DETIK", default=600)
MASUKAN_MIN_DETIK = env.float("MASUKAN_MIN_DETIK", default=3.0)
MASUKAN_MAKS_JAM = env.float("MASUKAN_MAKS_JAM", default=24.0)

# Background tasks: the database queue in production (a `db_worker` process runs them);
# TASKS_BACKEND=django_tasks.backends.immediate.ImmediateBackend runs each task inside the
# request that enqueues it (tests, a one-process setup).
TASKS = {"default": {"BACKEND": env.str("TASKS_BACKEND",
                                        default="django_tasks_db.backend.DatabaseBackend")}}
# Confirmed imports of more rows than this run in the background worker, with a status page
# (kotaku/impor/latar.py); smaller ones inside the request.
IMPOR_LATAR_BARIS = env.int("IMPOR_LATAR_BARIS", default=500)
# Public PDF reports (kotaku/laporan_latar.py): requests per address per window, counted in
# the cache (no limit while the cache is down).
# The portable backup (manage.py cadangkan) refuses a database with more rows than this
# (derived tables not counted) unless told --tanpa-batas: pg_dump is the way there.
CADANGAN_BATAS_BARIS = env.int("CADANGAN_BATAS_BARIS", default=1_000_000)
LAPORAN_BATAS = env.int("LAPORAN_BATAS", default=30)
LAPORAN_JENDELA_DETIK = env.int("LAPORAN_JENDELA_DETIK", default=600)

# Separation of duties: an assessment is verified by a second person, never by its creator or
# whoever saved it last; editing a verified assessment reopens it. False only for a
# one-person test or demo setup.
VERIFIKASI_DUA_ORANG = env.bool("VERIFIKASI_DUA_ORANG", default=True)

# Seconds a client is told to wait (Retry-After) when the database cannot be reached: the
# Indonesian 503 page (inti/galat.py) reloads itself after that long.
RETRY_AFTER_DETIK = env.int("RETRY_AFTER_DETIK", default=30)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# Production hardening: only when DEBUG is off, so local runs over http keep working.
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True

# Content-Security-Policy without 'unsafe-inline': templates hold no inline script or style
# (data reaches JS through json_script). blob:/data: images are the photo preview and Leaflet;
# a configured tile server is allowed as an image source.
_tile_origin = ""
if MAP_TILE_URL:
    from urllib.parse import urlsplit

    _parts = urlsplit(MAP_TILE_URL.replace("{s}", "a"))
    _tile_origin = f"{_parts.scheme}://{_parts.netloc}".replace("://a.", "://*.")
CONTENT_SECURITY_POLICY = {
    # The Django admin (staff only) keeps Django's own markup, which has inline bits.
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:", *([_tile_origin] if _tile_origin else [])],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Login throttling (django-axes): lock a username/IP pair after repeated failures.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/terkunci.html"
# Per-account slow-down across addresses instead of a lock (inti/masuk.py): after this many
# failures for one username in the window, each attempt waits 2, 4, ... up to MAKS seconds;
# a browser that logged in to the account before is never slowed.
LOGIN_LAMBAT_SETELAH = env.int("LOGIN_LAMBAT_SETELAH", default=10)
LOGIN_LAMBAT_JENDELA_DETIK = env.int("LOGIN_LAMBAT_JENDELA_DETIK", default=900)
LOGIN_LAMBAT_MAKS_DETIK = env.int("LOGIN_LAMBAT_MAKS_DETIK", default=60)
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_USERNAME_CALLABLE = "kotaku.forms.axes_username"
# How many reverse proxies in front of gunicorn append to X-Forwarded-For (nginx alone: 1).
# One client-address function (inti/klien.py) reads it for the login lockout, the rate limits
# and the audit; 0 (default) ignores the header and uses REMOTE_ADDR. AXES_PROXY_COUNT is the
# old name, still read.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=env.int("AXES_PROXY_COUNT", default=0))
AXES_CLIENT_IP_CALLABLE = "inti.klien.alamat_klien"
AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 12)
SESSION_EXPIRE_AT_BROWSER_CLOSE = False
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx/fetch read the token from the form, not the cookie

# --- Scale (issue 8): dashboard cache; see inti/cache.py and docs/DEPLOYMENT.md ---------
# Unset: dashboard aggregates are cached only when CACHE_URL is a shared cache (Redis, ...),
# so an invalidation reaches every app server. True/False forces it on or off.
DASHBOARD_CACHE = env.bool("DASHBOARD_CACHE", default=None)
DASHBOARD_CACHE_TIMEOUT = env.int("DASHBOARD_CACHE_TIMEOUT", default=6 * 60 * 60)
# Where the dashboards' data version is kept (a one-row table; issue 18).
DATA_VERSION_MODEL = "kotaku.VersiData"

# --- Scale-out (issue 8; docs/DEPLOYMENT.md): each is a configuration change ----------------
# A read replica for the public pages (anonymous GET/HEAD reads; see inti/db_router.py).
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = env.db_url_config(DATABASE_REPLICA_URL)
    DATABASES["replica"].setdefault("CONN_MAX_AGE", DATABASES["default"]["CONN_MAX_AGE"])
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    _postgres_timeouts(DATABASES["replica"])
    DATABASE_ROUTERS = ["inti.db_router.ReplicaRouter"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
        "inti.db_router.ReplicaMiddleware")

# Uploaded media on S3-compatible object storage (AWS S3, MinIO, Ceph, ...) via django-storages,
# so several app servers share them. Credentials from the environment.
MEDIA_STORAGE = env.str("MEDIA_STORAGE", default="filesystem")
if MEDIA_STORAGE == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env.str("AWS_S3_REGION_NAME", default=None),
            "access_key": env.str("AWS_ACCESS_KEY_ID", default=None),
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default=None),
            "custom_domain": env.str("AWS_S3_CUSTOM_DOMAIN", default=None),
            "location": env.str("AWS_LOCATION", default="media"),
            # Private bucket: photos are served through signed, expiring URLs.
            "default_acl": None,
            "querystring_auth": env.bool("AWS_QUERYSTRING_AUTH", default=True),
            "file_overwrite": False,
        },
    }
elif MEDIA_STORAGE != "filesystem":
    raise ImproperlyConfigured("MEDIA_STORAGE must be 'filesystem' or 's3'.")

# Responsible level of government by kawasan area (ha): below the first bound the
# kabupaten/kota, below the second the provinsi, else the central government (UU 23/2014,
# lampiran D, sub-urusan kawasan permukiman; see docs/PLANNING.md "SK dan kawasan").
KEWENANGAN_KAWASAN_HA = (10, 15)
