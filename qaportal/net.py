"""The visitor's address, for rate limits: one function for the whole project (allauth included)."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The address of the client, trusting only our own proxies.

    Each of our `QAPORTAL_TRUSTED_PROXY_COUNT` proxies appends the address it received the request
    from to X-Forwarded-For, so the client is the Nth entry from the right. Entries further left are
    whatever the client chose to send and are ignored; with no trusted proxies the header is ignored."""
    count = settings.QAPORTAL_TRUSTED_PROXY_COUNT
    remote = request.META.get("REMOTE_ADDR", "")
    if count > 0:
        entries = [e.strip() for e in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if e.strip()]
        if len(entries) >= count:
            candidate = _clean(entries[-count])
            if candidate:
                return candidate
    return _clean(remote) or "unknown"


def _clean(value: str) -> str:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [::1]:443
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # 192.0.2.1:443
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return ""
