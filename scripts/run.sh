#!/usr/bin/env bash
# Set up and run QA Portal on the embedded default: SQLite, a Celery worker on a filesystem
# broker (no Redis, no PostgreSQL), demo data for the four councils.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

export DJANGO_SETTINGS_MODULE=qaportal.settings.local
mkdir -p var/celery/queue var/celery/processed var/celery/results var/celery/control
port="${PORT:-8000}"
export QAPORTAL_BASE_URL="${QAPORTAL_BASE_URL:-http://localhost:$port}"

.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py load_demo

.venv/bin/celery -A qaportal worker --beat --schedule var/celery/beat-schedule \
  -Q celery,pdf,reports --concurrency 1 --loglevel warning >var/celery/worker.log 2>&1 &
worker=$!
trap 'kill $worker 2>/dev/null || true' EXIT INT TERM

echo
echo "QA Portal is running at http://localhost:$port/"
echo "Celery worker and beat: var/celery/worker.log. Emails are written to var/sent-email/."
echo
.venv/bin/python manage.py demo_logins
echo
.venv/bin/python manage.py runserver "127.0.0.1:$port" --noreload
