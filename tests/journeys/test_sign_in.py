"""Signing in, with two-factor authentication where the role requires it, and signing out."""

import re
import time

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from playwright.sync_api import expect

from qaportal.models import User
from tests.conftest import totp_code

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct-horse-battery"


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def sign_in(page, axe, email, password=PASSWORD, *, enter_code=True):
    """Sign in from the start page; where the account has an authenticator app, type its current code
    (checking that page with axe too) unless the test does that itself (`enter_code=False`)."""
    page.goto("/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    axe(page)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)

    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    if enter_code and "/2fa/authenticate/" in page.url:
        axe(page)
        page.get_by_label(re.compile("Code", re.I)).fill(totp_code(User.objects.get(email=email)))
        page.get_by_role("button", name=re.compile("Sign in", re.I)).click()
        page.wait_for_load_state()


def test_quality_team_member_signs_in_with_a_code_sees_home_and_signs_out(page, axe, council_a, make_member):
    person = make_member(council_a, "quality_team", email="q@derbyshire.example", mfa=False)
    secret = generate_totp_secret()
    TOTP.activate(person, secret)

    sign_in(page, axe, "q@derbyshire.example", enter_code=False)
    expect(page.get_by_role("heading", name="Two-factor authentication")).to_be_visible()
    axe(page)
    page.get_by_label(re.compile("Code", re.I)).fill(current_code(secret))
    page.get_by_role("button", name="Sign In").click()

    expect(page).to_have_url(re.compile(r"/derbyshire/$"))
    expect(page.get_by_test_id("roles")).to_have_text("Quality team")
    expect(page.locator(".qa-header__council")).to_have_text("Derbyshire County Council")
    axe(page)

    page.get_by_role("link", name="Sign out").click()
    axe(page)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.goto("/derbyshire/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_council_admin_without_two_factor_must_set_it_up_first(page, axe, council_a, make_member):
    make_member(council_a, "council_admin", email="admin@derbyshire.example", mfa=False)
    sign_in(page, axe, "admin@derbyshire.example")
    expect(page.get_by_role("heading", name="Activate authenticator app")).to_be_visible()
    axe(page)
    page.goto("/derbyshire/admin/people/")
    expect(page.get_by_role("heading", name="Activate authenticator app")).to_be_visible()
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label(re.compile("Authenticator code", re.I)).fill(current_code(secret))
    page.get_by_role("button", name="Activate").click()
    page.goto("/derbyshire/admin/people/")
    expect(page.get_by_role("heading", name="People")).to_be_visible()


def test_wrong_password_is_explained_and_the_email_is_kept(page, axe, council_a, make_member):
    make_member(council_a, "practitioner", email="p@derbyshire.example", profession="social_worker")
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("p@derbyshire.example")
    page.get_by_label("Password").fill("not-my-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("There is a problem")
    expect(page.get_by_label("Email")).to_have_value("p@derbyshire.example")
    axe(page)
