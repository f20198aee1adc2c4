#!/usr/bin/env bash
# Smoke test of the production shape (docker-compose.yml) for a person with Docker; CI does not run
# it. In a throwaway compose project, with its own secrets, volumes and image tag, it:
#   1. builds the image and starts every service (migrate runs once, first);
#   2. waits for /healthz/ and for web's own container health check;
#   3. loads one demo council (Derbyshire, this month's work only);
#   4. signs in as its service manager (CSRF token, cookie jar) and reads their home page;
#   5. asks for a review's PDF and downloads it: web -> Redis -> pdf worker -> media volume -> web;
#   6. checks that every Celery worker (default, pdf, reports) answers a ping and that beat, the
#      outbox relay and the rest are running;
#   7. removes everything it made, on failure too (KEEP=1 leaves it running for a look).
# Exits 0 when every step passed; on failure, prints the last lines of every service's log.
#
#   scripts/compose-smoke.sh               the default shape
#   scripts/compose-smoke.sh --pgbouncer   the app reaching PostgreSQL through PgBouncer
#   SMOKE_PORT=18080 KEEP=1 SMOKE_TIMEOUT=600 scripts/compose-smoke.sh
#
# Needs Docker with Compose (`docker compose`, or `docker-compose` 1.29+) and curl 7.79+ (it sends
# the Secure session cookie to http://localhost, as browsers do).
set -euo pipefail
cd "$(dirname "$0")/.."

port=${SMOKE_PORT:-18080}
project=${SMOKE_PROJECT:-qaportal-smoke}
timeout=${SMOKE_TIMEOUT:-300}
pgbouncer=
for arg in "$@"; do
  case $arg in
    --pgbouncer) pgbouncer=1 ;;
    -h | --help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "Unknown argument: $arg (try --help)" >&2; exit 2 ;;
  esac
done

base="http://localhost:$port"
council=derbyshire
email="service.manager@$council.example"
password="demo-password-2026"

step() { printf '\n==> %s\n' "$*"; }
ok() { printf '    ok: %s\n' "$*"; }
fail() {
  printf '\n    FAILED: %s\n' "$*" >&2
  exit 1
}

if docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
elif command -v docker-compose >/dev/null 2>&1; then
  compose=(docker-compose)
else
  fail "Docker Compose is not installed (neither 'docker compose' nor 'docker-compose')."
fi
command -v curl >/dev/null || fail "curl is not installed."

work=$(mktemp -d "${TMPDIR:-/tmp}/qaportal-smoke.XXXXXX")
env_file="$work/env"
jar="$work/cookies"
random() { od -An -N24 -tx1 /dev/urandom | tr -d ' \n'; }

# Throwaway secrets and settings: this project's own, whatever is in .env.
{
  echo "DJANGO_SECRET_KEY=smoke-$(random)"
  echo "POSTGRES_PASSWORD=$(random)"
  echo "DJANGO_ALLOWED_HOSTS=localhost"
  echo "QAPORTAL_BASE_URL=$base"
  echo "QAPORTAL_TRUSTED_PROXY_COUNT=1"
  echo "QAPORTAL_BIND=127.0.0.1"
  echo "QAPORTAL_HTTP_PORT=$port"
  echo "QAPORTAL_IMAGE=$project"
  echo "QAPORTAL_ENV_FILE=$env_file"
  # No mail server here: e-mails the demo's tasks send go to the worker's log.
  echo "DJANGO_EMAIL_BACKEND=django.core.mail.backends.console.EmailBackend"
  echo "QAPORTAL_DEMO_HISTORY_MONTHS=0"
  echo "GUNICORN_WORKERS=2"
  echo "CELERY_DEFAULT_CONCURRENCY=1"
  echo "CELERY_PDF_CONCURRENCY=1"
  echo "CELERY_REPORTS_CONCURRENCY=1"
  if [ -n "$pgbouncer" ]; then
    echo "COMPOSE_PROFILES=pgbouncer"
    echo "QAPORTAL_DB_HOST=pgbouncer"
    echo "QAPORTAL_DB_PGBOUNCER=true"
  fi
} >"$env_file"
export QAPORTAL_ENV_FILE="$env_file"
[ -z "$pgbouncer" ] || export COMPOSE_PROFILES=pgbouncer
dc() { "${compose[@]}" -p "$project" --env-file "$env_file" -f docker-compose.yml "$@"; }

finish() {
  status=$?
  if [ "$status" -ne 0 ]; then
    printf '\n==> The last lines of each service'"'"'s log\n' >&2
    dc logs --no-color --tail 30 >&2 || true
  fi
  if [ "${KEEP:-}" = 1 ]; then
    printf '\nLeft running (KEEP=1): %s\nStop and remove it with:\n  %s -p %s --env-file %s down -v\n' \
      "$base" "${compose[*]}" "$project" "$env_file"
  else
    step "Removing the smoke project (containers, network, volumes, image tag)"
    dc down -v --remove-orphans >/dev/null 2>&1 || true
    docker image rm "$project:latest" >/dev/null 2>&1 || true
    rm -rf "$work"
  fi
  if [ "$status" -eq 0 ]; then
    printf '\nSMOKE TEST PASSED\n'
  else
    printf '\nSMOKE TEST FAILED\n' >&2
  fi
  exit "$status"
}
trap finish EXIT
trap 'exit 130' INT TERM

