"""The access log (issue: Scale, 5): who viewed or downloaded which review, report or feedback item,
and who exported which table, when — read and downloaded by the quality team, kept per the
council's own retention setting."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope

from audits.reviews.selectors import review_in_council, review_pdf_key
from feedback.models import PublicFeedback
from qaportal.access_log import tasks
from qaportal.access_log.services import access_log_purge, record_access
from qaportal.celery import app as celery_app
from qaportal.models import AccessRecord, Document
from qaportal.roles import Role
from tests.audits import conftest as audits_conftest
from tests.audits.conftest import complete_psr
from tests.conftest import activate_totp
from tests.factories import CouncilFactory, UserFactory

# Derbyshire with its catalogue, a case and the people around it: the review tests' own world.
world = audits_conftest.world


def _log_url(council_slug: str = "derbyshire", **query) -> str:
    url = reverse("access_log:index", kwargs={"council_slug": council_slug})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _records(council, **filters) -> list[AccessRecord]:
    return list(AccessRecord.objects.filter(council=council, **filters).order_by("at", "pk"))


@pytest.fixture
def submitted(world):
    """A PSR completed and submitted by the Erewash service manager (so others may read it)."""
    from audits.reviews import services

    with scope(council=world.council):
        review = complete_psr(world.allocate(), world.service_manager)
        services.review_submit(review=review, by=world.service_manager)
    return review


def _done_pdf(council, review, settings, tmp_path, key="x") -> Document:
    settings.MEDIA_ROOT = tmp_path
    document = Document(
        council=council,
        kind="review-pdf",
        key=key,
        title="PSR",
        params={"review_id": review.pk},
        status=Document.Status.DONE,
        filename="review.pdf",
    )
    document.file.save("review.pdf", ContentFile(b"%PDF-1.7 test"), save=False)
    document.save()
    return document


# --- what is recorded -------------------------------------------------------------------------------


def test_reading_a_review_records_exactly_who_what_and_when(client, world, submitted):
    client.force_login(world.quality)
    before = timezone.now()
    response = client.get(f"/derbyshire/reviews/{submitted.pk}/view/")
    after = timezone.now()
    assert response.status_code == 200
    (record,) = _records(world.council)
    assert record.user == world.quality
    assert record.action == "viewed" and record.kind == "review"
    assert record.object_id == str(submitted.pk)
    assert record.label == f"PSR review {submitted.pk}"
    assert before <= record.at <= after
    # Named by the review's number, never by the person it is about: erasing their case leaves nothing.
    assert world.case.pin not in record.label


def test_each_reading_is_a_record_of_its_own_and_by_whoever_read(client, world, submitted):
    for person in (world.quality, world.group_manager, world.quality):
        client.force_login(person)
        assert client.get(f"/derbyshire/reviews/{submitted.pk}/view/").status_code == 200
    assert [r.user for r in _records(world.council)] == [world.quality, world.group_manager, world.quality]


def test_a_review_someone_may_not_see_records_nothing(client, world):
    review = world.allocate()  # still with its reviewer: the worker on the case may not read it yet
    client.force_login(world.worker)
    assert client.get(f"/derbyshire/reviews/{review.pk}/view/").status_code == 403
    assert _records(world.council) == []


def test_downloading_a_review_pdf_records_a_download(client, world, submitted, settings, tmp_path):
    with scope(council=world.council):
        key = review_pdf_key(review_in_council(council=world.council, pk=submitted.pk))
    document = _done_pdf(world.council, submitted, settings, tmp_path, key=key)
    client.force_login(world.quality)
    response = client.get(f"/derbyshire/reviews/{submitted.pk}/pdf/{document.pk}/download/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    response = client.get(f"/derbyshire/reviews/{submitted.pk}/pdf/")  # the made PDF, handed out at once
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    records = _records(world.council)
    assert [(r.user, r.action, r.kind, r.object_id) for r in records] == [
        (world.quality, "downloaded", "review_pdf", str(submitted.pk)),
        (world.quality, "downloaded", "review_pdf", str(submitted.pk)),
    ]


def test_a_pdf_still_being_made_records_no_download(client, world, submitted):
    document = Document.objects.create(
        council=world.council, kind="review-pdf", key="y", title="PSR", params={"review_id": submitted.pk}
    )
    client.force_login(world.quality)
    response = client.get(f"/derbyshire/reviews/{submitted.pk}/pdf/{document.pk}/download/")
    assert response.status_code == 302
    assert _records(world.council) == []


def test_reading_a_report_records_which_report_and_period(client, world):
    client.force_login(world.quality)
    response = client.get("/derbyshire/reports/read/monthly/2026-01/")
    assert response.status_code == 200
    (record,) = _records(world.council)
    assert (record.user, record.action, record.kind, record.object_id) == (
        world.quality,
        "viewed",
        "report",
        "monthly/2026-01",
    )
    assert record.label == "Monthly compliance report: January 2026"


def test_downloading_a_report_records_the_run(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    document = Document(
        council=world.council,
        kind="reporting-report",
        key="monthly-2026-01",
        title="Monthly compliance report: January 2026",
        params={"kind": "monthly", "start": "2026-01-01"},
        status=Document.Status.DONE,
        filename="report.pdf",
    )
    document.file.save("report.pdf", ContentFile(b"%PDF-1.7 test"), save=False)
    document.save()
    client.force_login(world.quality)
    assert client.get(f"/derbyshire/reports/runs/{document.pk}/download/").status_code == 200
    (record,) = _records(world.council)
    assert (record.action, record.kind, record.object_id, record.label) == (
        "downloaded",
        "report_pdf",
        str(document.pk),
        "Monthly compliance report: January 2026",
    )


def test_reading_the_publics_feedback_records_its_reference_and_not_its_words(client, world):
    item = PublicFeedback.objects.create(
        council=world.council, feedback="My social worker was kind.", name="Ada Lovelace", contact="ada@example.org"
    )
    client.force_login(world.quality)
    assert client.get(f"/derbyshire/feedback/inbox/{item.pk}/").status_code == 200
    (record,) = _records(world.council)
    assert (record.user, record.action, record.kind, record.object_id) == (
        world.quality,
        "viewed",
        "feedback_item",
        str(item.pk),
    )
    assert record.label == f"Feedback {item.reference}"
    assert "Ada" not in record.label and "kind" not in record.label


@pytest.mark.parametrize(
    ("url", "label"),
    [
        ("/derbyshire/reports/compliance/?month=2026-01&format=csv", "derbyshire-compliance-2026-01-team.csv"),
        (
            "/derbyshire/reports/dashboard/?start=2026-01&end=2026-03&table=qa-actions&format=xlsx",
            "derbyshire-qa-actions-2026-01-to-2026-03.xlsx",
        ),
        ("/derbyshire/feedback/best-practice/?format=csv", "derbyshire-best-practice-log.csv"),
    ],
)
def test_every_table_downloaded_is_recorded_by_the_one_export_helper(client, world, url, label):
    client.force_login(world.quality)
    response = client.get(url)
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    (record,) = _records(world.council)
    assert (record.user, record.action, record.kind, record.label) == (world.quality, "exported", "export", label)


def test_recording_is_one_insert_and_no_reads(world, django_assert_num_queries):
    with django_assert_num_queries(1) as captured:
        record_access(
            council=world.council, by=world.quality, action="viewed", kind="review", object_id=1, label="PSR review 1"
        )
    assert captured.captured_queries[0]["sql"].startswith("INSERT")


# --- who reads the log --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.QUALITY_TEAM, 200),
        (Role.PRINCIPAL_SOCIAL_WORKER, 200),
        (Role.DIRECTOR, 200),
        (Role.STRATEGIC_MANAGER, 403),
        (Role.GROUP_MANAGER, 403),
        (Role.SERVICE_MANAGER, 403),
        (Role.PRACTITIONER, 403),
        (Role.MODERATOR, 403),
        (Role.COUNCIL_ADMIN, 403),
    ],
)
def test_only_those_who_read_every_review_read_the_log(client, world, make_member, role, status):
    person = activate_totp(make_member(world.council, role))
    client.force_login(person)
    assert client.get(_log_url()).status_code == status
    assert client.get(_log_url(format="csv")).status_code == status
    home = client.get("/derbyshire/").content.decode()
    assert (_log_url() in home) is (status == 200)  # the navigation offers it to them only


def test_the_quality_team_reads_the_log_filtered_by_person_kind_and_dates(client, world):
    now = timezone.now()

    def at(days_ago: int, user, kind: str, label: str) -> None:
        AccessRecord.objects.create(
            council=world.council,
            user=user,
            action="viewed",
            kind=kind,
            object_id="1",
            label=label,
            at=now - dt.timedelta(days=days_ago),
        )

    at(40, world.group_manager, "review", "Old review by the group manager")
    at(3, world.group_manager, "review", "Recent review by the group manager")
    at(2, world.moderator, "review", "Review by the moderator")
    at(1, world.group_manager, "report", "Report by the group manager")
    client.force_login(world.quality)

    def shown(**query) -> list[str]:
        response = client.get(_log_url(**query))
        assert response.status_code == 200
        return [record.label for record in response.context["page"].object_list]

    assert shown() == [
        "Report by the group manager",
        "Review by the moderator",
        "Recent review by the group manager",
        "Old review by the group manager",
    ]
    assert shown(person=world.moderator.pk) == ["Review by the moderator"]
    assert shown(person=world.group_manager.pk, kind="review") == [
        "Recent review by the group manager",
        "Old review by the group manager",
    ]
    start = timezone.localdate(now - dt.timedelta(days=10))
    end = timezone.localdate(now - dt.timedelta(days=2))
    assert shown(start_0=start.day, start_1=start.month, start_2=start.year) == [
        "Report by the group manager",
        "Review by the moderator",
        "Recent review by the group manager",
    ]
    assert shown(
        start_0=start.day, start_1=start.month, start_2=start.year, end_0=end.day, end_1=end.month, end_2=end.year
    ) == ["Review by the moderator", "Recent review by the group manager"]
    page = client.get(_log_url()).content.decode()
    assert "Recent review by the group manager" in page and "Records are kept for 730 days" in page


def test_filters_that_make_no_sense_are_told_not_obeyed(client, world):
    client.force_login(world.quality)
    response = client.get(_log_url(start_0=31, start_1=2, start_2=2026, kind="nonsense", person="x"))
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert client.get(_log_url(start_0=1, start_1=3, start_2=2026, end_0=1, end_1=2, end_2=2026)).status_code == 400


def test_the_log_is_paginated_and_reads_the_same_queries_however_long(client, world, django_assert_max_num_queries):
    client.force_login(world.quality)
    AccessRecord.objects.bulk_create(
        AccessRecord(council=world.council, user=world.group_manager, action="viewed", kind="review", label=f"r{i}")
        for i in range(120)
    )
    with django_assert_max_num_queries(14):
        response = client.get(_log_url())
    assert len(response.context["page"].object_list) == 50
    assert "Page 1 of 3" in response.content.decode()
    assert len(client.get(_log_url(page=3)).context["page"].object_list) == 20


def test_the_quality_team_downloads_the_log_as_csv_and_excel_and_that_is_recorded_too(client, world):
    AccessRecord.objects.create(
        council=world.council, user=world.group_manager, action="viewed", kind="review", object_id="7", label="PSR 7"
    )
    AccessRecord.objects.create(
        council=world.council, user=world.moderator, action="viewed", kind="report", object_id="x", label="Report"
    )
    client.force_login(world.quality)
    response = client.get(_log_url(person=world.group_manager.pk, format="csv"))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["When", "Person", "Email", "Action", "What", "Id", "Label"]
    assert [row[1:] for row in rows[1:]] == [
        [world.group_manager.get_full_name(), world.group_manager.email, "Viewed", "Review", "7", "PSR 7"]
    ]
    response = client.get(_log_url(format="xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == ["When", "Person", "Email", "Action", "What", "Id", "Label"]
    assert sheet.max_row == 4  # the two records and the CSV download just made
    exports = _records(world.council, kind="export")
    assert [(r.user, r.label) for r in exports] == [
        (world.quality, "derbyshire-access-log.csv"),
        (world.quality, "derbyshire-access-log.xlsx"),
    ]


def test_another_councils_records_never_appear(client, world, load_council_catalogue, make_member):
    somerset = load_council_catalogue("somerset", "Somerset Council")
    someone = make_member(somerset, Role.QUALITY_TEAM)
    AccessRecord.objects.create(
        council=somerset, user=someone, action="viewed", kind="review", object_id="1", label="Somerset secret"
    )
    AccessRecord.objects.create(
        council=world.council, user=world.group_manager, action="viewed", kind="review", label="Derbyshire own"
    )
    client.force_login(world.quality)
    page = client.get(_log_url()).content.decode()
    assert "Derbyshire own" in page and "Somerset secret" not in page
    assert "Somerset secret" not in client.get(_log_url(format="csv")).content.decode("utf-8-sig")
    # Filtering by a person of the other council is not a way in either.
    assert client.get(_log_url(person=someone.pk)).status_code == 400
    # And the other council's log is not there at all for a member of this one.
    assert client.get(_log_url("somerset")).status_code == 404


# --- retention ------------------------------------------------------------------------------------------


def test_retention_purges_only_what_is_older_than_the_councils_own_setting(world):
    short = CouncilFactory(slug="short", access_log_retention_days=30)
    now = timezone.now()
    for council in (world.council, short):
        for days in (10, 29, 31, 400, 729, 731):
            AccessRecord.objects.create(
                council=council,
                user=world.quality,
                action="viewed",
                kind="review",
                label=f"{days} days old",
                at=now - dt.timedelta(days=days),
            )
    with scope(council=short):
        assert access_log_purge(council=short, now=now, batch=2) == 4  # several batches
    with scope(council=world.council):
        assert access_log_purge(council=world.council, now=now) == 1  # kept 730 days, the default
    assert [r.label for r in _records(short)] == ["29 days old", "10 days old"]
    assert [r.label for r in _records(world.council)] == [
        "729 days old",
        "400 days old",
        "31 days old",
        "29 days old",
        "10 days old",
    ]


def test_the_nightly_purge_runs_for_every_council_in_its_own_scope(world, monkeypatch):
    inactive = CouncilFactory(slug="gone", is_active=False, access_log_retention_days=30)
    AccessRecord.objects.create(
        council=inactive,
        user=world.quality,
        action="viewed",
        kind="review",
        label="old",
        at=timezone.now() - dt.timedelta(days=31),
    )
    sent: list[int] = []
    monkeypatch.setattr(tasks.access_log_purge_council, "delay", sent.append)
    assert sorted(tasks.access_log_purge_all()) == sorted([world.council.pk, inactive.pk])
    assert sorted(sent) == sorted([world.council.pk, inactive.pk])
    assert tasks.access_log_purge_council(inactive.pk) == 1  # as the worker runs it: by id, scoped
    assert _records(inactive) == []


def test_the_purge_is_on_the_beat_schedule_and_known_to_the_worker():
    scheduled = {entry["task"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}
    assert "qaportal.access_log_purge" in scheduled
    assert {"qaportal.access_log_purge", "qaportal.access_log_purge_council"} <= set(celery_app.tasks)


def test_a_deleted_account_leaves_its_records_as_a_deleted_account(client, world):
    gone = UserFactory()
    AccessRecord.objects.create(council=world.council, user=gone, action="viewed", kind="review", label="PSR 9")
    gone.delete()
    client.force_login(world.quality)
    page = client.get(_log_url()).content.decode()
    assert "PSR 9" in page and "A deleted account" in page
