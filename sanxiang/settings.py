"""One settings module, driven by the environment (see docs/operations/configuration.md)."""

from __future__ import annotations

import os
import re
from datetime import timedelta

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from sanxiang.core.http import parse_trusted_proxies
from sanxiang.instance import secret_key, var_dir


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


VAR_DIR = var_dir()
# Several app nodes behind a load balancer share one database and one evidence store; nothing a
# request needs may live only on the node that happened to serve the one before
# (docs/operations/observability.md, "No node-local state"). Off: one machine, as `make run`.
CLUSTER = _env_bool("SANXIANG_CLUSTER", False)
# On several nodes the key must be the same everywhere (sessions, signed form stamps), so it is
# never generated there: SANXIANG_SECRET_KEY, or a var/secret_key copied to every node.
SECRET_KEY = secret_key(generate=not CLUSTER)
DEBUG = _env_bool("SANXIANG_DEBUG", False)
ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("SANXIANG_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
    if host.strip()
]

INSTALLED_APPS = [
    # Before the admin: its templates/admin/ give the 管理后台 the office's look.
    "sanxiang.office",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "django_htmx",  # htmx itself, as a static file (the case page's partial updates)
    "sanxiang.ledger",
    "sanxiang.core",
    "sanxiang.org",
    "sanxiang.jobs",
    "sanxiang.evidence",
    "sanxiang.cases",
    "sanxiang.review",
    "sanxiang.disclosure",
    "sanxiang.archive",
    "sanxiang.backup",
    "sanxiang.notifications",
    "sanxiang.similar",
    "sanxiang.supervision",
    "sanxiang.inspections",
    "sanxiang.alerts",
    "sanxiang.discretion",
    "sanxiang.complaints",
    "sanxiang.acts",
    "sanxiang.evaluation",
    "sanxiang.portal",
    "sanxiang.demo",
    "sanxiang.ops",
]

MIDDLEWARE = [
    # Before all: a request id for the logs, the latency metric, and /healthz, /readyz and
    # /metrics answered without session, CSRF, host check or HTTPS redirect (sanxiang.ops).
    "sanxiang.ops.requests.RequestMiddleware",
    # First, so every response (static files and error pages too) carries CSP and no-store.
    "sanxiang.core.http.SecurityHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "sanxiang.office.middleware.SessionActivityMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "sanxiang.office.middleware.PasswordChangeRequiredMiddleware",
    # A supervising body's 监督人员 reads; every POST of his to a domain page is refused.
    "sanxiang.supervision.middleware.SupervisorReadOnlyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A malformed id, page or year in a request: a Chinese 400, never a 500.
    "sanxiang.core.params.BadParameterMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # django-axes must come last: it turns a locked-out login into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sanxiang.urls"
WSGI_APPLICATION = "sanxiang.wsgi.application"

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
                "sanxiang.office.context.navigation",
            ],
        },
    },
]

# Every form is drawn by one form and one field template (sanxiang/core/forms.py).
FORM_RENDERER = "sanxiang.core.forms.SanxiangFormRenderer"

# --- Database -----------------------------------------------------------------------------
# SQLite under var/ by default; PostgreSQL with DATABASE_URL=postgres://user:pass@host/db.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("SANXIANG_DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the portal read while an officer writes; IMMEDIATE transactions take the write
    # lock up front, so concurrent writers queue (busy timeout) instead of failing mid-way.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # A covering index's INCLUDE columns (cases' case_due_covering) are for PostgreSQL; SQLite
    # builds the same index without them, which is what it should do. Django warns of that on
    # every command (models.W040), and `make run` would greet each new user with the warning.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]

# PgBouncer in transaction pooling mode between Django and PostgreSQL: consecutive transactions
# of one Django connection may run on different server connections, so no server-side cursors
# (docs/operations/cluster.md). The server's own `timezone = 'UTC'` spares Django's SET TIME ZONE.
TRANSACTION_POOLING = _env_bool("SANXIANG_DB_TRANSACTION_POOLING", False)
if TRANSACTION_POOLING:
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True

