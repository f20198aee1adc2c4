"""The web container's health check (docker-compose.yml): GET /healthz/ from gunicorn inside the
container, as our reverse proxy would send it — HTTPS already terminated, for a host the app serves —
so that neither the HTTPS redirect nor the allowed-hosts check answers instead of the app.
Exit status 0 when the app answers "ok". Plain Python: no Django start-up on every check."""

import os
import sys
import urllib.error
import urllib.request

hosts = [h.strip() for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if h.strip()]
# ".example.gov.uk" allows example.gov.uk and its subdomains; "*" allows anything.
host = next((h.lstrip(".") for h in hosts if h != "*"), "localhost")
port = os.environ.get("QAPORTAL_HEALTHCHECK_PORT", "8000")
request = urllib.request.Request(
    f"http://127.0.0.1:{port}/healthz/", headers={"Host": host, "X-Forwarded-Proto": "https"}
)
try:
    with urllib.request.urlopen(request, timeout=5) as response:
        ok = response.status == 200 and response.read().strip() == b"ok"
except (OSError, urllib.error.URLError) as exc:
    print(f"unhealthy: {exc}", file=sys.stderr)
    sys.exit(1)
sys.exit(0 if ok else 1)
