"""The best practice log and feedback coverage figures."""

import datetime as dt

import openpyxl
from django.utils import timezone

from audits.models import BestPracticeNotice, Review
from audits.reviews import services
from feedback.models import ContactAttempt
from feedback.selectors import feedback_coverage
from tests.audits.conftest import complete_psr


def test_best_practice_notices_are_marked_shared_and_exported(client, world):
    review = world.allocate()
    notice = BestPracticeNotice.objects.create(
        council=world.council,
        review=review,
        raised_by=world.service_manager,
        text="Lovely use of the person's own words throughout.",
    )
    client.force_login(world.quality)
    page = client.get("/derbyshire/feedback/best-practice/").content.decode()
    assert "Lovely use of the person&#x27;s own words" in page
    client.post(
        f"/derbyshire/feedback/best-practice/{notice.pk}/shared/",
        {"shared_at_0": "20", "shared_at_1": "11", "shared_at_2": "2026", "shared_how": "Practice Week"},
    )
    notice.refresh_from_db()
    assert (notice.shared_at, notice.shared_how) == (dt.date(2026, 11, 20), "Practice Week")
    csv = client.get("/derbyshire/feedback/best-practice/?format=csv").content.decode()
    assert "Lovely use of the person's own words throughout." in csv and "Practice Week" in csv
    xlsx = client.get("/derbyshire/feedback/best-practice/?format=xlsx")
    path = "/tmp/qaportal-best-practice.xlsx"
    open(path, "wb").write(xlsx.content)
    sheet = openpyxl.load_workbook(path).active
    assert sheet.cell(row=2, column=3).value == review.case.pin


def test_coverage_shares_by_team(world, make_member):
    from tests.factories import CaseFactory

    first = complete_psr(world.allocate(), world.service_manager)  # feedback from the person
    services.review_submit(review=first, by=world.service_manager)
    other_case = CaseFactory(council=world.council, team=world.chesterfield)
    second = complete_psr(world.allocate(case=other_case), world.service_manager)
    second.feedback.given_by, second.feedback.feedback = "", ""
    second.feedback.no_contact_reason, second.feedback.no_contact_detail = "unsafe", "Risk from a relative."
    second.feedback.save()
    for _ in range(2):
        ContactAttempt.objects.create(
            council=world.council,
            review=second,
            at=timezone.now(),
            contacted="person",
            method="phone",
            outcome="no_answer",
            recorded_by=world.service_manager,
        )
    services.review_submit(review=Review.objects.get(pk=second.pk), by=world.service_manager)
    (row,) = feedback_coverage(council=world.council, month=timezone.localdate())
    assert row["team"] == "Chesterfield Long Term Team" and row["reviews"] == 2
    assert (row["person_share"], row["reason_share"], row["none_share"]) == (50.0, 50.0, 0.0)
    assert row["average_attempts"] == 1.0
