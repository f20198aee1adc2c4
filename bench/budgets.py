"""Measure QA Portal against the budgets in DESIGN.md and print a report.

Run with `make bench` (`python -m bench` on a throwaway PostgreSQL cluster, files in var/bench/). Budgets are checked
here, never by timed assertions in the test suite. The data: the four demo councils (Derbyshire's year grown to 600
completed reviews) and synthetic national data, 150 councils x 10 years (about a million reviews, `load_synthetic`).
- every page that matters under 20 connections in a closed loop (wrk, gunicorn on this machine): p50, p95, p99 and
  requests a second beside `/healthz/`'s, the ceiling measured in the same run; the review section page and its
  save p95 under 150 ms, dashboards and exports at a million reviews under 500 ms;
- the annual PDF report for a council with 600 reviews: under 20 s and 500 MB, rendered in a fresh process;
- compliance at 150 councils x 10 years of programme data: under 500 ms;
- the monthly run for 150 councils: under 60 s;
- the synthetic national data itself: under 15 minutes;
- a review PDF: time and peak memory (no budget).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field, replace
from pathlib import Path
from unittest import mock

import pikepdf
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from audits import demo_history
from audits.demo import load_cases
from audits.models import Case, ExpectedReview, Review
from audits.programme.services import run_month_for_all
from audits.reviews import services
from qaportal import demo
from qaportal.calendar import add_months
from qaportal.models import Council, Membership, User
from qaportal.roles import Role
from reporting.selectors import compliance
from reporting.synthetic import load_synthetic
from standards.models import ReviewTemplate

BUDGET_FORM_P95_MS = 150
BUDGET_DASHBOARD_MS = 500
BUDGET_SYNTHETIC_S = 15 * 60
HEALTHZ = "/healthz/ (the ceiling: no work)"
WRK_DIR = Path(__file__).parent / "wrk"
# Sync workers, one a core by default (--workers), as docs/deployment.md sizes them with PostgreSQL on
# the same host. The pages are Python, bound by the CPU, and their queries take a fraction of a
# millisecond here: nothing waits, so more processes than cores only take turns on them (on 2 cores,
# 2 workers served 160 section pages a second, 4 served 136; threads in a process wait for each
# other: 3 x 4 threads served 94, 2 x 4 threads 47).
DEFAULT_WORKERS = os.cpu_count() or 2
BUDGET_COMPLIANCE_MS = 500
BUDGET_MONTHLY_RUN_S = 60
BUDGET_ANNUAL_S = 20
BUDGET_ANNUAL_MB = 500
# The annual report's council: Derbyshire's demo, its year of history grown from 120 to 600 completed reviews.
REPORT_COUNCIL = "derbyshire"
REPORT_REVIEWS = 600


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database() -> str:
    if connection.vendor == "postgresql":
        version = connection.pg_version
        return f"PostgreSQL {version // 10000}.{version % 100}, database {settings.DATABASES['default']['NAME']}"
    return f"{connection.vendor}, {Path(settings.DATABASES['default']['NAME']).name}"


def _database_env() -> dict[str, str]:
    """The environment that points another process (gunicorn) at this process's database."""
    db = settings.DATABASES["default"]
    if connection.vendor == "postgresql":
        return {
            "QAPORTAL_DB_ENGINE": "postgresql",
            "QAPORTAL_DB_NAME": db["NAME"],
            "QAPORTAL_DB_USER": db["USER"],
            "QAPORTAL_DB_PASSWORD": db["PASSWORD"],
            "QAPORTAL_DB_HOST": db["HOST"],
            "QAPORTAL_DB_PORT": str(db["PORT"]),
        }
    return {"QAPORTAL_DB_ENGINE": "sqlite", "QAPORTAL_SQLITE_PATH": str(db["NAME"])}


