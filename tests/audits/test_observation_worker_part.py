"""Coventry's practice observation is completed by two people (Coventry Practice Quality Assurance
Framework, Appendix 4): the observed worker writes Part 1 ("Worker completes boxes one and two before
observation ... box three after ... box four after reading the observer's report"), the observer
writes Part 2; and the supervision audit ends with the subject's own comments (Appendix 1)."""

from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.http import QueryDict

from audits.notifications import notify_worker_part
from audits.reviews import services
from audits.reviews.permissions import can_view_review
from audits.reviews.selectors import audits_with_your_part, review_in_council
from audits.sections import sections_of
from qaportal.fields import DateField
from qaportal.services import supervisor_set
from standards.models import ReviewTemplate
from tests.factories import TeamFactory


@pytest.fixture
def observation(load_council_catalogue, make_member):
    council = load_council_catalogue("coventry", "Coventry City Council")
    team = TeamFactory(council=council, name="Coventry North Locality Team")
    w = SimpleNamespace(council=council)
    w.worker = make_member(
        council, "practitioner", team=team, profession="social_worker", first_name="Priya", last_name="Shah"
    )
    w.observer = make_member(council, "senior_practitioner", team=team, first_name="Owen", last_name="Hart")
    w.colleague = make_member(council, "practitioner", team=team, profession="social_worker")
    supervisor_set(council=council, supervisee=w.worker, supervisor=w.observer)
    template = ReviewTemplate.objects.get(council=council, key="practice-observation")
    file = services.supervision_file_for(council=council, supervisee=w.worker)
    w.review = services.review_allocate(
        council=council, template=template, case=file, reviewer=w.observer, by=w.observer
    )
    w.parts = {s.kind: s for s in sections_of(w.review)}
    return w


def fresh(review):
    return review_in_council(council=review.council, pk=review.pk)


def save(review, kind, by, answers):
    section = next(s for s in sections_of(fresh(review)) if s.kind == kind)
    data = QueryDict(mutable=True)
    for name, field in section.form().fields.items():
        if isinstance(field, DateField):
            data.update({f"{name}_0": "2", f"{name}_1": "12", f"{name}_2": "2026"})
        elif name.startswith("answer_"):
            data[name] = answers
    state = next((s for s in fresh(review).section_states.all() if s.kind == kind), None)
    return services.section_save(
        review=fresh(review), kind=kind, data=data, base_version=state.version if state else 0, by=by
    )


def test_part_1_is_the_workers_and_part_2_the_observers(observation):
    w = observation
    assert list(w.parts)[:2] == ["worker_part", "questions"]
    assert w.parts["worker_part"].title == "Part 1: the worker's part"
    assert len(w.parts["worker_part"].form().fields) == 4  # boxes one to four
    # The observer's: the date, setting and their role (the form's header), the assessment and action plan.
    assert len(w.parts["questions"].form().fields) == 5
    with pytest.raises(PermissionDenied):
        save(w.review, "worker_part", w.observer, "The observer writing the worker's reflections")
    with pytest.raises(PermissionDenied):
        save(w.review, "questions", w.worker, "The worker assessing themselves")
    with pytest.raises(PermissionDenied):
        save(w.review, "worker_part", w.colleague, "Someone else entirely")


def test_the_observation_cannot_be_submitted_until_both_parts_are_written(observation):
    w = observation
    save(w.review, "questions", w.observer, "Warm, clear and respectful; agreed next steps with Mrs B.")
    with pytest.raises(services.SubmitBlocked) as blocked:
        services.review_submit(review=fresh(w.review), by=w.observer)
    assert any("Priya Shah has not yet answered 1.1" in p.message for p in blocked.value.problems)

    save(w.review, "worker_part", w.worker, "A visit to Mrs B at home to review her support plan.")
    services.review_submit(review=fresh(w.review), by=w.observer)
    review = fresh(w.review)
    assert review.status == "submitted"
    assert {a.answer for a in review.answers.all()} == {
        "2026-12-02",
        "A visit to Mrs B at home to review her support plan.",
        "Warm, clear and respectful; agreed next steps with Mrs B.",
    }
    # Each saved their own part: neither save wiped the other's answers.
    assert review.answers.count() == 9


def test_the_worker_is_asked_once_by_email_with_the_link_and_sees_it_on_their_home_page(observation):
    w = observation
    notify_worker_part.apply(args=[w.council.pk, w.review.pk, "Part 1"]).get()
    notify_worker_part.apply(args=[w.council.pk, w.review.pk, "Part 1"]).get()  # a retry sends nothing more
    (email,) = [m for m in mail.outbox if m.to == [w.worker.email]]
    assert email.subject == "Your part of a Practice observation with Owen Hart"
    assert f"/coventry/reviews/{w.review.pk}/sections/worker_part/" in email.body
    assert list(audits_with_your_part(council=w.council, user=w.worker)) == [w.review]
    assert not list(audits_with_your_part(council=w.council, user=w.colleague))
    # They read the whole observation, the observer's report included; a colleague does not.
    assert can_view_review(w.worker, fresh(w.review))
    assert not can_view_review(w.colleague, fresh(w.review))


def test_a_supervision_audits_subject_writes_their_own_comments(load_council_catalogue, make_member):
    # Appendix 1 ends "Subjects comments": the audited worker's own words, not the auditor's.
    council = load_council_catalogue("coventry", "Coventry City Council")
    team = TeamFactory(council=council)
    worker = make_member(council, "practitioner", team=team, profession="social_worker")
    supervisor = make_member(council, "senior_practitioner", team=team)
    line_manager = make_member(council, "service_manager", team=team)
    supervisor_set(council=council, supervisee=worker, supervisor=supervisor)
    supervisor_set(council=council, supervisee=supervisor, supervisor=line_manager)
    review = services.review_allocate(
        council=council,
        template=ReviewTemplate.objects.get(council=council, key="supervision-audit"),
        case=services.supervision_file_for(council=council, supervisee=worker),
        reviewer=line_manager,
        by=line_manager,
    )
    comments = next(s for s in sections_of(review) if s.kind == "subject_comments")
    assert comments.worker_completes
    data = QueryDict(mutable=True)
    data["text"] = "Supervision has helped me with a complex safeguarding case."
    with pytest.raises(PermissionDenied):
        services.section_save(review=fresh(review), kind="subject_comments", data=data, base_version=0, by=line_manager)
    services.section_save(review=fresh(review), kind="subject_comments", data=data, base_version=0, by=worker)
    assert fresh(review).texts.get(kind="subject_comments").text.startswith("Supervision has helped me")
