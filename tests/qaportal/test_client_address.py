"""One client address for every rate limit, trusting only the proxies we run."""

import pytest
from django.test import RequestFactory, override_settings
from django.urls import reverse

from qaportal.adapters import AccountAdapter
from qaportal.net import client_ip


def request(remote="10.0.0.5", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_forwarded_header_is_ignored():
    assert client_ip(request(forwarded="1.2.3.4")) == "10.0.0.5"


@override_settings(QAPORTAL_TRUSTED_PROXY_COUNT=1)
def test_behind_one_proxy_the_client_is_the_address_our_proxy_saw_not_what_the_client_wrote():
    # The client wrote "6.6.6.6" itself; our proxy appended the address it really came from.
    assert client_ip(request(forwarded="6.6.6.6, 203.0.113.9")) == "203.0.113.9"
    assert client_ip(request(forwarded="203.0.113.9")) == "203.0.113.9"


@override_settings(QAPORTAL_TRUSTED_PROXY_COUNT=2)
def test_behind_two_proxies_the_second_from_the_right_is_the_client():
    assert client_ip(request(forwarded="6.6.6.6, 203.0.113.9, 10.1.1.1")) == "203.0.113.9"
    # Fewer entries than proxies: the header is not what our proxies write; fall back to the socket.
    assert client_ip(request(forwarded="203.0.113.9")) == "10.0.0.5"


@override_settings(QAPORTAL_TRUSTED_PROXY_COUNT=1)
def test_garbage_in_the_header_is_not_an_address():
    assert client_ip(request(forwarded="<script>, not-an-ip")) == "10.0.0.5"


@override_settings(QAPORTAL_TRUSTED_PROXY_COUNT=1)
def test_allauth_counts_sign_in_attempts_by_the_same_address():
    assert AccountAdapter().get_client_ip(request(forwarded="6.6.6.6, 203.0.113.9")) == "203.0.113.9"


@pytest.mark.django_db
@override_settings(QAPORTAL_TRUSTED_PROXY_COUNT=1)
def test_spoofed_addresses_do_not_get_past_the_public_forms_limit(client, council_a):
    url = reverse("feedback:public_form", kwargs={"council_slug": council_a.slug})
    statuses = [
        client.post(
            url,
            {"feedback": f"Spam {i}"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{i}, 203.0.113.7",
        ).status_code
        for i in range(30)
    ]
    assert statuses.count(429) >= 19, "30 different spoofed addresses were each let through"


@pytest.mark.django_db
@override_settings(QAPORTAL_TRUSTED_PROXY_COUNT=1)
def test_one_client_behind_the_proxy_cannot_lock_everyone_else_out(client, practitioner_a, make_member, council_a):
    other = make_member(council_a, "practitioner", profession="social_worker")
    for _ in range(11):
        client.post(
            reverse("account_login"),
            {"login": other.email, "password": "wrong"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="198.51.100.66",
        )
    response = client.post(
        reverse("account_login"),
        {"login": practitioner_a.email, "password": "correct-horse-battery"},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="192.0.2.44",
    )
    assert response.status_code == 302, "a correct sign-in from another client was refused"