@dataclass
class ChildRender:
    """One PDF rendered in a child process: wall time and peak memory seen from outside, the render's own
    time as the child measured it, and what the PDF turned out to be."""

    seconds: float
    peak_kib: int
    exit_code: int
    inner: dict = field(default_factory=dict)
    pdf: str = ""
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and not self.error

    @property
    def peak_mb(self) -> float:
        return self.peak_kib * 1024 / 1e6  # ru_maxrss is in KiB on Linux; budgets are in MB

    def describe_pdf(self, path: Path) -> None:
        data = path.read_bytes()
        if not data.startswith(b"%PDF-"):
            self.error = "the output is not a PDF"
            return
        with pikepdf.open(path) as pdf:
            tagged = "/StructTreeRoot" in pdf.Root
            outlines = len(pdf.open_outline().root)
            self.pdf = (
                f"{len(pdf.pages)} pages, {len(data) // 1024} KB, {'tagged' if tagged else 'NOT tagged'}, "
                f"{outlines} bookmarks"
            )

    def summary(self) -> str:
        if not self.ok:
            return f"failed after {self.seconds:.1f} s: {self.error}"
        render = self.inner.get("render_seconds", 0.0)
        return (
            f"{self.seconds:.1f} s, peak {self.peak_mb:.0f} MB (process start-up and Django included; "
            f"render alone {render:.1f} s); {self.pdf}"
        )

    def verdict(self, within: bool | None = None) -> str:
        if not self.ok:
            return "FAIL"
        if within is None:
            return "measured"
        return "PASS" if within else "FAIL"


