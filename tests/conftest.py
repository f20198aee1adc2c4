"""Shared fixtures: councils and their people, the real Celery worker, and headless Chromium."""

from __future__ import annotations

import os

# The sync Playwright API runs an event loop in this thread; Django's ORM calls from the same
# thread are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import django.test.utils  # noqa: E402
import pytest  # noqa: E402
from django_scopes import scopes_disabled  # noqa: E402

from tests.factories import CouncilFactory, MembershipFactory, TeamFactory, UserFactory  # noqa: E402

_setup_databases = django.test.utils.setup_databases


def _setup_databases_unscoped(*args, **kwargs):
    with scopes_disabled():
        return _setup_databases(*args, **kwargs)


django.test.utils.setup_databases = _setup_databases_unscoped


def pytest_collection_modifyitems(items):
    for item in items:
        if "journeys" in item.path.parts:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def _test_body_unscoped(request):
    """Test set-up code reads and writes freely; views, tasks and commands under test still
    enter their own council scope. Tests of the scoping itself ask for `@pytest.mark.scoped`."""
    if request.node.get_closest_marker("scoped"):
        yield
        return
    with scopes_disabled():
        yield


def pytest_configure(config):
    config.addinivalue_line("markers", "scoped: run the test body without disabling django-scopes")


# --- councils and actors -----------------------------------------------------------------------


@pytest.fixture
def council_a(db):
    return CouncilFactory(slug="derbyshire", name="Derbyshire County Council")


@pytest.fixture
def council_b(db):
    return CouncilFactory(slug="somerset", name="Somerset Council")


@pytest.fixture
def make_member(db):
    """A person holding `role` in `council` (in `team`, or a new team where the role needs one)."""

    def make(council, role, *, team=None, email=None, mfa=None, first_name=None, last_name=None, **membership):
        """`mfa`: give them an authenticator app. By default, people whose role requires two-factor
        authentication have one, as they would after their first sign-in; pass mfa=False to test
        someone who has not set it up yet."""
        from qaportal.roles import TEAM_ROLES

        names = {k: v for k, v in {"email": email, "first_name": first_name, "last_name": last_name}.items() if v}
        user = UserFactory(**names)
        if team is None and role in TEAM_ROLES:
            team = TeamFactory(council=council)
        MembershipFactory(council=council, user=user, role=role, team=team, **membership)
        if mfa or (mfa is None and role in council.mfa_required_roles):
            activate_totp(user)
        return user

    return make


