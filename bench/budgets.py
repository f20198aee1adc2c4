"""Measure QA Portal against the budgets in DESIGN.md and print a report.

Run with `make bench` (`python -m bench` on a throwaway PostgreSQL cluster, files in var/bench/). Budgets are checked
here, never by timed assertions in the test suite:
- review form page and save: p95 under 150 ms with 20 concurrent users (gunicorn on this machine);
- the annual PDF report for a council with 600 reviews: under 20 s and 500 MB, rendered in a fresh process;
- compliance at 150 councils x 10 years of programme data: under 500 ms;
- the monthly run for 150 councils: under 60 s;
- a review PDF: time and peak memory (no budget).
"""

from __future__ import annotations

import datetime as dt
import http.cookiejar
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

import pikepdf
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from audits import demo_history
from audits.demo import load_cases
from audits.models import Case, ExpectedReview, Review
from audits.programme.loading import load_programme, programme_definition
from audits.programme.services import run_month_for_all
from audits.reviews import services
from qaportal import demo
from qaportal.calendar import add_months
from qaportal.models import Council, Membership, Team, User
from qaportal.roles import Role, TeamKind
from reporting.selectors import compliance
from standards.catalogue_io import CATALOGUES, import_catalogue
from standards.models import ReviewTemplate

BUDGET_FORM_P95_MS = 150
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
        parser.add_argument("--users", type=int, default=20)
        parser.add_argument(
            "--think",
            type=float,
            default=1.0,
            help="seconds each user pauses between requests, as people read and type (0: none)",
        )
        parser.add_argument("--requests", type=int, default=16, help="page loads and saves per user (first unmeasured)")

    def handle(self, *args, councils: int, years: int, users: int, requests: int, think: float, **options):
        self.think = think
        self.rows: list[tuple[str, str, str, str]] = []
        self.out_dir = Path(settings.VAR_DIR)
        # Other work on the machine skews every figure: the report says how busy it was to begin with.
        self.load_at_start = os.getloadavg()[0]
        self.demo_data()
        self.review_pdf()
        self.annual_report_pdf()
        self.form_under_load(users=users, rounds=requests)
        created = self.synthetic_councils(councils)
        self.monthly_run(created)
        self.compliance_at_scale(created, years)
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

    # --- review form under load ------------------------------------------------------------------

    def form_under_load(self, *, users: int, rounds: int) -> None:
        with scopes_disabled():
            council = Council.objects.get(slug="derbyshire")
            reviewer = User.objects.get(email=demo.demo_login_email("derbyshire", Role.SERVICE_MANAGER))
            psr = ReviewTemplate.objects.get(council=council, key="psr")
            own_team = Membership.objects.get(council=council, user=reviewer, role=Role.SERVICE_MANAGER).team_id
            cases = list(
                Case.objects.filter(council=council)
                .exclude(team_id=own_team)
                .exclude(responsible_manager=reviewer)[200 : 200 + users]
            )
            with scope(council=council):
                reviews = [
                    services.review_start_own(council=council, template=psr, case=c, by=reviewer, kind="additional")
                    for c in cases
                ]
        port = _free_port()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "qaportal.settings.local",
            "DJANGO_DEBUG": "false",
            **_database_env(),  # the database this process filled
        }
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "qaportal.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "3",
                "--threads",
                "4",
                "--log-level",
                "warning",
            ],
            env={**env, "DJANGO_SETTINGS_MODULE": "qaportal.settings.local"},
            cwd=settings.BASE_DIR,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(base + "/healthz/", timeout=1)
                    break
                except OSError:
                    time.sleep(0.2)
            page_times: list[float] = []
            save_times: list[float] = []
            lock = threading.Lock()

            errors: list[str] = []

            def signed_in():
                jar = http.cookiejar.CookieJar()
                opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
                login = opener.open(base + "/accounts/login/").read().decode()
                token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login).group(1)
                opener.open(
                    urllib.request.Request(
                        base + "/accounts/login/",
                        data=urllib.parse.urlencode(
                            {"csrfmiddlewaretoken": token, "login": reviewer.email, "password": demo.DEMO_PASSWORD}
                        ).encode(),
                        headers={"Referer": base + "/accounts/login/"},
                    )
                )
                return opener

            # Everyone signs in first (one after another, as people do), then all work at once.
            openers = [signed_in() for _ in reviews]

            def user(review: Review, opener) -> None:
                url = f"{base}/derbyshire/reviews/{review.pk}/sections/ratings/"
                for i in range(rounds):
                    time.sleep(self.think * random.random() * 2)  # an average of `think` seconds
                    start = time.perf_counter()
                    page = opener.open(url).read().decode()
                    took = time.perf_counter() - start
                    version = re.search(r'name="section_version" value="(\d+)"', page)
                    if version is None:
                        errors.append(page[:200])
                        continue
                    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
                    data = {"csrfmiddlewaretoken": token, "section_version": version.group(1), "save": "1"}
                    for pk in re.findall(r'name="rating_(\d+)"', page):
                        data[f"rating_{pk}"] = "G"
                        data[f"evidence_{pk}"] = f"Evidence, round {i}."
                    start = time.perf_counter()
                    opener.open(
                        urllib.request.Request(
                            url, data=urllib.parse.urlencode(data).encode(), headers={"Referer": url}
                        )
                    ).read()
                    if i == 0:
                        continue  # the first round warms the workers up; it is not measured
                    with lock:
                        page_times.append(took)
                        save_times.append(time.perf_counter() - start)

            with ThreadPoolExecutor(max_workers=users) as pool:
                list(pool.map(user, reviews, openers))
        finally:
            server.terminate()
            server.wait(timeout=10)
        for label, times in [("Review form page", page_times), ("Review form save (and redirect)", save_times)]:
            p95 = statistics.quantiles(times, n=20)[18] * 1000
            self.rows.append(
                (
                    label,
                    f"p95 {p95:.0f} ms, p50 {statistics.median(times) * 1000:.0f} ms "
                    f"({len(times)} requests, {users} concurrent users, think time {self.think:g} s, "
                    f"{len(errors)} errors)",
                    f"p95 < {BUDGET_FORM_P95_MS} ms",
                    "PASS" if p95 < BUDGET_FORM_P95_MS else "FAIL",
                )
            )

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

    def synthetic_councils(self, count: int) -> list[Council]:
        start = time.perf_counter()
        data = json.loads((CATALOGUES / "lincolnshire.json").read_text(encoding="utf-8"))

        password = User.objects.get(email=demo.demo_login_email("lincolnshire", Role.SERVICE_MANAGER)).password
        councils = []
        with scopes_disabled():
            existing = Council.objects.filter(slug__startswith="bench-").count()
            for n in range(existing, count):
                with transaction.atomic():
                    council = Council.objects.create(slug=f"bench-{n:03d}", name=f"Benchmark Council {n}")
                    teams = Team.objects.bulk_create(
                        Team(council=council, name=f"Team {t}", kind=TeamKind.LONG_TERM) for t in range(6)
                    )
                    people = User.objects.bulk_create(
                        User(email=f"p{t}.{n}@bench.example", password=password) for t in range(7)
                    )
                    Membership.objects.bulk_create(
                        [
                            Membership(council=council, user=people[t], role=Role.SERVICE_MANAGER, team=teams[t])
                            for t in range(6)
                        ]
                        + [
                            Membership(council=council, user=people[6], role=Role.GROUP_MANAGER, team=team)
                            for team in teams
                        ]
                    )
                    Case.objects.bulk_create(
                        Case(council=council, pin=f"{n:03d}{c:05d}", team=teams[c % 6]) for c in range(120)
                    )
                    data["council"] = council.slug
                    with scope(council=council):
                        import_catalogue(council=council, data=data)
                        load_programme(council, data={**programme_definition("lincolnshire"), "council": council.slug})
            councils = list(Council.objects.filter(slug__startswith="bench-").order_by("slug")[:count])
        self.rows.append((f"Set-up: {count} synthetic councils", f"{time.perf_counter() - start:.1f} s", "—", "set-up"))
        return councils

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

    def compliance_at_scale(self, councils: list[Council], years: int, per_year: int = 600) -> None:
        """Fill ~600 expected reviews a council a year for `years` years (about 1M rows for 150 councils)."""
        start = time.perf_counter()
        with scopes_disabled():
            for council in councils:
                if ExpectedReview.objects.filter(council=council, period__year__lt=2026).exists():
                    continue
                rule = council.programmes.get().rules.get()
                people = list(
                    Membership.objects.filter(council=council, role=Role.SERVICE_MANAGER).values_list(
                        "user_id", "team_id"
                    )
                )
                each = -(-per_year // (len(people) * 12))  # reviews per person a month, rounded up
                rows = [
                    ExpectedReview(
                        council=council,
                        rule=rule,
                        period=dt.date(2016 + m // 12, m % 12 + 1, 1),
                        number=number,
                        person_id=user_id,
                        team_id=team_id,
                        template_id=rule.template_id,
                        kind="mandatory",
                        due_date=dt.date(2016 + m // 12, m % 12 + 1, 28),
                    )
                    for m in range(years * 12)
                    for user_id, team_id in people
                    for number in range(1, each + 1)
                ]
                ExpectedReview.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
            total = ExpectedReview.objects.count()
        setup = time.perf_counter() - start
        council = councils[len(councils) // 2]
        timings = []
        for by in ["council", "team", "person", "group"]:
            with scope(council=council):
                start = time.perf_counter()
                compliance(council=council, period=dt.date(2020, 6, 1), by=by)
                timings.append(time.perf_counter() - start)
        worst = max(timings) * 1000
        self.rows.append(
            (
                f"Compliance for one council-month among {total:,} expected reviews",
                f"worst {worst:.0f} ms over 4 groupings (data set-up {setup:.0f} s)",
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
