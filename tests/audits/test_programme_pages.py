"""Group managers allocate from their sample; the MI team's CSV is checked line by line; reminders
and digests go once; compliance adds up."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from audits.models import CaseSample, ExpectedReview, ProgrammeRun, Review, SampleCase
from audits.programme import services as programme
from audits.programme.notifications import notify_mi_team, send_council_digests, send_council_reminders
from audits.programme.selectors import allocation_choices
from qaportal.models import Council, Membership, Notification, User
from qaportal.selectors import teams_over
from reporting.selectors import compliance
from tests.conftest import demo_for_module

NOVEMBER = dt.date(2026, 11, 1)


def _november_only():
    for model in (ExpectedReview, SampleCase, CaseSample, ProgrammeRun):
        model.objects.all().delete()
    programme.run_month(council=Council.objects.get(slug="derbyshire"), period=NOVEMBER)


demo = demo_for_module(prepare=_november_only)


@pytest.fixture
def derbyshire(demo, db):
    return Council.objects.get(slug="derbyshire")


def gm(council):
    return User.objects.get(email=f"group.manager@{council.slug}.example")


def url(name, council, **kwargs):
    return reverse(f"audits:{name}", kwargs={"council_slug": council.slug, **kwargs})


def test_the_group_manager_allocates_one_sample_case_to_each_service_manager(
    client, derbyshire, django_assert_max_num_queries
):
    client.force_login(gm(derbyshire))
    with django_assert_max_num_queries(25):
        page = client.get(url("allocation", derbyshire) + "?month=2026-11").content.decode()
    expected = ExpectedReview.objects.filter(
        council=derbyshire,
        period=NOVEMBER,
        team__memberships__user=gm(derbyshire),
        team__memberships__role="group_manager",
    ).distinct()
    assert expected.count() == 3  # the three long-term service managers of the North area
    sample = CaseSample.objects.get(council=derbyshire, period=NOVEMBER, group_manager=gm(derbyshire))
    assert sample.cases.count() == 10
    target = expected.select_related("person").first()
    case = next(sc.case for sc in sample.cases.select_related("case") if sc.case.team_id != target.team_id)
    assert case.pin in page
    response = client.post(
        url("allocation", derbyshire) + "?month=2026-11", {"expected": target.pk, f"e{target.pk}-case": case.pk}
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.review.case == case and target.review.reviewer == target.person
    assert target.review.kind == "mandatory" and target.review.due_date == dt.date(2026, 11, 30)


def test_delegating_from_the_sample_page_uses_the_one_person_picker(client, derbyshire):
    """A PSR may be delegated to a senior practitioner: they are offered with the same picker as every
    other list of people, each named with their role and team."""
    december = dt.date(2026, 12, 1)
    programme.run_month(council=derbyshire, period=december)
    target = ExpectedReview.objects.filter(
        council=derbyshire,
        period=december,
        template__key="psr",
        team__memberships__user=gm(derbyshire),
        team__memberships__role="group_manager",
    ).first()
    assert target is not None, "December's programme asks this group manager's teams for no PSR"
    client.force_login(gm(derbyshire))
    page = client.get(url("allocation", derbyshire) + "?month=2026-12").content.decode()
    (delegate_list,) = re.findall(rf'<select[^>]*name="e{target.pk}-delegate"[^>]*>', page)
    assert "data-person-picker" in delegate_list
    senior = Membership.objects.filter(council=derbyshire, role="senior_practitioner").select_related("team").first()
    assert escape(f"{senior.user} – Senior practitioner, {senior.team.name}") in page


def test_allocating_a_case_from_the_reviewers_own_team_is_refused_with_the_reason(client, derbyshire):
    client.force_login(gm(derbyshire))
    target = ExpectedReview.objects.filter(
        council=derbyshire, period=NOVEMBER, template__key="spsr", team__memberships__user=gm(derbyshire)
    ).first()
    sample = CaseSample.objects.get(council=derbyshire, period=NOVEMBER, group_manager=gm(derbyshire))
    own = sample.cases.filter(case__team_id=target.team_id).first()
    assert own is not None
    # When the page is drawn, the case is not offered to this reviewer, and the reason is given.
    page = client.get(url("allocation", derbyshire) + "?month=2026-11").content.decode()
    card = page.split(f'name="expected" value="{target.pk}"')[1].split("govuk-summary-card__title-wrapper")[0]
    assert f'name="e{target.pk}-case" type="radio" value="{own.case_id}"' not in card
    reason = card.split(f'data-not-offered="{own.case.pin}"')[1].split("</div>")[0]
    # The case's own service manager is both responsible for it and in its team: peer review refuses both.
    assert "so cannot review it: reviews are by a peer." in reason or "the team that owns PIN" in reason
    # Sent anyway (an old page, a crafted post): refused on the server too.
    page = client.post(
        url("allocation", derbyshire) + "?month=2026-11", {"expected": target.pk, f"e{target.pk}-case": own.case_id}
    ).content.decode()
    assert "There is a problem" in page
    target.refresh_from_db()
    assert target.review is None


def test_a_sample_upload_with_a_bad_pin_applies_nothing_and_names_the_line(client, derbyshire, make_member):
    from tests.conftest import activate_totp

    quality = activate_totp(make_member(derbyshire, "quality_team"))
    client.force_login(quality)
    pins = list(derbyshire.cases.values_list("pin", flat=True)[:3])
    csv = (
        "group_manager_email,pin\n"
        f"group.manager@derbyshire.example,{pins[0]}\n"
        "group.manager@derbyshire.example,0000000\n"
        f"nobody@derbyshire.example,{pins[1]}\n"
    ).encode()
    before = SampleCase.objects.count()
    page = client.post(
        url("sample_upload", derbyshire),
        {"month": "2026-12", "file": SimpleUploadedFile("sample.csv", csv, content_type="text/csv")},
    ).content.decode()
    assert "Nothing was uploaded" in page
    assert "Line 3: There is no case with PIN &#x27;0000000&#x27;." in page
    assert "Line 4: &#x27;nobody@derbyshire.example&#x27; is not a group manager in this council." in page
    assert SampleCase.objects.count() == before
    assert not CaseSample.objects.filter(period=dt.date(2026, 12, 1)).exists()


def test_an_uploaded_case_reviewed_recently_is_marked_replaced_and_the_mi_team_told(
    derbyshire, django_capture_on_commit_callbacks
):
    manager = gm(derbyshire)
    recent = (
        Review.objects.filter(council=derbyshire, template_version__lookback_group="psr-spsr")
        .completed()
        .select_related("case")
        .first()
    )  # demo review, this month
    others = derbyshire.cases.exclude(pk=recent.case_id).values_list("pin", flat=True)[:9]
    csv = "group_manager_email,pin\n" + "".join(f"{manager.email},{pin}\n" for pin in [recent.case.pin, *others])
    with django_capture_on_commit_callbacks() as queued:
        result = programme.sample_upload_csv(
            council=derbyshire, period=dt.date(2026, 12, 1), data=csv.encode(), by=manager
        )
    assert not result.errors
    assert len(queued) == 2  # the group manager is told the sample is ready, and the MI team of the PIN replaced
    sample = CaseSample.objects.get(council=derbyshire, period=dt.date(2026, 12, 1), group_manager=manager)
    notify_mi_team.apply(args=[derbyshire.pk, sample.pk]).get()

    flagged = sample.cases.get(case=recent.case)
    assert flagged.reviewed_recently and flagged.mi_notified_at is not None
    # Derbyshire PSR/SPSR guidance: "another PIN must be allocated (from the list of 10)": the other nine
    # cover the group manager's service managers, so nothing more is drawn.
    assert sample.cases.count() == 10
    (email,) = [m for m in mail.outbox if m.to == ["mi.team@derbyshire.example"]]
    assert recent.case.pin in email.body


def test_reminders_and_overdue_notices_are_sent_once_each(derbyshire):
    expected = ExpectedReview.objects.filter(council=derbyshire, period=NOVEMBER).select_related("person").first()
    # 30 November 2026 is due; three working days before is 25 November.
    assert send_council_reminders.apply(args=[derbyshire.pk, "2026-11-25"]).get()["reminder"] > 0
    assert send_council_reminders.apply(args=[derbyshire.pk, "2026-11-25"]).get()["reminder"] == 0
    reminders = [m for m in mail.outbox if m.to == [expected.person.email] and "Reminder" in m.subject]
    assert len(reminders) == 1
    assert send_council_reminders.apply(args=[derbyshire.pk, "2026-12-01"]).get()["overdue"] > 0
    send_council_reminders.apply(args=[derbyshire.pk, "2026-12-02"]).get()
    overdue = [m for m in mail.outbox if m.to == [expected.person.email] and "Overdue" in m.subject]
    assert len(overdue) == 1
    assert (
        Notification.objects.filter(council=derbyshire, purpose="overdue", to=f"user:{expected.person.pk}").count() == 1
    )


def test_the_weekly_digest_goes_to_each_group_manager_once_a_week(derbyshire):
    first = send_council_digests.apply(args=[derbyshire.pk, "2026-11-23"]).get()
    assert first == 3
    assert send_council_digests.apply(args=[derbyshire.pk, "2026-11-24"]).get() == 0  # same week
    digest = next(m for m in mail.outbox if m.to == [gm(derbyshire).email])
    assert "not yet allocated" in digest.body


def test_people_see_their_due_and_overdue_work_on_their_home_page(client, derbyshire):
    somerset = Council.objects.get(slug="somerset")
    programme.run_month(council=somerset, period=NOVEMBER)
    practitioner = User.objects.get(email="practitioner@somerset.example")
    client.force_login(practitioner)
    page = client.get("/somerset/").content.decode()
    assert "Audits asked of you" in page and "Practice standard 3 audit" in page


def test_compliance_counts_expected_allocated_completed_and_overdue(derbyshire):
    target = ExpectedReview.objects.filter(council=derbyshire, period=NOVEMBER).first()
    rows = compliance(council=derbyshire, period=NOVEMBER, by="council", today=dt.date(2026, 12, 1))
    (row,) = rows
    assert row["expected"] == ExpectedReview.objects.filter(council=derbyshire, period=NOVEMBER).count()
    assert row["overdue"] == row["expected"] and row["allocated"] == 0
    review = Review.objects.filter(council=derbyshire).exclude(status="cancelled").first()
    target.review = review
    target.save()
    (row,) = compliance(council=derbyshire, period=NOVEMBER, by="council", today=dt.date(2026, 11, 2))
    assert row["allocated"] == 1 and row["overdue"] == 0
    by_team = compliance(council=derbyshire, period=NOVEMBER, by="team", today=timezone.localdate())
    assert sum(r["expected"] for r in by_team) == row["expected"]


def test_the_quality_team_adds_changes_and_removes_programme_rules(client, derbyshire, make_member):
    from audits.models import AuditProgramme, ProgrammeRule
    from standards.models import ReviewTemplate
    from tests.conftest import activate_totp

    client.force_login(activate_totp(make_member(derbyshire, "quality_team")))
    plan = AuditProgramme.objects.get(council=derbyshire)
    psr = ReviewTemplate.objects.get(council=derbyshire, key="psr")
    response = client.post(
        url("rule_add", derbyshire, programme_pk=plan.pk),
        {
            "name": "DoLS team: PSR",
            "template": psr.pk,
            "role": "service_manager",
            "team_kind": "dols",
            "months": ["3", "9"],
            "count": "1",
            "kind": "mandatory",
            "mode": "direct",
        },
    )
    assert response.status_code == 302
    rule = ProgrammeRule.objects.get(programme=plan, name="DoLS team: PSR")
    assert rule.months == [3, 9]
    page = client.post(
        url("rule_edit", derbyshire, rule_pk=rule.pk),
        {
            "name": "DoLS team: PSR",
            "template": psr.pk,
            "role": "service_manager",
            "team_kind": "dols",
            "months": [],
            "count": "1",
            "kind": "mandatory",
            "mode": "direct",
        },
    ).content.decode()
    assert "There is a problem" in page and 'value="DoLS team: PSR"' in page
    client.post(url("rule_delete", derbyshire, rule_pk=rule.pk))
    assert not ProgrammeRule.objects.filter(pk=rule.pk).exists()
    used = ExpectedReview.objects.filter(council=derbyshire).first().rule
    client.post(url("rule_delete", derbyshire, rule_pk=used.pk))
    assert ProgrammeRule.objects.filter(pk=used.pk).exists()  # kept for compliance history


def test_only_the_quality_team_changes_the_programme(client, derbyshire):
    client.force_login(gm(derbyshire))
    assert client.get(url("programme", derbyshire)).status_code == 403
    assert client.get(url("sample_upload", derbyshire)).status_code == 403


def test_directors_see_the_months_compliance_on_their_home_page(client, derbyshire, django_assert_max_num_queries):
    programme.run_month(council=derbyshire, period=timezone.localdate())  # whatever month the tests run in
    director = User.objects.get(email="director@derbyshire.example")
    client.force_login(director)
    with django_assert_max_num_queries(20):
        page = client.get("/derbyshire/").content.decode()
    assert "Reviews this month" in page
    expected = ExpectedReview.objects.filter(council=derbyshire, period=timezone.localdate().replace(day=1)).count()
    whole_council = " ".join(page.split("Whole council")[1].split("</tr>")[0].split())
    assert f'govuk-table__cell--numeric">{expected}</td>' in whole_council  # the first figure: expected
    assert whole_council.index(f">{expected}<") < whole_council.index("</td>")


def test_the_quality_team_changes_somersets_timetable(client, derbyshire, make_member):
    from audits.models import AuditProgramme
    from standards.models import ReviewTemplate
    from tests.conftest import activate_totp

    somerset = Council.objects.get(slug="somerset")
    client.force_login(activate_totp(make_member(somerset, "quality_team")))
    plan = AuditProgramme.objects.get(council=somerset)
    data = {f"month_{t.month}": str(t.template_id) for t in plan.timetable.all()}
    data["month_8"] = str(ReviewTemplate.objects.get(council=somerset, key="standard-8").pk)  # audit in August too
    data["month_9"] = ""  # and none in September
    assert client.post(url("timetable_edit", somerset, programme_pk=plan.pk), data).status_code == 302
    months = dict(plan.timetable.values_list("month", "template__key"))
    assert months[8] == "standard-8" and 9 not in months


def _upload(council, manager, pins, period=NOVEMBER):
    csv = "group_manager_email,pin\n" + "".join(f"{manager.email},{pin}\n" for pin in pins)
    return programme.sample_upload_csv(council=council, period=period, data=csv.encode(), by=manager)


def test_the_mi_teams_list_replaces_the_mornings_draw_until_allocation_starts_then_adds_to_it(derbyshire):
    """Derbyshire PSR/SPSR guidance: "10 PINs per group manager will be sourced from the Management
    Information team (MIT)". MIT's list is the primary source, even after the run has drawn a sample."""
    manager = gm(derbyshire)
    drawn = CaseSample.objects.get(council=derbyshire, period=NOVEMBER, group_manager=manager)
    assert drawn.source == "draw"
    recent = set(Review.objects.filter(council=derbyshire).values_list("case_id", flat=True))
    mit = list(
        derbyshire.cases.filter(team__in=drawn.cases.values("case__team"))
        .exclude(pk__in=drawn.cases.values("case_id"))
        .exclude(pk__in=recent)
        .values_list("pin", flat=True)[:12]
    )
    result = _upload(derbyshire, manager, mit[:10])
    assert not result.errors
    drawn.refresh_from_db()
    assert drawn.source == "upload"
    assert sorted(drawn.cases.values_list("case__pin", flat=True)) == sorted(mit[:10])  # replaced, not refused

    # Once a case has been allocated from it, a later list adds its new PINs and keeps what was allocated.
    expected = ExpectedReview.objects.filter(council=derbyshire, period=NOVEMBER, rule__mode="sample").first()
    choices = allocation_choices(council=derbyshire, expected=[expected], cases=[c.case for c in drawn.cases.all()])
    chosen = next(iter(choices[expected.pk].offered.values()))
    programme.expected_allocate(expected=expected, case=chosen, by=manager)
    assert not _upload(derbyshire, manager, [*mit[2:10], mit[10], mit[11]]).errors
    pins = list(drawn.cases.values_list("case__pin", flat=True))
    assert chosen.pin in pins and mit[10] in pins and mit[11] in pins and len(pins) == 12


def test_a_short_list_with_a_pin_reviewed_recently_is_topped_up_by_a_draw_only_for_the_shortfall(derbyshire):
    manager = gm(derbyshire)
    CaseSample.objects.filter(group_manager=manager).delete()
    recent = (
        Review.objects.filter(council=derbyshire, template_version__lookback_group="psr-spsr")
        .completed()
        .select_related("case")
        .first()
    )
    needed = ExpectedReview.objects.filter(
        council=derbyshire, period=NOVEMBER, rule__mode="sample", team__in=teams_over(council=derbyshire, user=manager)
    ).count()
    reviewed = Review.objects.filter(council=derbyshire).values("case_id")
    others = derbyshire.cases.exclude(pk__in=reviewed).values_list("pin", flat=True)[: needed - 1]
    assert not _upload(derbyshire, manager, [recent.case.pin, *others]).errors
    sample = CaseSample.objects.get(council=derbyshire, period=NOVEMBER, group_manager=manager)
    assert sample.cases.filter(reviewed_recently=False).count() == needed  # one drawn, no more
