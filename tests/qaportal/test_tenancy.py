"""Tenants never leak: another council's pages and objects are a 404, and unscoped queries fail."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_scopes import ScopeError, scope

from audits.models import Case
from qaportal.models import Membership, Team
from qaportal.roles import Role
from tests.conftest import activate_totp
from tests.factories import UserFactory
from tests.objects import every_role, one_of_everything

# Models that belong to no council, each for a stated reason.
GLOBAL_MODELS = {
    "qaportal.Council": "the tenant itself",
    "qaportal.User": "a person may work for more than one council; their roles are per council",
    "qaportal.OutboxMessage": "tasks waiting for the broker: one relay sends every council's; each names its council",
    "account.EmailAddress": "allauth, per user",
    "account.EmailConfirmation": "allauth, per user",
    "mfa.Authenticator": "allauth, per user",
    "admin.LogEntry": "platform superusers' admin log",
    "auth.Permission": "Django",
    "auth.Group": "Django",
    "contenttypes.ContentType": "Django",
    "sessions.Session": "Django",
}


def _council_owned(model) -> bool:
    try:
        field = model._meta.get_field("council")
    except Exception:
        return False
    return field.many_to_one and not field.null


def _is_scoped(model) -> bool:
    from django_scopes.manager import DisabledQuerySet

    with scope():  # scoping enabled, no council entered
        return isinstance(model._default_manager.get_queryset(), DisabledQuerySet)


def test_every_model_is_council_owned_and_scoped_or_explicitly_global():
    unaccounted = [
        model._meta.label
        for model in apps.get_models()
        if model._meta.label not in GLOBAL_MODELS
        and not model._meta.auto_created
        and not (_council_owned(model) and _is_scoped(model))
    ]
    assert not unaccounted, (
        f"These models are neither council-owned with a scoped manager nor on the list of global models: {unaccounted}"
    )


@pytest.mark.scoped
@pytest.mark.parametrize("model", [Team, Membership, Case], ids=lambda m: m.__name__)
def test_query_on_tenant_owned_model_outside_a_council_scope_raises(model, council_a):
    with pytest.raises(ScopeError):
        list(model.objects.all())
    with pytest.raises(ScopeError):
        model.objects.filter(pk=1).exists()
    with scope(council=council_a):
        assert list(model.objects.all()) == []


# --- every council URL, with another council's slug and ids -----------------------------------


def _council_url_names(patterns=None, prefix="", namespace=""):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _council_url_names(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            if "council_slug" in route and not getattr(entry.callback, "qaportal_public", False):
                assert entry.name, f"Council URL {route} has no name; name it so the isolation test can reach it."
                yield namespace + entry.name, entry.pattern.converters, route


@pytest.fixture
def other_council_objects(council_b):
    """One of each kind of object in council B, keyed by the URL keyword that names it."""
    return one_of_everything(council_b, catalogue="somerset")


@pytest.fixture
def everything_in_a(council_a, make_member):
    """A member of council A holding every role, so role checks never stop a request early."""
    user = make_member(council_a, Role.COUNCIL_ADMIN)
    every_role(council_a, user)
    return activate_totp(user)


def _urls(council_slug, objects):
    for name, _converters, route in _council_url_names():
        kwargs = {"council_slug": council_slug}
        for key in _route_kwargs(route):
            if key == "council_slug":
                continue
            assert key in objects, (
                f"{name} takes '{key}': add an object of council B for it to other_council_objects "
                "so the isolation test covers this URL."
            )
            kwargs[key] = objects[key]
        yield name, reverse(name, kwargs=kwargs), any(k not in NOT_OBJECTS for k in kwargs if k != "council_slug")


# URL keywords that name a kind of thing every council has (a section of a form, a report, a month),
# not an object of council B: a page with only these is council A's own under A's address.
NOT_OBJECTS = {"kind", "report", "start"}


def _route_kwargs(route: str) -> list[str]:
    import re

    return re.findall(r"<(?:\w+:)?(\w+)>", route)


def _status(client, url):
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url)
    return response.status_code


def test_member_of_one_council_gets_404_for_every_url_of_another(
    client, everything_in_a, council_b, other_council_objects
):
    client.force_login(everything_in_a)
    leaks = [
        (name, url, status)
        for name, url, _ in _urls(council_b.slug, other_council_objects)
        if (status := _status(client, url)) != 404
    ]
    assert not leaks, f"Council B's pages answered a member of council A: {leaks}"


def test_another_councils_object_ids_are_404_under_your_own_council(
    client, everything_in_a, council_a, other_council_objects
):
    client.force_login(everything_in_a)
    leaks = [
        (name, url, status)
        for name, url, has_objects in _urls(council_a.slug, other_council_objects)
        if has_objects and (status := _status(client, url)) != 404
    ]
    assert not leaks, f"Council B's objects answered under council A's address: {leaks}"


def test_public_pages_are_the_only_council_pages_open_without_signing_in(client, council_b):
    """The feedback form is public by design; it is listed here so that making a page public is a choice."""
    public = sorted(entry.name for entry in _all_patterns() if getattr(entry.callback, "qaportal_public", False))
    assert public == [
        "public_form",
        "public_form_easy",
        "public_form_token",
        "public_form_token_easy",
        "public_thanks",
        "public_thanks_easy",
        "short",
        "short_token",
    ]


def _all_patterns(patterns=None):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            yield from _all_patterns(entry.url_patterns)
        else:
            yield entry


def test_anonymous_visitors_are_sent_to_sign_in_for_every_council_url(client, council_b, other_council_objects):
    for name, url, _ in _urls(council_b.slug, other_council_objects):
        response = client.get(url)
        assert response.status_code == 302, name
        assert response.url.startswith(reverse("account_login")), name


def test_platform_superuser_can_enter_any_council(client, council_b):
    superuser = activate_totp(UserFactory(is_superuser=True, is_staff=True))
    client.force_login(superuser)
    assert client.get(reverse("home", kwargs={"council_slug": council_b.slug})).status_code == 200


def test_unknown_council_is_404_for_members_of_others(client, practitioner_a):
    client.force_login(practitioner_a)
    assert client.get("/no-such-council/").status_code == 404
