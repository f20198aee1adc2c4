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

source scripts/services.sh
services_start test redis
export DJANGO_SETTINGS_MODULE=qaportal.settings.test
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