# Prepared statements on PostgreSQL (on unless SANXIANG_DB_PREPARED_STATEMENTS=0): parameters
# are sent apart from the query (server-side binding) and psycopg prepares a statement once its
# connection has run it PREPARE_THRESHOLD times, so PostgreSQL plans the pages' queries once per
# connection instead of on every request. Measured at 100k cases, 8 clients, alternating runs
# (docs/operations/performance.md, "Tenth round"): the case page's CPU 26.3–27.2 → 21.6–22.5 ms
# a request, its p95 198–209 → 128–156 ms, the portal home's 61–63 → 35–39 ms. (The eighth and
# ninth rounds had seen the server's CPU rise by as much as the database's fell: not seen again.)
# A query with more than 65,535 values is sent with them written into it (core/db_binding.py).
# Off by default behind PgBouncer in transaction pooling mode, where a statement prepared on one
# server connection is unknown on the next; PgBouncer 1.21+ with `max_prepared_statements` may
# have it on again (SANXIANG_DB_PREPARED_STATEMENTS=1). The replica takes the same options, so
# in the cluster (PgBouncer before the primary) it does without them too.
PREPARED_STATEMENTS = _env_bool("SANXIANG_DB_PREPARED_STATEMENTS", not TRANSACTION_POOLING)
_threshold = os.environ.get("SANXIANG_DB_PREPARE_THRESHOLD", "5").strip()
if not _threshold.isdigit() or int(_threshold) < 1:
    raise ImproperlyConfigured(
        f"SANXIANG_DB_PREPARE_THRESHOLD={_threshold!r}: a whole number of 1 or more"
    )
PREPARE_THRESHOLD = int(_threshold)
POSTGRES_OPTIONS: dict[str, object] = (
    {"server_side_binding": True, "prepare_threshold": PREPARE_THRESHOLD}
    if PREPARED_STATEMENTS
    else {}
)
if "postgresql" in DATABASES["default"]["ENGINE"]:
    DATABASES["default"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        **POSTGRES_OPTIONS,
    }

