#!/usr/bin/env bash
# Benchmarks against the budgets in DESIGN.md, on a throwaway SQLite database; prints a report.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
export DJANGO_SETTINGS_MODULE=qaportal.settings.local QAPORTAL_VAR_DIR="$PWD/var/bench"
rm -rf var/bench; mkdir -p var/bench
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python -m bench "$@"
