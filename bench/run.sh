#!/usr/bin/env bash
# The KOTAKU benchmark, one command from the repository root:
#
#     bash bench/run.sh                 # Jiwan, then national (1,000,000 funding lines)
#     bash bench/run.sh --lines 200000 --duration 5     # a quicker run
#
# Needs PostgreSQL on 127.0.0.1:5432 (role postgres, trust auth; it (re)creates only the
# database kotaku_bench), Redis on 127.0.0.1:6379 (uses db 15) and wrk (installed with apt if
# missing). Targets only 127.0.0.1. Takes about 15 minutes on 2 cores; writes
# bench/results/<timestamp>.json and .md. See docs/PERFORMANCE.md.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -x .venv/bin/python ] || make venv
.venv/bin/python -c "import gunicorn, redis, psycopg2" 2>/dev/null || make venv

if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  ver=$(ls /etc/postgresql | sort -V | tail -n 1)
  pg_ctlcluster --skip-systemctl-redirect "$ver" main start || [ $? -eq 2 ]
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi
if ! .venv/bin/python -c "import redis; redis.Redis(host='127.0.0.1', port=6379).ping()" \
    2>/dev/null; then
  echo "Redis is not answering on 127.0.0.1:6379 (start it, e.g. 'redis-server --daemonize yes')." >&2
  exit 1
fi
if ! command -v wrk >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
fi

exec .venv/bin/python -m bench.run "$@"