# A streaming replica the public portal and the read-only JSON API read from, while it is no more
# than SANXIANG_REPLICA_MAX_LAG seconds behind (sanxiang/core/replica.py). Unset: one database.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
REPLICA_MAX_LAG = float(os.environ.get("SANXIANG_REPLICA_MAX_LAG", "5"))
# How long a process trusts its last look at the replica (lag, or being down), in seconds.
REPLICA_CHECK_INTERVAL = float(os.environ.get("SANXIANG_REPLICA_CHECK_INTERVAL", "1"))
DATABASE_ROUTERS: list[str] = []
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL,
        conn_max_age=int(os.environ.get("SANXIANG_DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
    if "postgresql" not in DATABASES["replica"]["ENGINE"] or (
        "postgresql" not in DATABASES["default"]["ENGINE"]
    ):
        raise ImproperlyConfigured(
            "DATABASE_REPLICA_URL: a PostgreSQL streaming replica of a PostgreSQL DATABASE_URL"
        )
    # A replica that is down answers "refused" at once; one that does not answer at all costs
    # a request at most this long before it is read from the primary.
    DATABASES["replica"]["OPTIONS"] = {
        **DATABASES["replica"].get("OPTIONS", {}),
        **POSTGRES_OPTIONS,
        "connect_timeout": 2,
    }
    DATABASES["replica"]["DISABLE_SERVER_SIDE_CURSORS"] = TRANSACTION_POOLING
    # Tests read the replica alias from the test database itself.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["sanxiang.core.replica.ReplicaRouter"]
    # Last, so that it runs the view itself (again on the primary if the replica fails mid-way).
    MIDDLEWARE.append("sanxiang.core.replica.ReplicaMiddleware")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -----------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Passwords, refusing officers who are no longer 在岗 (at log-in and on every request).
    "sanxiang.org.backends.ActiveOfficerBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "office:login"
LOGIN_REDIRECT_URL = "office:home"
LOGOUT_REDIRECT_URL = "office:login"

# Login throttling (django-axes): 5 failures for one user name from one address lock that pair
# out for 15 minutes. Attempts are stored in the database, so all server workers agree.
AXES_FAILURE_LIMIT = int(os.environ.get("SANXIANG_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("SANXIANG_LOGIN_COOLOFF_MINUTES", "15")))
# One name from one address: a stranger elsewhere cannot lock an officer out. The address is
# the client's (sanxiang.core.http.client_ip), not a proxy's, or everybody would share one.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "sanxiang.core.http.client_address"
# Besides, one address that fails this often (over any names) within the cool-off is refused
# too (office log-in view); high enough for an office whose officers share one NAT address.
LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("SANXIANG_LOGIN_ADDRESS_FAILURE_LIMIT", "30"))
AXES_LOCKOUT_TEMPLATE = "office/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Sessions end after 30 minutes without activity (renewed at most once a minute by
# office.middleware.SessionActivityMiddleware), and when the browser closes.
SESSION_COOKIE_AGE = int(os.environ.get("SANXIANG_SESSION_IDLE_MINUTES", "30")) * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# A form whose CSRF token is missing or stale: the Chinese page, not Django's English one.
CSRF_FAILURE_VIEW = "sanxiang.core.error_pages.csrf_failure"

# --- HTTPS (behind a TLS-terminating proxy set SANXIANG_HTTPS=1) -------------------------
HTTPS = _env_bool("SANXIANG_HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Addresses (or CIDR blocks) of the reverse proxies in front of Sanxiang. Only when a request
# comes from one of them is X-Forwarded-For read for the client's address (right to left,
# skipping these proxies); empty: the connection's peer is the client. The login lockout and the
# 当事人查询 limiter key on that address. gunicorn's forwarded_allow_ips (sanxiang serve) is a
# separate setting, SANXIANG_FORWARDED_ALLOW_IPS, used for X-Forwarded-Proto only.
TRUSTED_PROXIES = parse_trusted_proxies(os.environ.get("SANXIANG_TRUSTED_PROXIES", ""))
CSRF_TRUSTED_ORIGINS = [
    origin.strip()
    for origin in os.environ.get("SANXIANG_CSRF_TRUSTED_ORIGINS", "").split(",")
    if origin.strip()
]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy of every response (sanxiang.core.http.SecurityHeadersMiddleware);
# empty: the built-in policy (scripts and styles from this site's static files only).
CONTENT_SECURITY_POLICY = os.environ.get("SANXIANG_CONTENT_SECURITY_POLICY", "").strip()

# --- The public portal's address ---------------------------------------------------------------
# How the public reaches the portal (scheme, host, optional port; no path): printed in documents'
# QR codes and links, in pushed messages, and in office links to portal pages.
SANXIANG_PUBLIC_URL = (
    os.environ.get("SANXIANG_PUBLIC_URL", "").strip() or "http://127.0.0.1:8000"
).rstrip("/")

# --- Language, time ---------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Files --------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(mode=0o700, exist_ok=True)
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "files")},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    # Evidence blobs: a local folder by default; S3-compatible storage when a bucket is set.
    "evidence": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            # On several nodes: a folder every node mounts (or S3, below).
            "location": os.environ.get("SANXIANG_EVIDENCE_DIR", "").strip()
            or str(VAR_DIR / "evidence"),
            "file_permissions_mode": 0o600,
        },
    },
}
if os.environ.get("SANXIANG_EVIDENCE_S3_BUCKET"):
    STORAGES["evidence"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["SANXIANG_EVIDENCE_S3_BUCKET"],
            "endpoint_url": os.environ.get("SANXIANG_EVIDENCE_S3_ENDPOINT") or None,
            "region_name": os.environ.get("SANXIANG_EVIDENCE_S3_REGION") or None,
            "access_key": os.environ.get("SANXIANG_EVIDENCE_S3_ACCESS_KEY"),
            "secret_key": os.environ.get("SANXIANG_EVIDENCE_S3_SECRET_KEY"),
            "file_overwrite": False,
            "default_acl": None,
            "querystring_auth": True,
        },
    }
