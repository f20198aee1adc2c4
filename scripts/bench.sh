#!/usr/bin/env bash
# Benchmarks against the budgets in DESIGN.md, on a throwaway PostgreSQL cluster (started as make test
# starts its own, stopped and removed on exit); prints a report. Arguments go to `python -m bench`.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v wrk >/dev/null || missing+=(wrk)
QAPORTAL_APT_EXTRA="${missing[*]}" scripts/setup.sh test

source scripts/services.sh
# Durable, as production is: a save is answered once its commit is on disk.
QAPORTAL_PG_DURABLE=1 services_start bench
services_createdb
# The local settings (files and a filesystem Celery broker under var/bench/) on the cluster's database;
# the annual report needs the demo's year of history; warnings only, so the report is what is printed.
export DJANGO_SETTINGS_MODULE=qaportal.settings.local QAPORTAL_VAR_DIR="$PWD/var/bench" QAPORTAL_DEMO_HISTORY_MONTHS=12 \
  DJANGO_LOG_LEVEL=WARNING
rm -rf var/bench; mkdir -p var/bench
echo "Bench database: $("$pgbin/postgres" --version) on 127.0.0.1:$pg_port"
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python -m bench "$@"
