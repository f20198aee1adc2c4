#!/usr/bin/env bash
# Install what QA Portal needs into this checkout: a virtualenv with the pinned Python packages,
# the npm packages and the compiled GOV.UK stylesheet. Fast when nothing changed.
#   scripts/setup.sh          runtime packages
#   scripts/setup.sh test     runtime and test packages
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"

# Debian libraries WeasyPrint loads, and fonts with Arial's metrics for the PDFs.
need_apt=()
ldconfig -p | grep -q libpangoft2-1.0 || need_apt+=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)
[ -e /usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf ] || need_apt+=(fonts-liberation)
command -v node >/dev/null && command -v npm >/dev/null || need_apt+=(nodejs npm)
# The distribution's Python where there is one: Debian builds it with profile-guided and link-time
# optimisation, as the official Docker image (Dockerfile) is built, and the review form's pages took
# some 15% less time on it than on a plain build from source such as pyenv's (docs/scale.md).
# PYTHON=… chooses another.
python="${PYTHON:-}"
if [ -z "$python" ]; then
  python=python3
  if [ -x /usr/bin/python3.11 ]; then python=/usr/bin/python3.11; fi
fi
python="$("$python" -c 'import os, sys; print(os.path.realpath(sys.executable))')"
if [ "$python" = /usr/bin/python3.11 ] && ! /usr/bin/python3.11 -c "import ensurepip" 2>/dev/null; then
  need_apt+=(python3.11-venv)
fi
if [ -n "${QAPORTAL_APT_EXTRA:-}" ]; then read -r -a extra <<<"$QAPORTAL_APT_EXTRA"; need_apt+=("${extra[@]}"); fi
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${need_apt[*]}"
  if [ "$(id -u)" != 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# A virtualenv made with another Python (e.g. before the choice above) is made again.
made_with="$(sed -n 's/^executable = //p' .venv/pyvenv.cfg 2>/dev/null || true)"
if [ -n "$made_with" ] && [ "$(realpath "$made_with")" != "$python" ]; then
  echo "Making the virtualenv again with $python"
  rm -rf .venv
fi
[ -x .venv/bin/python ] || "$python" -m venv .venv
spec="."; [ "$extras" = test ] && spec=".[test]"
stamp=".venv/.installed-${extras:-run}-$(cat pyproject.toml | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "Installing Python packages…"
  .venv/bin/pip install -q --disable-pip-version-check --upgrade pip
  .venv/bin/pip install -q --disable-pip-version-check -e "$spec"
  touch "$stamp"
fi

npm_stamp="node_modules/.installed-$(cat package-lock.json | sha256sum | cut -c1-16)"
if [ ! -f "$npm_stamp" ]; then
  echo "Installing npm packages…"
  npm ci --no-audit --no-fund --loglevel=error
  touch "$npm_stamp"
fi
if [ ! -f static/build/qaportal.css ] || [ -n "$(find static/src scripts/build-frontend.mjs package-lock.json -newer static/build/qaportal.css 2>/dev/null | head -1)" ]; then
  npm run --silent build
fi
