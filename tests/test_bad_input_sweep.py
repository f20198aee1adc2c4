"""A sweep of every page with a form or query parameter, found from the URL resolver and the pages
themselves, filled with nonsense by hypothesis: arbitrary and huge text, wrong types, unicode,
control characters, markup and script.

Every answer must be a clear error or a saved change — never a 500; markup must come back escaped;
and a form answered with an error must have written nothing. A new page is covered without anyone
adding it here: it is found in the resolver, and its forms and links are read from the page."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_scopes import scope
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audits.reviews import services as review_services
from qaportal.roles import Role
from standards.models import ReviewTemplate
from tests.audits.conftest import complete_psr
from tests.conftest import activate_totp
from tests.factories import CaseFactory
from tests.objects import every_role, one_of_everything

MARKER = "<script>qaportal-sweep</script>"
NASTY = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=200),
    st.sampled_from(
        [
            "",
            " ",
            MARKER,
            '"><img src=x onerror=alert(1)>',
            "\x00",
            "a\x00b",
            "\u202e\u200bRTL",
            '=HYPERLINK("http://evil.example")',
            "-1",
            "0",
            "99999999999999999999999999",
            "1e309",
            "NaN",
            "9999-12",
            "0001-01",
            "2026-02-31",
            "../../etc/passwd",
            "'; DROP TABLE audits_review; --",
            "\r\n\r\nBcc: x@evil.example",
            "x" * 70_000,
            "🙂" * 3000,
        ]
    ),
)
# Rows of these change as a side effect of reading or keeping input, not as the form's own write.
SIDE_EFFECT_MODELS = {"sessions.session", "audits.sectiondraft", "qaportal.document", "feedback.publicfeedback"}


class Forms(HTMLParser):
    """The forms on a page (method, action, field names and the values offered) and its links."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.links: list[str] = []
        self._form: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"method": (a.get("method") or "get").lower(), "action": a.get("action") or "", "fields": {}}
            self.forms.append(self._form)
        elif tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif self._form is not None and tag in {"input", "select", "textarea", "button"} and a.get("name"):
            values = self._form["fields"].setdefault(a["name"], [])
            if a.get("value") is not None:
                values.append(a["value"])
        elif self._form is not None and tag == "option" and self._form["fields"]:
            last = list(self._form["fields"])[-1]
            if a.get("value"):
                self._form["fields"][last].append(a["value"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def _patterns(patterns=None, prefix=""):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace
            for name, route, callback in _patterns(entry.url_patterns, prefix + str(entry.pattern)):
                yield (f"{ns}:{name}" if ns and name and ":" not in name.split("|")[0] else name), route, callback
        elif isinstance(entry, URLPattern) and entry.name:
            yield entry.name, prefix + str(entry.pattern), entry.callback


def council_urls() -> list[tuple[str, str, object]]:
    seen, found = set(), []
    for name, route, callback in _patterns():
        if "council_slug" in route and name not in seen and not route.startswith("f/"):
            seen.add(name)
            found.append((name, route, callback))
    return found


@pytest.fixture
def sweep_world(load_council_catalogue, make_member):
    council = load_council_catalogue("derbyshire", "Derbyshire County Council")
    user = make_member(council, Role.COUNCIL_ADMIN, email="everyone@derbyshire.example")
    team = every_role(council, user)
    activate_totp(user)
    objects = one_of_everything(council, catalogue="derbyshire", reviewer=user)
    # A PSR of a case in the swept person's team, by someone else, waiting for their authorisation.
    peer = make_member(council, Role.SERVICE_MANAGER)
    with scope(council=council):
        waiting = review_services.review_allocate(
            council=council,
            template=ReviewTemplate.objects.get(council=council, key="psr"),
            case=CaseFactory(council=council, team=team),
            reviewer=peer,
            by=user,
        )
        review_services.review_submit(review=complete_psr(waiting, peer), by=peer)
    objects["submitted_review_pk"] = waiting.pk
    return council, user, objects


def _reverse(name, route, council, objects):
    kwargs = {"council_slug": council.slug}
    for key in re.findall(r"<(?:\w+:)?(\w+)>", route):
        if key != "council_slug":
            kwargs[key] = objects[key]
    return reverse(name, kwargs=kwargs)


def _row_counts() -> dict[str, int]:
    from django_scopes import scopes_disabled

    with scopes_disabled():
        return {
            m._meta.label_lower: m._default_manager.count()
            for m in apps.get_models()
            if m._meta.label_lower not in SIDE_EFFECT_MODELS and not m._meta.proxy
        }


def _check(response, what: str, before: dict | None = None):
    assert response.status_code != 500, f"500 from {what}"
    body = response.content.decode(errors="replace") if not response.streaming else ""
    assert MARKER not in body, f"unescaped markup in {what}"
    if before is not None and response.status_code == 200 and "govuk-error-summary" in body:
        after = _row_counts()
        changed = {k: (before[k], after[k]) for k in before if before[k] != after.get(k)}
        assert not changed, f"{what} answered with an error but wrote {changed}"


def test_every_page_with_a_form_or_query_parameter_survives_nonsense(sweep_world):
    council, user, objects = sweep_world
    client = Client(raise_request_exception=False)
    client.force_login(user)
    urls = council_urls()
    sections = [s.kind for s in objects["_review"].template_version.sections.all() if s.kind != "authorisation"]
    fuzzed: set[str] = set()
    statuses: dict[str, int] = {}

    for name, route, callback in urls:
        for kind in sections if "<slug:kind>" in route else [None]:
            # The group manager's decision needs a review waiting for it; every other page uses the
            # review the swept person is completing.
            overrides = {"review_pk": objects["submitted_review_pk"]} if name == "audits:authorise" else {}
            url = _reverse(name, route, council, {**objects, **overrides, **({"kind": kind} if kind else {})})
            public = getattr(callback, "qaportal_public", False)
            visitor = Client(raise_request_exception=False) if public else client
            # Whatever the nonsense manages to change is undone before the next page, so a cancelled
            # review or a removed role never hides the pages after it.
            with transaction.atomic():
                statuses[name] = _sweep_page(visitor, url, name, fuzzed)
                transaction.set_rollback(True)

    # Asserted against the resolver: each council page was reached and every one with a form or a
    # query parameter was fuzzed. Pages with neither are listed, so a silent gap shows.
    names = {name for name, _route, _cb in urls}
    unfuzzed = sorted(names - fuzzed)
    assert set(unfuzzed) <= PAGES_WITHOUT_INPUT, (
        f"pages neither fuzzed nor known to take no input: {[(n, statuses.get(n)) for n in unfuzzed]}"
    )
    assert not PAGES_WITHOUT_INPUT - names, "a page listed as taking no input no longer exists"


def _sweep_page(client: Client, url: str, name: str, fuzzed: set[str]) -> int:
    page = client.get(url)
    _check(page, f"GET {url}")
    parser = Forms()
    if page.status_code == 200 and not page.streaming:
        parser.feed(page.content.decode(errors="replace"))
    # The page's own forms: not the timeout warning's on every page (sign out, stay signed in), which
    # would sign the swept person out before the next page; those pages are swept on their own.
    chrome = {reverse(n) for n in ("account_logout", "session_end", "session_extend")} - {urlsplit(url).path}
    targets = [(f, urlsplit(f["action"])) for f in parser.forms]
    forms = [f for f, to in targets if to.netloc in {"", "testserver"} and to.path not in chrome]
    own_links = [urlsplit(href) for href in parser.links if urlsplit(href).path in {"", url}]
    params = sorted({k for link in own_links for k, _v in parse_qsl(link.query)})
    if page.status_code == 405:  # an action taken by POST only: post nonsense straight to it
        forms = [{"method": "post", "action": url, "fields": {"reason": [], "text": [], "comments": []}}]
    if forms or params:
        fuzzed.add(name)
        _fuzz(client, url, forms, params)
    return page.status_code


# Council pages that take no input at all (no form, no query parameter): listed so that a new page
# with input cannot be missed without this list changing too.
PAGES_WITHOUT_INPUT = {
    "home",
    "audits:my_reviews",
    "audits:authorisation_queue",
    "audits:programme",
    "audits:case",
    "audits:review",  # the task list; its submit form appears once the review can be submitted
    "audits:review_view",
    "audits:check",  # check your answers; its submit form posts to audits:submit (swept)
    "audits:review_history",
    "audits:qa_action",  # its form shows once the review is submitted; the swept one is not (test_qa_actions)
    "audits:review_pdf",  # starts the PDF and redirects to its status page (swept)
    "audits:review_pdf_download",
    "catalogue:index",
    "catalogue:export",
    "catalogue:version_preview",  # a preview of the form, not a form that posts
    "feedback:public_thanks",
    "feedback:public_thanks_easy",
    "people:team_list",
    "moderation:rounds",  # links only; opening a round is moderation:round_new (swept)
    "moderation:round",  # links to close, extend, cancel and reassign (each swept)
    "moderation:disagreements",
    "moderation:outcome",  # its forms show once a round closes with a disagreement (tests/moderation)
    "moderation:round_report_status",  # the swept document is a review's PDF, not a round report: 404
    "moderation:round_report_download",
    "reporting:reports",  # links only; asking for a report is reporting:report_edit (swept)
    "reporting:report_page",  # the figures as a page; its narrative is written on reporting:report_edit
    "reporting:run",  # the swept document is a review's PDF, not a report: 404 (its retry: tests/reporting)
    "reporting:run_download",
}


def _fuzz(client: Client, url: str, forms: list[dict], params: list[str]):
    @settings(
        max_examples=8,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
        database=None,
    )
    @given(data=st.data())
    def attempt(data):
        cache.clear()  # rate limits would otherwise answer every later example with 429
        for form in forms:
            values = {
                field: data.draw(st.one_of(st.sampled_from(offered), NASTY) if offered else NASTY)
                for field, offered in form["fields"].items()
                if field != "csrfmiddlewaretoken"
            }
            target = form["action"] or url
            if form["method"] == "get":
                _check(client.get(target, values), f"GET {target} {sorted(values)}")
            else:
                before = _row_counts()
                _check(client.post(target, values), f"POST {target} {sorted(values)}", before)
        if params:
            query = {p: data.draw(NASTY) for p in params}
            _check(client.get(url, query), f"GET {url}?{sorted(query)}")

    attempt()


# Pages outside any council that take no input, or whose address holds a one-time key.
SIGN_IN_PAGES_WITHOUT_INPUT = {
    "healthcheck",
    "accessibility",
    "account_inactive",
    "account_email_verification_sent",
    "account_reset_password_done",
    "account_reset_password_from_key_done",
    "account_confirm_email",  # its key is in the address (regex), checked by allauth
    "account_reset_password_from_key",  # as above
    "account_signup",  # closed: council admins add people
    "mfa_download_recovery_codes",
    "account_email",  # staff sign in with their work email; managed by the platform team
    "root",  # the choice of council, links only
    "account_confirm_login_code",  # sign-in by emailed code is not switched on
    "account_set_password",  # only for accounts without a password; people are sent a reset link instead
    "mfa_index",  # links to the two-factor pages
    "mfa_activate_totp",  # the swept person already has an authenticator (the activation journey covers it)
    "mfa_authenticate",  # only in the middle of signing in (the sign-in journeys cover it)
    "mfa_view_recovery_codes",
    "session_signed_out",  # after a timeout: what happened, and a link to sign in again (test_session_timeout)
}


def test_sign_in_and_account_pages_survive_nonsense(sweep_world):
    from qaportal.models import Invitation

    council, user, _objects = sweep_world
    token = Invitation.objects.create(council=council, user=user, role="moderator").token
    signed_in = Client(raise_request_exception=False)
    signed_in.force_login(user)
    fuzzed: set[str] = set()
    statuses: dict[str, int] = {}
    names = []
    for name, route, _callback in _patterns():
        if "council_slug" in route or route.startswith("platform-admin") or "(?P<" in route or name in names:
            continue
        names.append(name)
        url = reverse(name, kwargs={"token": token} if "<str:token>" in route else None)
        signed_in.force_login(user)  # fuzzing "sign out" must not leave the rest signed out
        for label, visitor in [("signed in", signed_in), ("signed out", Client(raise_request_exception=False))]:
            with transaction.atomic():
                statuses[f"{name} ({label})"] = _sweep_page(visitor, url, name, fuzzed)
                transaction.set_rollback(True)
    unfuzzed = sorted(set(names) - fuzzed)
    assert set(unfuzzed) <= SIGN_IN_PAGES_WITHOUT_INPUT, [
        (k, v) for k, v in statuses.items() if k.split()[0] in unfuzzed
    ]