class Command(BaseCommand):
    help = "Benchmark the review form, compliance queries, the monthly run and PDFs; print a report."

    def add_arguments(self, parser):
        parser.add_argument("--councils", type=int, default=150)
        parser.add_argument("--years", type=int, default=10)
        parser.add_argument("--users", type=int, default=20, help="connections of the load, each a closed loop")
        parser.add_argument("--seconds", type=int, default=10, help="of load on each page")
        parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS, help="gunicorn's sync workers")

    def handle(self, *args, councils: int, years: int, users: int, seconds: int, workers: int, **options):
        self.users = users
        self.gunicorn = ["--workers", str(workers), "--threads", "1"]
        self.rows: list[tuple[str, str, str, str]] = []
        self.loads: list[tuple[Page, dict, dict | None]] = []
        self.out_dir = Path(settings.VAR_DIR)
        # Other work on the machine skews every figure: the report says how busy it was to begin with.
        self.load_at_start = os.getloadavg()[0]
        self.demo_data()
        self.review_pdf()
        self.annual_report_pdf()
        national = self.national_data(councils, years)
        self.monthly_run(national)
        self.compliance_at_scale(national)
        self.database_at_rest()
        self.pages_under_load(users=users, seconds=seconds, national=national[len(national) // 2])
        self.report()

    # --- data -----------------------------------------------------------------------------------

    def demo_data(self) -> None:
        """The four demo councils, as `make run` loads them, except that Derbyshire's year of history has
        REPORT_REVIEWS completed reviews instead of 120: the council the annual report budget speaks of."""
        start = time.perf_counter()
        months = settings.QAPORTAL_DEMO_HISTORY_MONTHS
        if months < 12:
            raise CommandError(
                f"The annual report needs 12 months of demo history (QAPORTAL_DEMO_HISTORY_MONTHS={months})."
            )
        spec = next(s for s in demo.COUNCILS if s.slug == REPORT_COUNCIL)
        council = demo.load_council(spec)
        # A case is reviewed once in the year (the demo's look-back rule): twice as many cases as reviews
        # leaves every month's reviewers cases outside their own teams. Same seed, so the demo's own 500
        # cases are the first 500 of these.
        load_cases(council, pin_digits=spec.pin_digits, count=2 * REPORT_REVIEWS)
        # The demo's own bulk writer of history (and everything the other apps build on it: moderation
        # rounds, …), at REPORT_REVIEWS a year instead of its 10 a month.
        with mock.patch.object(demo_history, "REVIEWS_A_MONTH", -(-REPORT_REVIEWS // months)):
            call_command("load_demo", council=[REPORT_COUNCIL], stdout=open(os.devnull, "w"))
        call_command("load_demo", stdout=open(os.devnull, "w"))  # the other three, as they are

        this_month = timezone.localdate().replace(day=1)
        self.report_start = add_months(this_month, -12)
        with scope(council=council):
            completed = (
                Review.objects.filter(council=council, period__gte=self.report_start, period__lt=this_month)
                .completed()
                .count()
            )
        if completed < REPORT_REVIEWS:
            raise CommandError(
                f"{council.name} has {completed} completed reviews in the 12 months from {self.report_start:%B %Y},"
                f" not {REPORT_REVIEWS}: the demo history has changed (audits/demo_history.py)."
            )
        self.report_reviews = completed
        self.rows.append(
            (
                "Set-up: 4 demo councils",
                f"{time.perf_counter() - start:.1f} s ({council.name}: {completed} completed reviews in the 12 months"
                f" from {self.report_start:%B %Y})",
                "—",
                "set-up",
            )
        )

    # --- pages under load -------------------------------------------------------------------------

    def database_at_rest(self, *, longest_s: int = 600) -> None:
        """The pages are measured on a database at rest, as a live service's is: not while the checkpointer
        writes out the set-up's gigabytes, or autovacuum visits the millions of rows just written (on 2
        cores, autovacuum after the synthetic load took a quarter of the section page's speed)."""
        if connection.vendor != "postgresql":
            return
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("CHECKPOINT")  # the benchmark's own cluster: its user is a superuser

            def autovacuum_workers() -> int:
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'")
                return cursor.fetchone()[0]

            busy = autovacuum_workers()
            while busy and time.perf_counter() - start < longest_s:
                time.sleep(2)
                busy = autovacuum_workers()
        self.rows.append(
            (
                "Set-up: database at rest (a checkpoint, then no autovacuum at work)",
                f"{time.perf_counter() - start:.1f} s" + (f"; {busy} autovacuum workers still at work" if busy else ""),
                "—",
                "set-up",
            )
        )

    def pages_under_load(self, *, users: int, seconds: int, national: Council) -> None:
        """Every page that matters, one after another, each under `users` connections in a closed loop
        (each sends its next request as soon as the last is answered: no think time) for `seconds`,
        with wrk, against gunicorn on this machine; `/healthz/` first, as the ceiling: the same server
        answering with no work to do. Sessions are made in the database, as signing in would."""
        pages = self.pages(national)
        port = _free_port()
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "qaportal.settings.local", "DJANGO_DEBUG": "false"}
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "qaportal.wsgi:application", "--bind", f"127.0.0.1:{port}",
             *self.gunicorn, "--log-level", "warning"],
            env={**env, **_database_env()},
            cwd=settings.BASE_DIR,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_for(base + "/healthz/")
            ceiling = None
            for page in pages:
                if page.alone:
                    # DESIGN.md's budget for reports is one person's wait: measured with the page to themselves.
                    alone = self.wrk(base, page, users=1, seconds=seconds)
                    self.loads.append((replace(page, label=f"{page.label}, one person"), alone, ceiling))
                    page = replace(page, budget_ms=None)  # and under the same load as every page, for the record
                result = self.wrk(base, page, users=users, seconds=seconds)
                if page.label == HEALTHZ:
                    ceiling = result
                self.loads.append((page, result, ceiling))
        finally:
            server.terminate()
            server.wait(timeout=20)

    def pages(self, national: Council) -> list[Page]:
        """The pages, each with a signed-in session of someone who uses it (checked to answer 200)."""
        derbyshire = Council.objects.get(slug="derbyshire")
        with scopes_disabled():
            people = {
                m.role: m.user
                for m in Membership.objects.filter(council=derbyshire, user__email__endswith="@derbyshire.example")
                .select_related("user")
                .order_by("role", "pk")
            }
            for person in people.values():
                _with_authenticator(person)  # as each would have set up at their first sign-in
            reviewer = people[Role.SERVICE_MANAGER]
            reviews = self.reviews_to_save(derbyshire, reviewer, count=max(1, self.users))
        section = reverse("audits:section", kwargs={"council_slug": "derbyshire", "review_pk": reviews[0].pk,
                                                    "kind": "ratings"})  # fmt: skip
        pages = [
            Page(HEALTHZ, "/healthz/", None, budget_ms=None),
            Page("Review section page (ratings)", section, reviewer, budget_ms=BUDGET_FORM_P95_MS),
            Page("Review section save (ratings)", section, reviewer, budget_ms=BUDGET_FORM_P95_MS, saves=reviews),
            # The same 20 people as they work: reading and typing a second on average between requests.
            Page("Review section page, 1 s think time", section, reviewer, budget_ms=BUDGET_FORM_P95_MS, think_ms=1000),
            Page("Review section save, 1 s think time", section, reviewer, budget_ms=BUDGET_FORM_P95_MS, saves=reviews,
                 think_ms=1000),
            Page("Authorisation queue", reverse("audits:authorisation_queue", args=["derbyshire"]),
                 people[Role.GROUP_MANAGER], budget_ms=None),
        ]  # fmt: skip
        for role, person in sorted(people.items()):
            pages.append(Page(f"Home page: {Role(role).label}", reverse("home", args=["derbyshire"]), person))
        leader = self.national_leader(national)
        dashboard = reverse("reporting:dashboard", args=[national.slug])
        this_month = timezone.localdate().replace(day=1)
        # The widest range the dashboard offers: three years back.
        widest = f"?start={add_months(this_month, -36):%Y-%m}&end={add_months(this_month, -1):%Y-%m}"

        # The national data's size as the label says it: "1M" for the full run, the count for a quick one.
        among = (
            f"{self.national_reviews / 1e6:.0f}M" if self.national_reviews >= 500_000 else f"{self.national_reviews:,}"
        )

        def report(label: str, path: str) -> Page:
            return Page(label, path, leader, budget_ms=BUDGET_DASHBOARD_MS, alone=True)

        pages += [
            Page(f"Home page: director, {national.name}", reverse("home", args=[national.slug]), leader),
            report(f"Dashboard, the last 12 months ({among} reviews)", dashboard),
            report(f"Dashboard, three years ({among} reviews)", dashboard + widest),
            report("Compliance page, this month", reverse("reporting:compliance", args=[national.slug])),
            # DESIGN.md's budget names dashboards and compliance; a download is measured, without one.
            replace(
                report("Export: compliance by team, CSV", dashboard + "?table=compliance-team&format=csv"),
                budget_ms=None,
            ),
            replace(
                report("Export: compliance by team, Excel", dashboard + "?table=compliance-team&format=xlsx"),
                budget_ms=None,
            ),
        ]
        return pages

    def reviews_to_save(self, council: Council, reviewer: User, count: int) -> list[Review]:
        """A Derbyshire PSR of a peer's case for each connection of the save load: people save their own."""
        psr = ReviewTemplate.objects.get(council=council, key="psr")
        own_team = Membership.objects.get(council=council, user=reviewer, role=Role.SERVICE_MANAGER).team_id
        cases = list(
            Case.objects.filter(council=council)
            .exclude(team_id=own_team)
            .exclude(responsible_manager=reviewer)
            .exclude(reviews__status__in=["not_started", "in_progress"])[200 : 200 + count]
        )
        with scope(council=council):
            return [
                services.review_start_own(council=council, template=psr, case=c, by=reviewer, kind="additional")
                for c in cases
            ]

    def national_leader(self, council: Council) -> User:
        """A director of one of the synthetic councils, with an authenticator app as the role requires."""
        with scopes_disabled():
            user, _created = User.objects.get_or_create(
                email=f"director@{council.slug}.synthetic.example",
                defaults={"first_name": "Bench", "last_name": "Director"},
            )
            Membership.objects.get_or_create(council=council, user=user, role=Role.DIRECTOR)
        return _with_authenticator(user)

    def wrk(self, base: str, page: Page, *, users: int, seconds: int) -> dict:
        url = base + page.path
        cookie = _session_cookie(page.user, url) if page.user else ""
        if page.saves:
            script, extra = WRK_DIR / "save.lua", self.save_arguments(base, page, cookie)
        else:
            script, extra = WRK_DIR / "report.lua", []
            answer = _fetch(url, cookie)
            if answer.status != 200:
                raise CommandError(
                    f"{page.label}: {page.path} answered {answer.status} ({answer.headers.get('Location', '')}),"
                    " not 200, before the load."
                )
        seconds *= 3 if page.think_ms else 1  # fewer requests a second: longer, for as many samples
        command = ["wrk", f"-t{users}", f"-c{users}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script), url]
        if cookie:
            command += ["-H", f"Cookie: {cookie}"]
        if extra:
            command += ["--", cookie, *extra]
        # Warm up (every worker process loads its code and connects), then measure.
        env = {**os.environ, "QAPORTAL_WRK_DIR": str(WRK_DIR), "QAPORTAL_WRK_THINK_MS": str(page.think_ms)}
        subprocess.run([*command[:3], "-d2s", *command[4:]], capture_output=True, check=True, env=env)
        if page.saves:
            time.sleep(1)  # saves the warm-up left in flight finish before the versions are read again
            extra = self.save_arguments(base, page, cookie)  # the versions moved on in the warm-up
            command = [*command[: command.index("--") + 2], *extra]
        done = subprocess.run(command, capture_output=True, text=True, check=True, env=env)
        return json.loads(done.stdout.strip().splitlines()[-1])

    def save_arguments(self, base: str, page: Page, cookie: str) -> list[str]:
        """For each connection: its review's section path, the form's CSRF token and the section's version
        as a page load gives them; then the form's fields, as a reviewer fills them in."""
        per_connection, fields = [], ""
        for review in page.saves or []:
            path = reverse("audits:section", kwargs={"council_slug": "derbyshire", "review_pk": review.pk,
                                                     "kind": "ratings"})  # fmt: skip
            html = _fetch(base + path, cookie).read().decode()
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
            version = re.search(r'name="section_version" value="(\d+)"', html).group(1)
            per_connection.append(f"{path}|{token}|{version}")
            fields = "&".join(
                f"rating_{pk}=G&evidence_{pk}=Evidence+in+the+case+record%2C+round+ROUND."
                for pk in re.findall(r'name="rating_(\d+)"', html)
            )
        return [*per_connection, fields]

    # --- PDFs ------------------------------------------------------------------------------------

    def review_pdf(self) -> None:
        with scopes_disabled():
            review = Review.objects.filter(status="authorised").select_related("council").order_by("pk").first()
        if review is None:
            raise CommandError("The demo has no authorised review to print.")
        run = self.render_in_child("review", "--council", review.council.slug, "--review", str(review.pk))
        self.rows.append(("Review PDF (PDF/UA), in its own process", run.summary(), "—", run.verdict()))

    def annual_report_pdf(self) -> None:
        run = self.render_in_child(
            "annual", "--council", REPORT_COUNCIL, "--start", self.report_start.isoformat(), "--narratives"
        )
        within = run.ok and run.seconds < BUDGET_ANNUAL_S and run.peak_mb < BUDGET_ANNUAL_MB
        self.rows.append(
            (
                f"Annual PDF report, {self.report_reviews} reviews, in its own process",
                run.summary(),
                f"< {BUDGET_ANNUAL_S} s, < {BUDGET_ANNUAL_MB} MB",
                run.verdict(within),
            )
        )

    def render_in_child(self, kind: str, *args: str) -> ChildRender:
        """Render one PDF in a fresh process (`python -m bench render …`): a process that loaded Django
        and the apps as a worker does, but holds none of this one's data set-up or load test. Its peak
        memory is its own `ru_maxrss` from `os.wait4` on that child alone (RUSAGE_CHILDREN would be the
        largest of every child so far, gunicorn's workers included)."""
        out = self.out_dir / f"bench-{kind}.pdf"
        stdout, stderr = self.out_dir / f"bench-{kind}.json", self.out_dir / f"bench-{kind}.log"
        argv = [sys.executable, "-m", "bench", "render", kind, "--out", str(out), *args]
        start = time.perf_counter()
        pid = os.posix_spawn(
            sys.executable,
            argv,
            os.environ,
            file_actions=[
                (os.POSIX_SPAWN_OPEN, 1, str(stdout), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
                (os.POSIX_SPAWN_OPEN, 2, str(stderr), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
            ],
        )
        _pid, status, usage = os.wait4(pid, 0)
        seconds = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        run = ChildRender(seconds=seconds, peak_kib=usage.ru_maxrss, exit_code=code)
        if code == 0:
            run.inner = json.loads(stdout.read_text())
            run.describe_pdf(out)
        else:
            log = stderr.read_text(errors="replace").strip().splitlines()
            run.error = log[-1] if log else f"exit code {code}"
            self.stderr.write(f"python -m bench render {kind} failed:\n" + "\n".join(log[-30:]))
        return run

    # --- scale -----------------------------------------------------------------------------------

    def national_data(self, councils: int, years: int) -> list[Council]:
        start = time.perf_counter()
        summary = load_synthetic(councils=councils, years=years, say=lambda line: None)
        with scopes_disabled():
            found = list(Council.objects.filter(slug__startswith="synthetic-").order_by("slug")[:councils])
            reviews = Review.objects.filter(council__in=found).count()
        self.national_reviews = reviews
        steps = ", ".join(f"{name.split(' (')[0]} {seconds:.0f} s" for name, seconds in summary.steps)
        took = time.perf_counter() - start
        self.rows.append(
            (
                f"Set-up: synthetic national data, {councils} councils x {years} years",
                f"{took:.0f} s for {reviews:,} reviews and all they hold ({steps})",
                f"< {BUDGET_SYNTHETIC_S // 60} min",
                "PASS" if took < BUDGET_SYNTHETIC_S else "FAIL",
            )
        )
        return found

    def monthly_run(self, councils: list[Council]) -> None:
        period = dt.date.today().replace(day=1) + dt.timedelta(days=400)
        period = period.replace(day=1)
        start = time.perf_counter()
        reports = run_month_for_all(period=period, councils=Council.objects.filter(pk__in=[c.pk for c in councils]))
        took = time.perf_counter() - start
        failed = [r for r in reports if r.error]
        self.rows.append(
            (
                f"Monthly run, {len(councils)} councils",
                f"{took:.1f} s ({sum(r.expected_created for r in reports)} expected reviews, "
                f"{sum(r.samples_created for r in reports)} samples, {len(failed)} failed)",
                f"< {BUDGET_MONTHLY_RUN_S} s",
                "PASS" if took < BUDGET_MONTHLY_RUN_S and not failed else "FAIL",
            )
        )

    def compliance_at_scale(self, councils: list[Council]) -> None:
        """Compliance for one council-month, four ways, straight from the selectors (no HTTP)."""
        council = councils[len(councils) // 2]
        with scopes_disabled():
            total = ExpectedReview.objects.count()
        month = add_months(timezone.localdate().replace(day=1), -30)
        timings = []
        for by in ["council", "team", "person", "group"]:
            with scope(council=council):
                start = time.perf_counter()
                compliance(council=council, period=month, by=by)
                timings.append(time.perf_counter() - start)
        worst = max(timings) * 1000
        self.rows.append(
            (
                f"Compliance for one council-month among {total:,} expected reviews (in-process)",
                f"worst {worst:.0f} ms over 4 groupings",
                f"< {BUDGET_COMPLIANCE_MS} ms",
                "PASS" if worst < BUDGET_COMPLIANCE_MS else "FAIL",
            )
        )

    def report(self) -> None:
        width = max(len(r[0]) for r in self.rows)
        self.stdout.write(
            f"\nQA Portal benchmark report ({_database()}, {os.cpu_count()} cores, "
            f"load average {self.load_at_start:.1f} at the start)\n"
        )
        for name, result, budget, verdict in self.rows:
            self.stdout.write(f"{name:<{width}}  {result}\n{'':<{width}}  budget: {budget} -> {verdict}")
        if not self.loads:
            return
        self.stdout.write(
            f"\nPages under load: {self.users} connections, closed loop, no think time unless the page says "
            f"(wrk, gunicorn {' '.join(self.gunicorn)}, on the same {os.cpu_count()} cores as PostgreSQL and wrk)\n"
        )
        width = max(len(page.label) for page, _r, _c in self.loads)
        head = f"{'page':<{width}}  {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'req/s':>7} {'vs ceiling':>10}  budget"
        self.stdout.write(head)
        self.stdout.write("-" * len(head))
        for page, result, ceiling in self.loads:
            rate = result["requests"] / result["seconds"]
            ratio = f"{rate / (ceiling['requests'] / ceiling['seconds']):.2f}" if ceiling else "—"
            p95 = result["p95"] / 1000
            if page.budget_ms is None:
                verdict = "—"
            else:
                within = p95 < page.budget_ms and not result["errors"]
                verdict = f"p95 < {page.budget_ms} ms -> {'PASS' if within else 'FAIL'}"
            errors = f" ({result['errors']} errors)" if result["errors"] else ""
            self.stdout.write(
                f"{page.label:<{width}}  {result['p50'] / 1000:7.0f} {p95:7.0f} {result['p99'] / 1000:7.0f} "
                f"{rate:7.0f} {ratio:>10}  {verdict}{errors}"
            )


@dataclass
class Page:
    label: str
    path: str
    user: User | None
    budget_ms: int | None = None
    saves: list[Review] | None = None  # the reviews whose section is saved, one per connection
    alone: bool = False  # its budget is for one person at a time (reports), not under the load
    think_ms: int = 0  # each connection's average pause between requests (0: none)


def _session_cookie(user: User, page: str) -> str:
    """A signed-in session for `user`, made in the database as signing in would, and the CSRF cookie
    the page gives a browser on its first visit, as a Cookie header."""
    client = Client()
    client.force_login(user)
    session = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    given = " ".join(_fetch(page, session).headers.get_all("Set-Cookie") or [])
    csrf = re.search(rf"{settings.CSRF_COOKIE_NAME}=([^;]+)", given)
    return f"{session}; {settings.CSRF_COOKIE_NAME}={csrf.group(1)}" if csrf else session


def _with_authenticator(user: User) -> User:
    """An authenticator app for `user`, which roles that read others' reviews must have to open any page."""
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, generate_totp_secret())
    return user


def _fetch(url: str, cookie: str):
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        return opener.open(request, timeout=60)
    except urllib.error.HTTPError as exc:
        return exc


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _wait_for(url: str) -> None:
    for _ in range(150):
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            time.sleep(0.2)
    raise CommandError(f"{url} did not answer.")
