#!/usr/bin/env bash
# Set up and run the whole test suite against a throwaway PostgreSQL cluster and Redis server,
# with a real Celery worker and headless Chromium. Exits with pytest's status.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v redis-server >/dev/null || missing+=(redis-server)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v pdftotext >/dev/null || missing+=(poppler-utils)
QAPORTAL_APT_EXTRA="${missing[*]}" scripts/setup.sh test

pgbin=$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)")
free_port() { .venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# initdb and postgres refuse to run as root: the cluster belongs to the postgres user.
id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
tmp=$(mktemp -d /tmp/qaportal-test.XXXXXX)
chmod 755 "$tmp"; mkdir -p "$tmp/pg" "$tmp/redis"; chown postgres: "$tmp/pg"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pg_port=$(free_port); redis_port=$(free_port)

cleanup() {
  as_pg "$pgbin/pg_ctl" -D "$tmp/pg/data" -m immediate stop >/dev/null 2>&1 || true
  redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT

as_pg "$pgbin/initdb" -D "$tmp/pg/data" --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync -U postgres >/dev/null
as_pg "$pgbin/pg_ctl" -D "$tmp/pg/data" -l "$tmp/pg/log" -w -o \
  "-p $pg_port -k $tmp/pg -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --dir "$tmp/redis" \
  --daemonize yes --pidfile "$tmp/redis/redis.pid" --logfile "$tmp/redis/redis.log"
for _ in $(seq 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done

export QAPORTAL_DB_ENGINE=postgresql QAPORTAL_DB_HOST=127.0.0.1 QAPORTAL_DB_PORT="$pg_port" \
  QAPORTAL_DB_USER=postgres QAPORTAL_DB_NAME=qaportal REDIS_URL="redis://127.0.0.1:$redis_port/0" \
  DJANGO_SETTINGS_MODULE=qaportal.settings.test
echo "Test services: $("$pgbin/postgres" --version) on 127.0.0.1:$pg_port; $(redis-server --version | cut -d' ' -f1-3) on 127.0.0.1:$redis_port"

echo "ruff: $(.venv/bin/ruff --version)"
.venv/bin/ruff check .
.venv/bin/ruff format --check --quiet .
echo "import contracts:"
.venv/bin/lint-imports --no-cache | sed -n '/^Contracts/,$p'
echo "mypy: $(.venv/bin/mypy --version)"
.venv/bin/mypy
set +e
.venv/bin/python -m pytest "$@"
status=$?
set -e
exit $status
