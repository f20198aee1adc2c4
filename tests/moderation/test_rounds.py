"""A moderation round from verdict to outcome (issue: Moderation, 2–4): the panel member records a
verdict beside the read-only review; when the round closes the reviewer and their group manager
read it and are e-mailed once; a disagreement is discussed and settled with a final rating, and the
reviewer's own rating is never overwritten."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape

from audits.models import StandardRating
from moderation import services
from moderation.models import ModerationRound, StandardVerdict, Verdict
from moderation.tasks import send_outcomes

from .conftest import verdict_post


def url(name, council, **kwargs):
    return reverse(f"moderation:{name}", kwargs={"council_slug": council.slug, **kwargs})


def submit_verdict(client, m, assignment=None, **kwargs):
    assignment = assignment or m.mine
    client.force_login(assignment.moderator)
    return client.post(
        url("verdict", m.council, assignment_pk=assignment.pk), verdict_post(assignment, levels=m.levels, **kwargs)
    )


def test_the_moderator_reads_the_whole_review_beside_the_verdict_form(client, moderation):
    m = moderation
    client.force_login(m.w.moderator)
    page = client.get(url("verdict", m.council, assignment_pk=m.mine.pk)).content.decode()
    assert "Evidence for standard 1" in page and "A strengths-based assessment" in page  # the review, read-only
    assert "What is the quality of this review?" in page
    assert "Needs further work" in page  # Derbyshire's own words for the quality of a PSR
    assert page.count("Do you agree with the rating") == len(services.ratings_of(m.mine.review))


def test_submitting_asks_for_the_quality_feedback_and_why_each_rating_would_differ_keeping_what_was_typed(
    client, moderation
):
    m = moderation
    first = services.ratings_of(m.mine.review)[0]
    response = submit_verdict(
        client, m, quality="", feedback="", **{f"reason_{first.pk}": "", "practice": "Kept: practice notes"}
    )
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page
    assert "Enter your feedback to the reviewer" in page
    assert f"Enter why you would rate {first.standard.number} differently" in page
    assert "Kept: practice notes" in page  # nothing typed is lost
    assert not Verdict.objects.filter(council=m.council, assignment=m.mine).exists()  # an error writes nothing


def test_a_draft_saves_whatever_is_given_and_submitting_later_completes_it(client, moderation):
    m = moderation
    client.force_login(m.w.moderator)
    client.get(url("verdict", m.council, assignment_pk=m.mine.pk))
    assert not Verdict.objects.filter(council=m.council).exists()  # opening the form writes nothing
    response = submit_verdict(client, m, submit=False, feedback="", quality="")
    assert response.status_code == 302
    verdict = Verdict.objects.get(council=m.council, assignment=m.mine)
    assert verdict.status == "draft" and verdict.version == 1
    response = submit_verdict(client, m, version=1)
    assert response.status_code == 302
    verdict.refresh_from_db()
    assert verdict.status == "submitted" and verdict.quality == "good"


def test_a_save_from_a_second_tab_opened_before_the_first_saved_keeps_its_input_and_says_so(client, moderation):
    m = moderation
    submit_verdict(client, m, submit=False)  # the first tab saves: version 1
    response = submit_verdict(client, m, submit=False, version=0, feedback="Typed in the second tab")
    page = response.content.decode()
    assert "saved in another window after you opened this one" in page
    assert "Typed in the second tab" in page
    assert Verdict.objects.get(council=m.council, assignment=m.mine).feedback == "Clear evidence throughout."


def test_autosave_keeps_typing_apart_from_the_verdict_and_gives_it_back(client, moderation):
    m = moderation
    client.force_login(m.w.moderator)
    data = verdict_post(m.mine, levels=m.levels, submit=False, feedback="Half-written feedback")
    response = client.post(url("verdict_autosave", m.council, assignment_pk=m.mine.pk), data)
    assert response.status_code == 200 and "saved_at" in response.json()
    verdict = Verdict.objects.get(council=m.council, assignment=m.mine)
    assert verdict.feedback == "" and verdict.draft_data["feedback"] == ["Half-written feedback"]
    page = client.get(url("verdict", m.council, assignment_pk=m.mine.pk)).content.decode()
    assert "Your unsaved changes from" in page and "Half-written feedback" in page


def test_a_moderator_requesting_a_review_they_were_not_assigned_gets_404(client, moderation):
    m = moderation
    client.force_login(m.w.moderator)
    assert client.get(url("verdict", m.council, assignment_pk=m.theirs.pk)).status_code == 404
    assert client.post(url("verdict_autosave", m.council, assignment_pk=m.theirs.pk), {}).status_code == 404
    submit_verdict(client, m, assignment=m.theirs)
    client.force_login(m.w.moderator)
    theirs = Verdict.objects.get(council=m.council, assignment=m.theirs)
    assert client.get(url("outcome", m.council, verdict_pk=theirs.pk)).status_code == 404


def test_the_verdict_is_shared_when_the_round_closes_and_e_mailed_once_to_reviewer_and_group_manager(
    client, moderation, django_capture_on_commit_callbacks
):
    m = moderation
    submit_verdict(client, m)
    verdict = Verdict.objects.get(council=m.council, assignment=m.mine)
    client.force_login(m.w.service_manager)
    assert client.get(url("outcome", m.council, verdict_pk=verdict.pk)).status_code == 404  # not before closing

    with django_capture_on_commit_callbacks() as queued:
        services.round_close(moderation_round=m.round, by=m.w.quality)
    assert len(queued) == 1
    send_outcomes.apply(args=[m.council.pk, m.round.pk]).get()
    send_outcomes.apply(args=[m.council.pk, m.round.pk]).get()  # a retry sends nothing more
    for person in (m.w.service_manager, m.w.group_manager):
        (email,) = [e for e in mail.outbox if e.to == [person.email]]
        assert email.subject == f"Moderation feedback: {m.round.name}"
        assert f"/derbyshire/moderation/verdicts/{verdict.pk}/" in email.body
        assert "Clear evidence throughout" not in email.body  # a link, never the verdict itself
    assert not [e for e in mail.outbox if e.to == [m.w.other_gm.email]]

    page = client.get(url("outcome", m.council, verdict_pk=verdict.pk)).content.decode()
    assert "Clear evidence throughout." in page and "The moderator would rate it: Outstanding" in page
    home = client.get(reverse("home", kwargs={"council_slug": "derbyshire"})).content.decode()
    assert "Moderation feedback" in home and f"/moderation/verdicts/{verdict.pk}/" in home


def test_a_disagreement_is_discussed_and_settled_without_overwriting_either_rating(client, moderation):
    m = moderation
    submit_verdict(client, m)
    services.round_close(moderation_round=m.round, by=m.w.quality)
    verdict = Verdict.objects.get(council=m.council, assignment=m.mine)
    disagreement = StandardVerdict.objects.get(council=m.council, verdict=verdict, agrees=False)
    page_url = url("outcome", m.council, verdict_pk=verdict.pk)

    pk = disagreement.pk
    client.force_login(m.w.service_manager)
    response = client.post(page_url, {"action": f"comment-{pk}", f"c{pk}-text": ""})
    assert response.status_code == 400 and "There is a problem" in response.content.decode()
    client.post(page_url, {"action": f"comment-{pk}", f"c{pk}-text": "The carer declined."})
    response = client.post(page_url, {"action": f"resolve-{pk}", f"r{pk}-final_level": m.levels["O"].pk})
    assert response.status_code == 403  # only the quality team settles it

    client.force_login(m.w.quality)
    assert "1 disagreement" in client.get(url("rounds", m.council)).content.decode()
    response = client.post(page_url, {"action": f"resolve-{pk}", f"r{pk}-final_level": m.levels["G"].pk})
    assert "Enter" in response.content.decode() and response.status_code == 400  # why, kept with the rating
    response = client.post(
        page_url,
        {
            "action": f"resolve-{pk}",
            f"r{pk}-final_level": m.levels["G"].pk,
            f"r{pk}-resolution": "The carer declined to take part.",
        },
    )
    assert response.status_code == 302
    disagreement.refresh_from_db()
    reviewer_rating = StandardRating.objects.get(council=m.council, pk=disagreement.rating_id)
    assert (reviewer_rating.level.code, disagreement.level.code, disagreement.final_level.code) == ("G", "O", "G")
    with pytest.raises(ValidationError, match="resolved this disagreement first"):
        services.disagreement_resolve(standard_verdict=disagreement, level=m.levels["O"], note="Again", by=m.w.quality)
    assert "The carer declined." in client.get(page_url).content.decode()


def test_a_round_can_be_extended_cancelled_with_a_reason_or_closed_early_and_the_second_to_act_is_told(
    client, moderation
):
    m = moderation
    client.force_login(m.w.quality)
    later = m.round.closes_on + dt.timedelta(days=7)
    response = client.post(
        url("round_extend", m.council, round_pk=m.round.pk),
        {
            "closes_on_0": str(m.round.closes_on.day),
            "closes_on_1": str(m.round.closes_on.month),
            "closes_on_2": str(m.round.closes_on.year),
        },
    )
    assert "The new closing date must be after" in response.content.decode()
    client.post(
        url("round_extend", m.council, round_pk=m.round.pk),
        {"closes_on_0": str(later.day), "closes_on_1": str(later.month), "closes_on_2": str(later.year)},
    )
    m.round.refresh_from_db()
    assert m.round.closes_on == later

    response = client.post(url("round_cancel", m.council, round_pk=m.round.pk), {"reason": ""})
    assert "Enter why the round is cancelled" in response.content.decode() or response.status_code == 200
    client.post(url("round_cancel", m.council, round_pk=m.round.pk), {"reason": "Drawn from the wrong quarter."})
    m.round.refresh_from_db()
    assert (m.round.status, m.round.cancel_reason) == ("cancelled", "Drawn from the wrong quarter.")
    with pytest.raises(services.RoundNotOpen, match="was cancelled"):
        services.round_close(moderation_round=m.round, by=m.w.quality)
    response = client.post(url("round_close", m.council, round_pk=m.round.pk), follow=True)
    assert "This round was cancelled, so it can no longer be changed." in response.content.decode()
    client.force_login(m.w.moderator)
    assert client.get(url("verdict", m.council, assignment_pk=m.mine.pk)).status_code == 404


def test_a_review_left_unmoderated_when_its_round_closed_says_so(client, moderation):
    m = moderation
    services.round_close(moderation_round=m.round, by=m.w.quality, notify=False)
    client.force_login(m.w.moderator)
    page = client.get(url("verdict", m.council, assignment_pk=m.mine.pk)).content.decode()
    assert "The round closed before you recorded a verdict on this review." in page


def test_a_review_is_reassigned_with_its_reason_but_never_to_someone_involved_in_it(client, moderation, make_member):
    m = moderation
    stand_in = make_member(m.council, "moderator", email="stand-in@derbyshire.example")
    with pytest.raises(ValidationError, match="wrote, delegated, allocated or authorised"):
        services.assignment_reassign(assignment=m.mine, to=m.w.group_manager, reason="Away", by=m.w.quality)
    client.force_login(m.w.quality)
    response = client.post(url("reassign", m.council, assignment_pk=m.mine.pk), {"to": stand_in.pk, "reason": ""})
    assert "There is a problem" in response.content.decode()
    client.post(url("reassign", m.council, assignment_pk=m.mine.pk), {"to": stand_in.pk, "reason": "On leave"})
    m.mine.refresh_from_db()
    assert m.mine.moderator == stand_in
    change = m.mine.reassignments.get()
    assert (change.from_moderator, change.reason) == (m.w.moderator, "On leave")
    page = client.get(url("round", m.council, round_pk=m.round.pk)).content.decode()
    assert escape(f"Reassigned from {m.w.moderator}: On leave") in page


def test_only_the_quality_team_and_principal_social_worker_run_rounds(client, moderation):
    m = moderation
    for person in (m.w.moderator, m.w.service_manager, m.w.group_manager):
        client.force_login(person)
        assert client.get(url("rounds", m.council)).status_code == 403
        assert client.get(url("round", m.council, round_pk=m.round.pk)).status_code == 403


def test_the_quality_team_opens_a_round_on_the_page_and_sees_each_panel_members_progress(client, moderation):
    m = moderation
    client.force_login(m.w.quality)
    response = client.post(url("round_new", m.council), {"name": ""})
    assert response.status_code == 200 and "There is a problem" in response.content.decode()
    today = m.round.period_end
    start = today - dt.timedelta(days=90)
    closes = today + dt.timedelta(days=20)
    response = client.post(
        url("round_new", m.council),
        {
            "name": "Second look",
            "start_0": start.day,
            "start_1": start.month,
            "start_2": start.year,
            "end_0": today.day,
            "end_1": today.month,
            "end_2": today.year,
            "templates": ["psr"],
            "sample_rule": "percent",
            "amount": "100",
            "panel": [m.w.moderator.pk, m.second.pk],
            "closes_on_0": closes.day,
            "closes_on_1": closes.month,
            "closes_on_2": closes.year,
        },
    )
    assert response.status_code == 302
    opened = ModerationRound.objects.get(council=m.council, name="Second look")
    assert opened.assignments.count() == 2 and opened.opened_by == m.w.quality
    submit_verdict(client, m)
    client.force_login(m.w.quality)
    page = client.get(url("round", m.council, round_pk=m.round.pk)).content.decode()
    assert "Progress of the panel" in page and "Agreement in this round" in page
    home = client.get(reverse("home", kwargs={"council_slug": "derbyshire"})).content.decode()
    assert "1 of 2 verdicts submitted" in home
    # Progress per panel member (names as the page writes them: O'Donnell is O&#x27;Donnell).
    assert escape(f"{m.w.moderator}: 1 of 1") in home and escape(f"{m.second}: 0 of 1") in home


def test_the_round_report_shows_the_verdicts_agreement_themes_and_quotes(client, moderation):
    m = moderation
    theme = services.theme_add(council=m.council, name="Carers' voice")
    submit_verdict(client, m, themes=[theme.pk])
    client.force_login(m.w.quality)
    page = client.get(url("round_report", m.council, round_pk=m.round.pk)).content.decode()
    assert "Agreement with the ratings" in page and "Carers&#x27; voice: 1 review" in page
    assert "Practice on the case was strengths-based." in page
    assert "The carer&#x27;s voice runs right through" not in page  # reasons stay with the disagreement
    agreement = client.get(url("agreement", m.council) + "?by=reviewer").content.decode()
    assert "All moderated ratings" in agreement and str(m.w.service_manager.last_name) in agreement
