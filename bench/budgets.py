"""Measure QA Portal against the budgets in DESIGN.md and print a report.

Run with `make bench` (`python -m bench`; a throwaway SQLite database in var/bench/). Budgets are checked here, never by
timed assertions in the test suite:
- review form page and save: p95 under 150 ms with 20 concurrent users (gunicorn on this machine);
- compliance at 150 councils x 10 years of programme data: under 500 ms;
- the monthly run for 150 councils: under 60 s;
- a review PDF: time and peak memory (the annual report belongs to the Reporting work, not yet built).
"""

from __future__ import annotations

import datetime as dt
import http.cookiejar
import json
import os
import random
import re
import resource
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django_scopes import scope, scopes_disabled

from audits.models import Case, ExpectedReview, Review
from audits.programme.loading import load_programme, programme_definition
from audits.programme.services import run_month_for_all
from audits.reviews import services
from audits.reviews.pdf import review_pdf_bytes
from audits.reviews.selectors import review_in_council
from qaportal import demo
from qaportal.models import Council, Membership, Team, User
from qaportal.roles import Role, TeamKind
from reporting.selectors import compliance
from standards.catalogue_io import CATALOGUES, import_catalogue
from standards.models import ReviewTemplate

BUDGET_FORM_P95_MS = 150
BUDGET_COMPLIANCE_MS = 500
BUDGET_MONTHLY_RUN_S = 60


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
        call_command("load_demo", stdout=open(os.devnull, "w"))
        self.form_under_load(users=users, rounds=requests)
        self.review_pdf()
        created = self.synthetic_councils(councils)
        self.monthly_run(created)
        self.compliance_at_scale(created, years)
        self.report()

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
            "QAPORTAL_SQLITE_PATH": settings.DATABASES["default"]["NAME"],
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
                    "met" if p95 < BUDGET_FORM_P95_MS else "NOT MET",
                )
            )

    # --- PDFs ------------------------------------------------------------------------------------

    def review_pdf(self) -> None:
        with scopes_disabled():
            review = Review.objects.filter(status="authorised").select_related("council", "authorised_by").first()
            council = review.council
        with scope(council=council):
            review = review_in_council(council=council, pk=review.pk)
            before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            start = time.perf_counter()
            pdf = review_pdf_bytes(review)
            took = time.perf_counter() - start
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        self.rows.append(
            (
                "Review PDF (PDF/UA)",
                f"{took:.2f} s, {len(pdf) // 1024} KB, process peak {peak // 1024} MB (+{(peak - before) // 1024} MB)",
                "—",
                "measured",
            )
        )
        self.rows.append(
            ("Annual PDF report, 600 reviews", "not built yet (the Reporting work)", "< 20 s, < 500 MB", "not measured")
        )

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
                "met" if took < BUDGET_MONTHLY_RUN_S and not failed else "NOT MET",
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
                "met" if worst < BUDGET_COMPLIANCE_MS else "NOT MET",
            )
        )

    def report(self) -> None:
        width = max(len(r[0]) for r in self.rows)
        self.stdout.write(
            "\nQA Portal benchmark report ("
            + Path(settings.DATABASES["default"]["NAME"]).name
            + f", {os.cpu_count()} cores)\n"
        )
        for name, result, budget, verdict in self.rows:
            self.stdout.write(f"{name:<{width}}  {result}\n{'':<{width}}  budget: {budget} -> {verdict}")