# As the TLS-terminating proxy would send it: HTTPS already ended, the client's address appended.
http() {
  curl -sS --max-time 60 -H "X-Forwarded-Proto: https" -H "X-Forwarded-For: 127.0.0.1" \
    -b "$jar" -c "$jar" "$@"
}

step "Building the image (${compose[*]}, project $project)"
dc build
ok "built $project:latest"

step "Starting the services (migrate runs first and must succeed)"
dc up -d
ok "started: $(dc ps --services | tr '\n' ' ')"

step "Waiting for $base/healthz/ (up to ${timeout}s)"
waited=0
until [ "$(http -o /dev/null -w '%{http_code}' "$base/healthz/" 2>/dev/null)" = 200 ]; do
  [ "$waited" -lt "$timeout" ] || fail "/healthz/ did not answer 200 within ${timeout}s"
  sleep 2
  waited=$((waited + 2))
done
ok "/healthz/ answers 200 after ${waited}s"
code=$(curl -sS --max-time 30 -o /dev/null -w '%{http_code} %{redirect_url}' "$base/healthz/")
case $code in
  301\ https://*) ok "production settings: plain HTTP is redirected to HTTPS ($code)" ;;
  *) fail "plain HTTP was not redirected to HTTPS: $code" ;;
esac

web=$(dc ps -q web)
health=
while [ "$waited" -lt "$timeout" ]; do
  health=$(docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{end}}' "$web")
  [ "$health" = starting ] || break
  sleep 3
  waited=$((waited + 3))
done
[ "$health" = healthy ] || fail "web's container health check says '$health' (scripts/healthcheck.py)"
ok "web's container health check: $health"

step "Loading the demo council $council"
dc exec -T web python manage.py load_demo --council "$council"
ok "demo data loaded"

step "Signing in as $email"
http -o "$work/login.html" "$base/accounts/login/"
token=$(sed -n 's/.*name="csrfmiddlewaretoken" value="\([^"]*\)".*/\1/p' "$work/login.html" | head -n 1)
[ -n "$token" ] || fail "no CSRF token on the sign-in page"
answer=$(http -o "$work/signed-in.html" -w '%{http_code} %{redirect_url}' \
  -H "Referer: https://localhost:$port/accounts/login/" \
  --data-urlencode "csrfmiddlewaretoken=$token" --data-urlencode "login=$email" \
  --data-urlencode "password=$password" "$base/accounts/login/")
case $answer in
  302\ *login*) fail "signing in was refused: $answer" ;;
  302\ *) ok "signed in ($answer)" ;;
  *) fail "signing in answered $answer, not a redirect" ;;
esac

step "Reading the service manager's home page"
code=$(http -o "$work/home.html" -w '%{http_code}' "$base/$council/")
[ "$code" = 200 ] || fail "/$council/ answered $code"
grep -q "<title>Home" "$work/home.html" || fail "/$council/ is not the home page"
ok "/$council/ answers 200: $(sed -n 's/.*<title>\([^<]*\).*/\1/p' "$work/home.html" | head -n 1)"

step "Asking for a review's PDF (made by the pdf worker) and downloading it"
review=$(grep -o "href=\"/$council/reviews/[0-9]*/\"" "$work/home.html" | head -n 1 | tr -dc '0-9')
[ -n "$review" ] || fail "no review is listed on the service manager's home page"
pdf_url="$base/$council/reviews/$review/pdf/"
type=
for _ in $(seq 60); do
  # The first request queues the PDF and answers with a progress page; once the worker has made it,
  # the same address answers with the file.
  type=$(http -o "$work/review.pdf" -w '%{http_code} %{content_type}' -L "$pdf_url")
  case $type in
    "200 application/pdf"*) break ;;
    200\ *) sleep 2 ;;
    *) fail "$pdf_url answered $type" ;;
  esac
done
case $type in "200 application/pdf"*) ;; *) fail "the PDF was not made within 120s (last answer: $type)" ;; esac
[ "$(head -c 5 "$work/review.pdf")" = "%PDF-" ] || fail "the download is not a PDF"
ok "review $review's PDF: $(wc -c <"$work/review.pdf" | tr -d ' ') bytes"

step "Asking every Celery worker for a ping"
dc exec -T worker celery -A qaportal inspect ping --timeout 10 >"$work/ping.txt" 2>&1 || true
for node in default pdf reports; do
  grep -q "$node@.*OK" "$work/ping.txt" || {
    cat "$work/ping.txt" >&2
    fail "the $node worker did not answer"
  }
  ok "$node worker: pong"
done

step "Checking every long-running service is still up"
running=$(dc ps --services --filter status=running)
expected="web worker pdf-worker reports-worker beat outbox-relay postgres redis"
[ -z "$pgbouncer" ] || expected="$expected pgbouncer"
for service in $expected; do
  printf '%s\n' "$running" | grep -qx "$service" || fail "$service is not running"
done
ok "running: $expected"
