"""gunicorn settings: the one place (docs/OPERATIONS.md and docs/DEPLOYMENT.md point here).

Start with ``gunicorn kotaku.wsgi`` from the project directory (gunicorn reads
``./gunicorn.conf.py`` by itself) or ``gunicorn -c /srv/kotaku/app/gunicorn.conf.py
kotaku.wsgi``. Each value can be overridden from the environment (the variable named in the
comment), so the systemd unit and the container stay free of numbers.

The bounds fit together: a web request's SQL statement is cancelled by PostgreSQL after
``DB_STATEMENT_TIMEOUT`` (25 s), well before gunicorn kills the worker at ``timeout`` (60 s);
nginx's ``proxy_read_timeout`` (65 s) is longer still, so the user sees the portal's
Indonesian error page rather than nginx's. Work that takes longer (PDF reports of large desa,
large imports) runs in the background worker, never in a request.
"""

import multiprocessing
import os

# GUNICORN_BIND: nginx in front on the same machine.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
# WEB_CONCURRENCY: sync workers, each one request at a time. 2 × cores + 1 is gunicorn's
# rule of thumb; memory (about 120-200 MB per worker) is the other bound.
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1))
# Sync workers behind nginx (which buffers slow clients): the simplest and most predictable
# model for a CPU-bound Django app; a slow client never holds a worker.
worker_class = "sync"
# GUNICORN_TIMEOUT: seconds a worker may spend on one request before it is killed and
# restarted (the user then gets nginx's 502). Above DB_STATEMENT_TIMEOUT.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
# Seconds a worker gets to finish its request on restart/reload (SIGHUP, deploy).
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", 30))
# Recycle workers now and then (GUNICORN_MAX_REQUESTS): bounds slow memory growth
# (WeasyPrint, Pillow); the jitter keeps workers from restarting all at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 1000))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", 100))
# Keep-alive from nginx's upstream pool (seconds).
keepalive = 5
# Request line and header limits (gunicorn's defaults, stated): an oversized request is a 400.
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190
# Logs to stdout/stderr (journald); LOG_LEVEL for Django's own.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
# The proxy that may set X-Forwarded-* (nginx on the same machine).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