# Uploads larger than this are refused before they reach a form (officer imports are small).
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
SANXIANG_IMPORT_MAX_BYTES = int(os.environ.get("SANXIANG_IMPORT_MAX_BYTES", str(5 * 1024 * 1024)))
# The write API (/api/v1/permits): a body larger than this is refused (413) unread; an address
# whose requests failed authentication this often within the cool-off is refused (429).
SANXIANG_API_MAX_BODY_BYTES = int(os.environ.get("SANXIANG_API_MAX_BODY_BYTES", str(64 * 1024)))
SANXIANG_API_AUTH_FAILURE_LIMIT = int(os.environ.get("SANXIANG_API_AUTH_FAILURE_LIMIT", "20"))
SANXIANG_API_AUTH_COOLOFF_MINUTES = int(os.environ.get("SANXIANG_API_AUTH_COOLOFF_MINUTES", "15"))
# Evidence uploads stream to a temporary file while being hashed; this is the largest accepted.
SANXIANG_EVIDENCE_MAX_BYTES = int(os.environ.get("SANXIANG_EVIDENCE_MAX_BYTES", str(8 * 1024**3)))
# Resumable evidence uploads (tus 1.0, docs/operations/evidence.md): the largest chunk one
# request may carry, and how long an unfinished upload is kept after its last chunk.
SANXIANG_RESUMABLE_CHUNK_MAX_BYTES = int(
    os.environ.get("SANXIANG_RESUMABLE_CHUNK_MAX_BYTES", str(16 * 1024**2))
)
SANXIANG_RESUMABLE_EXPIRE_HOURS = int(os.environ.get("SANXIANG_RESUMABLE_EXPIRE_HOURS", "48"))
# The job queue's workers run ``sanxiang evidence_uploads_expire`` on this schedule (UTC; with the
# thread queue an operator's cron runs it: docs/operations/evidence.md).
SANXIANG_RESUMABLE_EXPIRE_CRON = os.environ.get(
    "SANXIANG_RESUMABLE_EXPIRE_CRON", "41 * * * *"
).strip()
# Unfinished resumable uploads one officer may have open at once (more: 429).
SANXIANG_RESUMABLE_MAX_OPEN = int(os.environ.get("SANXIANG_RESUMABLE_MAX_OPEN", "5"))
# Free space kept in the scratch folder: a declared Upload-Length that would eat into it: 507.
SANXIANG_RESUMABLE_FREE_MARGIN_BYTES = int(
    os.environ.get("SANXIANG_RESUMABLE_FREE_MARGIN_BYTES", str(1024**3))
)
# Each attachment of a public 投诉举报 (docs/operations/complaints.md).
SANXIANG_COMPLAINT_MAX_BYTES = int(
    os.environ.get("SANXIANG_COMPLAINT_MAX_BYTES", str(10 * 1024**2))
)
# Each file sent with an answer to a 执法监督意见 or to a 案卷评查 finding (5 at most).
SANXIANG_ANSWER_MAX_BYTES = int(os.environ.get("SANXIANG_ANSWER_MAX_BYTES", str(20 * 1024**2)))
FILE_UPLOAD_TEMP_DIR = str(VAR_DIR / "tmp")
# Finished 后台任务 files; on several nodes a folder every node mounts (docs/operations/jobs.md).
SANXIANG_JOBS_DIR = os.environ.get("SANXIANG_JOBS_DIR", "").strip() or str(VAR_DIR / "jobs")
# ``sanxiang prune`` (docs/operations/jobs.md, Pruning): what grows without end and is no record,
# removed after this many days (0: kept). The job queue's workers run it on SANXIANG_PRUNE_CRON
# (cron syntax in UTC: 19:17 UTC is 03:17 Beijing time).
SANXIANG_PRUNE_QUEUE_DAYS = int(os.environ.get("SANXIANG_PRUNE_QUEUE_DAYS", "14"))
SANXIANG_PRUNE_JOB_FILES_DAYS = int(os.environ.get("SANXIANG_PRUNE_JOB_FILES_DAYS", "30"))
# The write API's Idempotency-Keys are kept (api.md): only an operator who sets a window drops them.
SANXIANG_PRUNE_API_KEYS_DAYS = int(os.environ.get("SANXIANG_PRUNE_API_KEYS_DAYS", "0"))
SANXIANG_PRUNE_CRON = os.environ.get("SANXIANG_PRUNE_CRON", "17 19 * * *").strip()
# ``sanxiang partitions ensure`` run by the job queue's workers (docs/operations/partitioning.md):
# daily, cron syntax in UTC (18:43 UTC is 02:43 Beijing time).
SANXIANG_PARTITIONS_CRON = os.environ.get("SANXIANG_PARTITIONS_CRON", "43 18 * * *").strip()
# 同案同罚: compare a draft with the decisions of the installation's other agencies too (off:
# only the agency's own decisions). docs/operations/similar.md
SANXIANG_SIMILAR_ACROSS_AGENCIES = _env_bool("SANXIANG_SIMILAR_ACROSS_AGENCIES", False)
(VAR_DIR / "tmp").mkdir(mode=0o700, exist_ok=True)