def activate_totp(user):
    """Give `user` an authenticator app, as people whose role requires two-factor must have."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, generate_totp_secret())
    return user


def totp_code(user) -> str:
    """The code `user`'s authenticator app shows now. allauth accepts each code once: the record of
    its use is dropped, so a test may sign the same person in twice within 30 seconds."""
    import time

    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
    from django.core.cache import cache

    secret = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP).data["secret"]
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    cache.delete(f"allauth.mfa.totp.used?user={user.pk}&code={code}")
    return code


@pytest.fixture
def admin_a(council_a, make_member):
    return activate_totp(make_member(council_a, "council_admin"))


@pytest.fixture
def practitioner_a(council_a, make_member):
    return make_member(council_a, "practitioner", profession="social_worker")


@pytest.fixture
def admin_b(council_b, make_member):
    return activate_totp(make_member(council_b, "council_admin"))


# --- Celery: a real worker on the throwaway Redis ----------------------------------------------


@pytest.fixture(scope="session")
def celery_config(worker_id):
    broker = os.environ.get("REDIS_URL")
    if not broker:
        pytest.fail("REDIS_URL is not set: run the suite with `make test`, which starts Redis.")
    if worker_id != "master":
        # Under pytest-xdist each process runs its own Celery worker against its own test database:
        # on a shared queue one would take the other's tasks and find none of their rows. A Redis
        # database each (gw0 uses 1, gw1 uses 2, …) keeps them apart.
        broker = f"{broker.rsplit('/', 1)[0]}/{int(worker_id.removeprefix('gw')) + 1}"
    return {"broker_url": broker, "result_backend": broker, "task_always_eager": False}


@pytest.fixture(scope="session")
def celery_worker_parameters():
    # Every queue the app uses: review PDFs and reports have their own in production.
    return {"perform_ping_check": False, "shutdown_timeout": 10, "queues": ("celery", "pdf", "reports")}


# --- Browser: Debian's Chromium driven by Playwright, with axe-core ----------------------------


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path="/usr/bin/chromium",
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


# Every page a journey opens is watched for what axe cannot see: errors in the console, uncaught
# exceptions, and anything the Content-Security-Policy blocked (a blocked script looks fine to axe).
WATCH_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`);
});
"""


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.add_init_script(WATCH_CSP)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.problems = []  # console errors and page errors, with the page they happened on
    page.on(
        "console",
        lambda message: (
            page.problems.append(f"console {message.type} on {page.url}: {message.text}")
            if message.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda error: page.problems.append(f"page error on {page.url}: {error}"))
    yield page
    problems = page.problems + _csp_violations(page)
    context.close()
    assert not problems, "the browser reported problems:\n" + "\n".join(problems)


def _csp_violations(page) -> list[str]:
    try:
        return [f"CSP on {page.url}: {v}" for v in page.evaluate("window.__csp || []")]
    except Exception:  # noqa: BLE001 - the page is gone (a download, a closed context): nothing to read
        return []


def assert_page_works(page) -> None:
    """The page's JavaScript ran: nothing was blocked or thrown, GOV.UK Frontend is supported and
    initialised every component on the page."""
    problems = page.problems + _csp_violations(page)
    assert not problems, "the browser reported problems:\n" + "\n".join(problems)
    state = page.evaluate(
        """() => ({
            supported: document.body.classList.contains("govuk-frontend-supported"),
            uninitialised: [...document.querySelectorAll("[data-module]")]
                .filter((el) => el.dataset.module.startsWith("govuk-"))
                .filter((el) => !el.hasAttribute(`data-${el.dataset.module}-init`))
                .map((el) => el.dataset.module),
        })"""
    )
    assert state["supported"], f"GOV.UK Frontend is not supported on {page.url} (its script was blocked?)"
    assert not state["uninitialised"], f"GOV.UK components not started on {page.url}: {state['uninitialised']}"


REFLOW_WIDTH = 320  # CSS pixels: WCAG 2.2 1.4.10, content readable without scrolling in two directions


def assert_reflows(page) -> None:
    """At 320 px wide the page does not scroll sideways. Wide data tables may scroll inside their
    own region (1.4.10's exception for two-dimensional content); the page itself must not."""
    size = page.viewport_size
    page.set_viewport_size({"width": REFLOW_WIDTH, "height": 800})
    try:
        overflow = page.evaluate(
            """(width) => {
                const root = document.documentElement;
                if (root.scrollWidth <= root.clientWidth) return null;
                const wide = [...document.querySelectorAll("body *")]
                    .filter((el) => el.getBoundingClientRect().right > width + 1)
                    .filter((el) => !el.closest(".qa-table-scroll") && !el.closest(".govuk-visually-hidden"))
                    .slice(0, 5)
                    .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join(".")}`
                        + ` (${Math.round(el.getBoundingClientRect().right)} px)`);
                return {scrollWidth: root.scrollWidth, wide};
            }""",
            REFLOW_WIDTH,
        )
    finally:
        page.set_viewport_size(size)
    assert overflow is None, f"{page.url} scrolls sideways at {REFLOW_WIDTH} px: {overflow}"


@pytest.fixture
def axe():
    """On every journey page: axe-core finds no WCAG 2.2 AA violation, and the page's JavaScript
    worked (no console or page error, no CSP violation, GOV.UK Frontend started)."""
    from axe_playwright_python.sync_playwright import Axe

    checker = Axe()

    def check(page):
        page.wait_for_load_state("load")
        assert_page_works(page)
        results = checker.run(page)
        violations = results.response["violations"]
        details = [
            f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}" for v in violations
        ]
        assert not violations, f"axe found violations on {page.url}:\n" + "\n".join(details)
        assert_reflows(page)
        return results

    return check


@pytest.fixture
def load_council_catalogue(db):
    """A council with its launch catalogue (from standards/catalogues/<slug>.json) imported."""
    from django_scopes import scope

    from standards.catalogue_io import import_catalogue
    from tests.catalogues import catalogue_data

    def load(slug: str, name: str | None = None):
        council = CouncilFactory(slug=slug, name=name or f"{slug.title()} Council")
        with scope(council=council):
            import_catalogue(council=council, data=catalogue_data(slug))
        return council

    return load


from tests.audits.conftest import world  # noqa: E402, F401  (Derbyshire with people and a case, for any test)

# --- the demo, loaded once for a module -------------------------------------------------------


def demo_for_module(*councils: str, prepare=None, history: bool = False):
    """A module-scoped fixture: `load_demo` (for `councils`, or all four) run once for the module's
    tests, then `prepare()`. Each test still runs in its own transaction, rolled back after it, so
    every test sees the same demo; the database is emptied when the module ends. Loading the demo
    takes seconds, which the suite would otherwise pay for every test. `history`: with the year of
    history `make run` loads (the suite's loads skip it)."""

    @pytest.fixture(scope="module")
    def loaded(django_db_setup, django_db_blocker):
        import io

        from django.contrib.contenttypes.models import ContentType
        from django.core.management import call_command
        from django.test import override_settings

        months = 12 if history else 0
        with django_db_blocker.unblock(), scopes_disabled(), override_settings(QAPORTAL_DEMO_HISTORY_MONTHS=months):
            call_command("load_demo", *[f"--council={c}" for c in councils], stdout=io.StringIO())
            if prepare is not None:
                prepare()
        yield
        with django_db_blocker.unblock():
            call_command("flush", interactive=False, verbosity=0)
            ContentType.objects.clear_cache()

    return loaded
