"""The Content-Security-Policy carries a real nonce, and the page's inline script uses it."""

import re

from django.urls import reverse


def test_script_src_has_a_fresh_nonce_that_the_inline_script_carries(client, db):
    first = client.get(reverse("account_login"))
    policy = first["Content-Security-Policy"]
    script_src = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
    assert "'nonce'" not in script_src, "the literal word, which blocks every inline script"
    nonce = re.search(r"'nonce-([A-Za-z0-9+/=_-]+)'", script_src).group(1)
    assert f'<script nonce="{nonce}">' in first.content.decode()
    second = client.get(reverse("account_login"))["Content-Security-Policy"]
    assert nonce not in second, "a nonce is used once"


def test_the_policy_allows_nothing_from_elsewhere(client, db):
    policy = client.get(reverse("account_login"))["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert "unsafe-inline" not in policy and "http:" not in policy