# --- Logging: English, with the ids needed to find the row --------------------------------
# Every record carries the id of its request (X-Request-ID); SANXIANG_LOG_FORMAT=json writes one
# JSON object per line for a log collector, plus one line per request (method, path without
# query string, route, status, duration, user id). docs/operations/observability.md
LOG_DIR = VAR_DIR / "log"
LOG_DIR.mkdir(mode=0o700, exist_ok=True)
LOG_FORMAT = os.environ.get("SANXIANG_LOG_FORMAT", "plain").strip().lower() or "plain"
if LOG_FORMAT not in ("plain", "json"):
    raise ValueError(f"SANXIANG_LOG_FORMAT: {LOG_FORMAT!r} is neither plain nor json")
SANXIANG_REQUEST_LOG = _env_bool("SANXIANG_REQUEST_LOG", LOG_FORMAT == "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "sanxiang.core.logs.RequestContextFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s%(request_tag)s"},
        "json": {"()": "sanxiang.core.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request"],
            "level": os.environ.get("SANXIANG_CONSOLE_LOG_LEVEL", "WARNING"),
        },
        "file": {
            "class": "logging.handlers.WatchedFileHandler",
            "filename": str(LOG_DIR / "sanxiang.log"),
            "formatter": LOG_FORMAT,
            "filters": ["request"],
        },
    },
    "root": {
        "handlers": ["console", "file"],
        "level": os.environ.get("SANXIANG_LOG_LEVEL", "INFO"),
    },
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
    },
}

# --- Probes and metrics (sanxiang.ops; docs/operations/observability.md) ---------------------
# /metrics answers these addresses or CIDR blocks (the client as client_address sees it), or a
# request with "Authorization: Bearer <SANXIANG_METRICS_TOKEN>"; everybody else gets 403.
SANXIANG_METRICS_ALLOW = parse_trusted_proxies(
    os.environ.get("SANXIANG_METRICS_ALLOW", "127.0.0.1,::1"), setting="SANXIANG_METRICS_ALLOW"
)
SANXIANG_METRICS_TOKEN = os.environ.get("SANXIANG_METRICS_TOKEN", "").strip()
# The node's name, sent back in an X-Sanxiang-Node header on every response when set (several
# app nodes behind a load balancer: which one answered). Letters, digits and ._:- only.
SANXIANG_NODE_NAME = os.environ.get("SANXIANG_NODE_NAME", "").strip()
if SANXIANG_NODE_NAME and not re.fullmatch(r"[A-Za-z0-9._:-]{1,64}", SANXIANG_NODE_NAME):
    raise ImproperlyConfigured(
        "SANXIANG_NODE_NAME: 1–64 letters, digits or ._:- (it is sent in a response header)"
    )
# Table counts behind /metrics (jobs, ledger sizes, evidence bytes) are read at most this often.
SANXIANG_METRICS_DB_SECONDS = int(os.environ.get("SANXIANG_METRICS_DB_SECONDS", "15"))

# --- Caches -------------------------------------------------------------------------------------
# Nothing keeps state in a cache today; one machine uses Django's per-process default. On several
# nodes the cache is shared: Redis with SANXIANG_CACHE_URL=redis://… (needs the `redis` package),
# else a database table (sanxiang serve creates it).
if os.environ.get("SANXIANG_CACHE_URL", "").strip():
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["SANXIANG_CACHE_URL"].strip(),
        }
    }
elif CLUSTER:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "sanxiang_cache",
        }
    }
