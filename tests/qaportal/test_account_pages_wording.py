"""The sign-in, password and two-factor pages speak as the rest of the service does: sentence case,
"Sign out" (allauth's own wording is Title Case: "Change Password", "Sign Out")."""

import re

import pytest
from django.urls import reverse

from tests.factories import CouncilFactory

SIGNED_IN_PAGES = ["account_change_password", "mfa_index", "mfa_activate_totp", "account_logout", "account_email"]
SIGNED_OUT_PAGES = ["account_login", "account_reset_password"]


def headings_and_buttons(page: str) -> list[str]:
    found = re.findall(r"<(?:title|h1|h2|button|label)[^>]*>(.*?)</(?:title|h1|h2|button|label)>", page, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", text).split()) for text in found]


def title_case(text: str) -> bool:
    """Two capitalised words in a row, past the first: "Change Password", "Two-Factor Authentication"."""
    words = text.replace(" – QA Portal", "").split()
    return any(re.match(r"^[A-Z][a-z]", w) for w in words[1:]) or bool(re.search(r"-[A-Z][a-z]", text))


@pytest.fixture
def signed_in(client, make_member):
    client.force_login(make_member(CouncilFactory(slug="derbyshire"), "service_manager"))
    return client


@pytest.mark.parametrize("name", SIGNED_IN_PAGES)
def test_signed_in_account_pages_use_sentence_case(signed_in, name):
    texts = headings_and_buttons(signed_in.get(reverse(name)).content.decode())
    shouting = [t for t in texts if title_case(t) and t != "Support links" and "@" not in t]  # an address, tagged
    assert texts and not shouting, shouting


@pytest.mark.parametrize("name", SIGNED_OUT_PAGES)
def test_signed_out_account_pages_use_sentence_case(client, name):
    texts = headings_and_buttons(client.get(reverse(name)).content.decode())
    assert texts and not [t for t in texts if title_case(t) and t != "Support links"]


def test_the_header_says_sign_out(signed_in):
    page = signed_in.get(reverse("account_change_password")).content.decode()
    assert re.search(r'href="/accounts/logout/"[^>]*>\s*Sign out\s*<', page)
