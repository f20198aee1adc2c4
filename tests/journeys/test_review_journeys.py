"""Reviews in the browser, end to end, with axe on every page a journey visits.

Derbyshire's PSR needs a group manager's authorisation (guidance v4). Coventry's supervision audit and
Somerset's standard audits have no manager sign-off in their documents, so their launch versions end at
submission; these journeys first publish a version that requires authorisation, as a council may."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from audits.reviews import services
from qaportal.models import User
from qaportal.services import supervisor_set
from standards.models import ReviewTemplate
from tests.factories import CaseFactory, TeamFactory

from .test_sign_in import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in_as(page, axe, email):
    sign_in(page, axe, email)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")


def sign_out(page):
    page.get_by_role("link", name="Sign out").click()
    page.get_by_role("button", name="Sign out").click()


def submit_from_check(page):
    """From the task list (or the check page itself): check the answers, then submit."""
    link = page.get_by_role("link", name="Check your answers and submit")
    if link.count():
        link.click()
    page.get_by_role("button", name="Submit the review").click()


def open_section(page, axe, name):
    page.get_by_role("link", name=name, exact=True).click()
    axe(page)


def derbyshire_psr(load_council_catalogue, make_member, pin="7654321"):
    council = load_council_catalogue("derbyshire", "Derbyshire County Council")
    owning, peer = (
        TeamFactory(council=council, name="Chesterfield LTT"),
        TeamFactory(council=council, name="Erewash LTT"),
    )
    reviewer = make_member(council, "service_manager", team=peer, email="sm@derbyshire.example")
    manager = make_member(council, "group_manager", team=owning, email="gm@derbyshire.example")
    # The case's worker, and an occupational therapist in the same team: QA plan actions are theirs.
    worker = make_member(
        council, "practitioner", team=owning, first_name="Sam", last_name="Carter", email="sam@derbyshire.example"
    )
    make_member(council, "practitioner", team=owning, first_name="Priya", last_name="Shah")
    case = CaseFactory(council=council, team=owning, pin=pin, responsible_worker=worker)
    review = services.review_allocate(
        council=council,
        template=ReviewTemplate.objects.get(council=council, key="psr"),
        case=case,
        reviewer=reviewer,
        by=manager,
    )
    return council, review


def choose_person(group, name):
    """The person picker: type part of their name, then choose them from the list."""
    group.get_by_role("combobox", name="Who will do it").fill(name.split()[-1])
    group.get_by_role("option", name=re.compile(f"^{name} – ")).click()


def fill_date(group, day, month, year):
    group.get_by_label("Day").fill(day)
    group.get_by_label("Month").fill(month)
    group.get_by_label("Year").fill(year)


def log_attempt(row, day, time, who, how, outcome):
    fill_date(row.get_by_role("group", name="Date"), day, "11", "2026")
    row.get_by_label("Time").fill(time)
    row.get_by_role("group", name="Who did you try to contact?").get_by_label(who).check()
    row.get_by_role("group", name="How?").get_by_label(how).check()
    row.get_by_role("group", name="What happened?").get_by_label(outcome).check()


def test_a_derbyshire_psr_goes_from_home_to_submitted_in_ten_page_loads(page, axe, load_council_catalogue, make_member):
    """Three contact attempts and two QA plan actions, each entered on one page, one of each changed
    and one removed in place; submitted through check your answers."""
    council, review = derbyshire_psr(load_council_catalogue, make_member)
    sign_in_as(page, axe, "sm@derbyshire.example")
    loads = []
    page.on("framenavigated", lambda frame: loads.append(frame.url) if frame == page.main_frame else None)

    page.get_by_role("link", name=re.compile("PSR of PIN 7654321")).first.click()
    axe(page)  # 1: the task list
    open_section(page, axe, "Ratings per standard")  # 2
    for n in range(1, 7):
        group = page.get_by_role("group", name=re.compile(rf"^{n}\. "))
        group.get_by_label("Good").check()
        group.get_by_label("Evidence for this rating").fill(f"Evidence for standard {n}.")
    page.get_by_role("button", name="Save and continue").click()
    axe(page)  # 3: the person's feedback, with one blank attempt to fill in
    attempts = page.locator("[data-add-another][data-prefix=attempt]")
    log_attempt(
        attempts.get_by_role("group", name="Contact attempt 1"), "2", "10:15", "The person", "Phone", "No answer"
    )
    attempts.get_by_role("button", name="Add another contact attempt").click()
    log_attempt(
        attempts.get_by_role("group", name="Contact attempt 2"), "3", "11:00", "The person", "Text message", "No answer"
    )
    attempts.get_by_role("button", name="Add another contact attempt").click()
    third = attempts.get_by_role("group", name="Contact attempt 3")
    log_attempt(third, "4", "09:30", "Their representative", "Phone", "Reached")
    # The second was a mistake (no text was sent): removed; the third's time is corrected.
    attempts.get_by_role("group", name="Contact attempt 2").get_by_role("button", name=re.compile("^Remove")).click()
    attempts.get_by_role("group", name="Contact attempt 2").get_by_label("Time").fill("09:45")
    axe(page)
    page.get_by_role("group", name="Who gave feedback?").get_by_label("Their representative").check()
    page.get_by_label("Their feedback, in their words").fill("Her daughter said the social worker really listened.")
    page.get_by_role("button", name="Save and continue").click()
    axe(page)  # 4: the QA plan
    actions = page.locator("[data-add-another][data-prefix=action]")
    first = actions.get_by_role("group", name="Action 1")
    first.get_by_label("Action", exact=True).fill("Update the care and support plan with the new outcomes.")
    choose_person(first, "Sam Carter")
    fill_date(first.get_by_role("group", name="Due by"), "18", "12", "2026")
    actions.get_by_role("button", name="Add another action").click()
    second = actions.get_by_role("group", name="Action 2")
    second.get_by_label("Action", exact=True).fill("Record the carer's assessment.")
    choose_person(second, "Sam Carter")
    fill_date(second.get_by_role("group", name="Due by"), "31", "12", "2026")
    actions.get_by_role("button", name="Add another action").click()
    actions.get_by_role("group", name="Action 3").get_by_label("Action", exact=True).fill("A duplicate")
    actions.get_by_role("group", name="Action 3").get_by_role("button", name=re.compile("^Remove")).click()
    choose_person(first, "Priya Shah")
    page.get_by_role("button", name="Save and continue").click()
    axe(page)  # 5: escalation (optional)
    page.get_by_role("button", name="Save and continue").click()
    axe(page)  # 6: best practice (optional)
    page.get_by_role("button", name="Save and continue").click()
    axe(page)  # 7: the summary
    page.get_by_label("Your summary of the review").fill("Good, person-centred work.")
    page.get_by_role("button", name="Save and check your answers").click()
    axe(page)  # 8: check your answers
    expect(page.locator("#view-feedback")).to_contain_text("09:45")
    expect(page.locator("#view-qa_plan")).to_contain_text("Priya Shah")
    page.get_by_role("button", name="Submit the review").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Review submitted")  # 9
    axe(page)
    assert len(loads) <= 10, loads
    attempts_saved = review.contact_attempts.order_by("at")
    assert [(a.method, timezone.localtime(a.at).strftime("%d %H:%M")) for a in attempts_saved] == [
        ("phone", "02 10:15"),
        ("phone", "04 09:45"),
    ]
    assert list(review.qa_actions.order_by("order").values_list("owner", flat=True)) == ["Priya Shah", "Sam Carter"]


def test_a_failed_submit_moves_focus_to_the_error_summary(page, axe, load_council_catalogue, make_member):
    """Screen reader users are told at once: GOV.UK Frontend focuses the error summary."""
    council, review = derbyshire_psr(load_council_catalogue, make_member)
    sign_in_as(page, axe, "sm@derbyshire.example")
    page.goto(f"/derbyshire/reviews/{review.pk}/sections/summary/")
    page.get_by_label("Your summary of the review").fill("Started.")
    page.get_by_role("button", name="Save and come back later").click()
    submit_from_check(page)
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile("^Error: "))
    axe(page)


def test_derbyshire_psr_over_two_sittings_returned_amended_and_authorised(
    page, axe, load_council_catalogue, make_member
):
    council, review = derbyshire_psr(load_council_catalogue, make_member)

    # First sitting: rate some standards, save and come back later.
    sign_in_as(page, axe, "sm@derbyshire.example")
    axe(page)
    page.get_by_role("link", name=re.compile("PSR of PIN 7654321")).first.click()
    axe(page)
    open_section(page, axe, "Ratings per standard")
    for n in range(1, 7):
        group = page.get_by_role("group", name=re.compile(rf"^{n}\. "))
        if n != 4:
            group.get_by_label("Good").check()
        group.get_by_label("Evidence for this rating").fill(f"Evidence for standard {n}.")
    page.get_by_role("button", name="Save and come back later").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Ratings per standard saved.")
    axe(page)
    sign_out(page)

    # Second sitting: the rest of the form.
    sign_in_as(page, axe, "sm@derbyshire.example")
    page.goto(f"/derbyshire/reviews/{review.pk}/")
    open_section(page, axe, "The person's feedback")
    log_attempt(page.get_by_role("group", name="Contact attempt 1"), "2", "10:15", "The person", "Phone", "Reached")
    page.get_by_role("group", name="Who gave feedback?").get_by_label("The person").check()
    page.get_by_label("Their feedback, in their words").fill("She said the social worker really listened.")
    page.get_by_role("button", name="Save and continue").click()
    axe(page)  # Quality Assurance Plan
    action = page.get_by_role("group", name="Action 1")
    action.get_by_label("Action", exact=True).fill("Update the care and support plan with the new outcomes.")
    choose_person(action, "Sam Carter")
    fill_date(action.get_by_role("group", name="Due by"), "18", "12", "2026")
    page.get_by_role("button", name="Save and continue").click()
    axe(page)  # Escalation (optional): skip it
    page.goto(f"/derbyshire/reviews/{review.pk}/sections/summary/")
    axe(page)
    page.get_by_label("Your summary of the review").fill("Good, person-centred work.")
    page.get_by_role("button", name="Save and check your answers").click()

    # Submitting with standard 4 unrated fails and says where; the link goes there and back.
    page.get_by_role("button", name="Submit the review").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Rate standard 4")
    axe(page)
    summary.get_by_role("link", name=re.compile("Rate standard 4")).click()
    page.get_by_role("group", name=re.compile(r"^4\. ")).get_by_label("Outstanding").check()
    page.get_by_role("button", name="Save and go back to check your answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers before submitting")
    submit_from_check(page)
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Review submitted")
    axe(page)
    sign_out(page)

    # The group manager returns it.
    sign_in_as(page, axe, "gm@derbyshire.example")
    page.get_by_role("link", name=re.compile("review waiting for you to authorise")).click()
    axe(page)
    page.get_by_role("link", name="7654321").click()
    expect(page.locator("main")).to_contain_text("Update the care and support plan with the new outcomes.")
    axe(page)
    page.get_by_label("Return it to the reviewer").check()
    page.get_by_role("button", name="Confirm decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say what the reviewer needs to change")
    axe(page)
    page.get_by_label("Comments").fill("Please say more about the carer's assessment in standard 5.")
    page.get_by_role("button", name="Confirm decision").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Review returned")
    sign_out(page)

    # The reviewer sees it at the top of their home page, amends and resubmits.
    sign_in_as(page, axe, "sm@derbyshire.example")
    expect(page.locator("#returned-reviews-title")).to_have_text("Returned to you")
    page.get_by_role("link", name=re.compile("PSR of PIN 7654321")).first.click()
    expect(page.locator("main")).to_contain_text("Please say more about the carer's assessment")
    axe(page)
    open_section(page, axe, "Ratings per standard")
    page.get_by_role("group", name=re.compile(r"^5\. ")).get_by_label("Evidence for this rating").fill(
        "The carer's assessment was completed and shared."
    )
    page.get_by_role("button", name="Save and continue").click()
    page.goto(f"/derbyshire/reviews/{review.pk}/")
    submit_from_check(page)
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Review submitted")
    sign_out(page)

    # The group manager authorises.
    sign_in_as(page, axe, "gm@derbyshire.example")
    page.goto(f"/derbyshire/reviews/{review.pk}/authorise/")
    page.get_by_label("Authorise the review").check()
    page.get_by_role("button", name="Confirm decision").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Review authorised")
    axe(page)
    review.refresh_from_db()
    assert review.status == "authorised"


def require_authorisation(template):
    """The quality team publishes a version that a group manager must authorise, as a council may choose
    (neither Coventry's nor Somerset's documents ask for it, so their launch versions do not)."""
    from standards import services as catalogue

    editor = User.objects.filter(is_superuser=False).first()
    draft = catalogue.draft_start(template=template, by=editor)
    sections = [{"kind": s.kind, "required": s.required, "guidance": s.guidance} for s in draft.sections.all()]
    catalogue.version_update_settings(
        version=draft, requires_authorisation=True, sections=[*sections, {"kind": "authorisation", "required": True}]
    )
    return catalogue.version_publish(version=draft, by=editor)


def return_amend_authorise(page, axe, council, review, reviewer, manager, amend):
    """The group manager returns the review; the reviewer amends and resubmits; the manager authorises."""
    sign_out(page)
    sign_in_as(page, axe, manager.email)
    page.goto(f"/{council.slug}/reviews/{review.pk}/authorise/")
    axe(page)
    page.get_by_label("Return it to the reviewer").check()
    page.get_by_label("Comments").fill("Please add what was agreed about next steps.")
    page.get_by_role("button", name="Confirm decision").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Review returned")
    sign_out(page)
    sign_in_as(page, axe, reviewer.email)
    expect(page.locator("#returned-reviews-title")).to_have_text("Returned to you")
    page.get_by_role("link", name=re.compile(f"of {re.escape(str(review.case))}")).first.click()
    expect(page.locator("main")).to_contain_text("Please add what was agreed about next steps.")
    axe(page)
    amend(page)
    page.goto(f"/{council.slug}/reviews/{review.pk}/")
    submit_from_check(page)
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Review submitted")
    sign_out(page)
    sign_in_as(page, axe, manager.email)
    page.goto(f"/{council.slug}/reviews/{review.pk}/authorise/")
    page.get_by_label("Authorise the review").check()
    page.get_by_role("button", name="Confirm decision").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Review authorised")
    axe(page)
    review.refresh_from_db()
    assert review.status == "authorised"


def review_of(council):
    from audits.models import Review

    return Review.objects.filter(council=council).latest("pk")


def _question_journey(page, axe, council, template_key, make_member, fill_answers, authorise):
    owning, peer = TeamFactory(council=council, name="Owning team"), TeamFactory(council=council, name="Peer team")
    reviewer = make_member(council, "service_manager", team=peer, email=f"rev@{council.slug}.example")
    manager = make_member(council, "group_manager", team=owning, email=f"gm@{council.slug}.example")
    template = ReviewTemplate.objects.get(council=council, key=template_key)
    version = require_authorisation(template) if authorise else template.versions.get()
    if version.subject == "supervisee":
        # Coventry: the reviewer audits the supervision records of a worker their supervisee supervises.
        worker = make_member(council, "practitioner", team=owning, profession="social_worker")
        supervisor = make_member(council, "senior_practitioner", team=owning)
        supervisor_set(council=council, supervisee=worker, supervisor=supervisor)
        supervisor_set(council=council, supervisee=supervisor, supervisor=reviewer)
        case = services.supervision_file_for(council=council, supervisee=worker)
    else:
        case = CaseFactory(council=council, team=owning, pin="5550001")

    review = services.review_allocate(
        council=council, template=template, case=case, reviewer=reviewer, by=manager, kind=version.review_kinds[0]
    )
    sign_in_as(page, axe, reviewer.email)
    page.goto(f"/{council.slug}/reviews/{review.pk}/")
    axe(page)
    fill_answers(page)
    # The second sitting: sign out, come back, carry on where they left off.
    sign_out(page)
    sign_in_as(page, axe, reviewer.email)
    page.get_by_role("link", name=re.compile(f"of {re.escape(str(case))}")).first.click()
    expect(page.locator(".govuk-task-list")).to_contain_text(re.compile("Completed|In progress"))
    submit_from_check(page)
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    axe(page)
    return review, reviewer, manager


def test_coventry_supervision_audit_answered_yes_partly_no(page, axe, load_council_catalogue, make_member):
    council = load_council_catalogue("coventry", "Coventry City Council")

    def answer(page, leave_last_blank=True):
        page.goto(f"/coventry/reviews/{review_of(council).pk}/sections/questions/")
        axe(page)
        groups = page.get_by_role("group").filter(has=page.get_by_label("Partly"))
        count = groups.count()
        assert count == 11
        for i in range(count - (1 if leave_last_blank else 0)):
            groups.nth(i).get_by_label("Partly" if i % 3 == 1 else "Yes").check()
        page.get_by_role("button", name="Save and continue").click()

    review, reviewer, manager = _question_journey(page, axe, council, "supervision-audit", make_member, answer, True)
    expect(page.locator(".govuk-error-summary")).to_contain_text("Answer question 11")
    answer(page, leave_last_blank=False)
    page.goto(f"/coventry/reviews/{review.pk}/sections/actions/")
    axe(page)
    page.get_by_label("Actions arising from this audit").fill("Agree a supervision agreement by January.")
    page.get_by_role("button", name=re.compile("Save")).first.click()
    page.goto(f"/coventry/reviews/{review.pk}/")
    submit_from_check(page)
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Review submitted")
    expect(page.locator("main")).to_contain_text("Partly")
    axe(page)

    def amend(page):
        page.goto(f"/coventry/reviews/{review.pk}/sections/actions/")
        page.get_by_label("Actions arising from this audit").fill(
            "Agree a supervision agreement by January; feedback to the supervisee in their next session."
        )
        page.get_by_role("button", name=re.compile("Save")).first.click()

    return_amend_authorise(page, axe, council, review, reviewer, manager, amend)


def test_a_coventry_observation_is_written_by_the_worker_and_the_observer_from_their_own_logins(
    page, axe, load_council_catalogue, make_member
):
    """Coventry Practice Quality Assurance Framework, Appendix 4: the worker completes Part 1 (boxes one
    to four), the observer Part 2; the observation cannot be submitted before both."""
    council = load_council_catalogue("coventry", "Coventry City Council")
    team = TeamFactory(council=council, name="Coventry North Locality Team")
    worker = make_member(
        council,
        "practitioner",
        team=team,
        profession="social_worker",
        email="priya@coventry.example",
        first_name="Priya",
        last_name="Shah",
    )
    observer = make_member(
        council, "senior_practitioner", team=team, email="owen@coventry.example", first_name="Owen", last_name="Hart"
    )
    supervisor_set(council=council, supervisee=worker, supervisor=observer)
    review = services.review_allocate(
        council=council,
        template=ReviewTemplate.objects.get(council=council, key="practice-observation"),
        case=services.supervision_file_for(council=council, supervisee=worker),
        reviewer=observer,
        by=observer,
    )

    sign_in_as(page, axe, observer.email)
    page.goto(f"/coventry/reviews/{review.pk}/")
    expect(page.locator(".govuk-task-list")).to_contain_text("Completed by Priya Shah, from their own login")
    expect(page.locator(".govuk-task-list")).to_contain_text("Waiting for the worker")
    axe(page)
    page.get_by_role("link", name="Questions").click()
    expect(page.get_by_label(re.compile("Reflections on the observed practice"))).to_have_count(0)
    page.get_by_label("Day").fill("2")
    page.get_by_label("Month").fill("12")
    page.get_by_label("Year").fill("2026")
    page.get_by_label(re.compile("Setting of observation")).fill("A home visit to Mrs B.")
    page.get_by_label(re.compile("Role of observer")).fill("Senior practitioner and supervisor")
    page.get_by_label(re.compile("Assessment of the workers capability")).fill(
        "Warm and clear with Mrs B; explained the options and checked she understood."
    )
    page.get_by_role("button", name="Save and continue").click()
    page.goto(f"/coventry/reviews/{review.pk}/")
    submit_from_check(page)
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Priya Shah has not yet answered 1.1")
    axe(page)
    sign_out(page)

    sign_in_as(page, axe, worker.email)
    expect(page.get_by_role("heading", name="Your part of an audit")).to_be_visible()
    page.get_by_role("link", name="Practice observation with Owen Hart").click()
    expect(page.locator("#view-questions")).to_contain_text("Warm and clear with Mrs B")  # the observer's report
    axe(page)
    page.get_by_role("link", name="Complete Part 1: the worker's part").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Part 1: the worker's part")
    axe(page)
    for label, text in [
        ("Brief background", "A review of Mrs B's support plan at her home."),
        ("Planning for intervention", "Owen would observe only; introduced as my supervisor."),
        ("Reflections on the observed practice", "I could have summarised the agreed actions sooner."),
        ("Critical reflection and professional development", "Training on strengths-based conversations."),
    ]:
        page.get_by_label(re.compile(label)).fill(text)
    page.get_by_role("button", name="Save your part").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("saved")
    expect(page.locator("#view-worker_part")).to_contain_text("Training on strengths-based conversations.")
    axe(page)
    sign_out(page)

    sign_in_as(page, axe, observer.email)
    page.goto(f"/coventry/reviews/{review.pk}/")
    expect(page.locator(".govuk-task-list")).not_to_contain_text("Waiting for the worker")
    submit_from_check(page)
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Review submitted")
    axe(page)
    review.refresh_from_db()
    assert review.status == "submitted"


def test_somerset_standard_audit(page, axe, load_council_catalogue, make_member):
    council = load_council_catalogue("somerset", "Somerset Council")

    def answer(page):
        # Each criterion first, then the standard as a whole: the overall rating sums them up.
        page.goto(f"/somerset/reviews/{review_of(council).pk}/sections/questions/")
        axe(page)
        for radio_group in page.get_by_role("group").filter(has=page.get_by_label("Partly met")).all():
            radio_group.get_by_label("Met", exact=True).check()
        page.get_by_role("button", name="Save and continue").click()
        expect(page).to_have_url(re.compile("/sections/ratings/"))
        axe(page)  # the overall rating page
        page.get_by_label("Met", exact=True).first.check()
        page.get_by_label("Evidence for this rating").fill("Seen alone, views recorded in her words.")
        page.get_by_role("button", name="Save and continue").click()

    review, reviewer, manager = _question_journey(page, axe, council, "standard-1", make_member, answer, True)
    expect(page.locator(".govuk-error-summary")).to_contain_text("Record the person's feedback")
    page.get_by_role("link", name=re.compile("Record the person's feedback")).click()
    page.get_by_label("Contact would be inappropriate").check()
    page.get_by_label("Explain why").fill("She is in hospital receiving end of life care.")
    page.get_by_role("button", name="Save and go back to check your answers").click()
    page.goto(f"/somerset/reviews/{review.pk}/sections/summary/")
    page.get_by_label("Your summary of the review").fill("Met throughout.")
    page.get_by_role("button", name=re.compile("Save")).first.click()
    # Somerset's methodology 2b: involve the allocated worker, or agree a date to feed back to them.
    page.goto(f"/somerset/reviews/{review.pk}/sections/worker_involvement/")
    axe(page)
    page.get_by_label("A date is agreed to feed back to them").check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the date agreed to feed back to the worker")
    page.get_by_label("Day").fill("14")
    page.get_by_label("Month").fill("12")
    page.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Save and continue").click()
    page.goto(f"/somerset/reviews/{review.pk}/")
    submit_from_check(page)
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Review submitted")
    axe(page)

    def amend(page):
        page.goto(f"/somerset/reviews/{review.pk}/sections/summary/")
        page.get_by_label("Your summary of the review").fill("Met throughout; next steps agreed with her daughter.")
        page.get_by_role("button", name=re.compile("Save")).first.click()

    return_amend_authorise(page, axe, council, review, reviewer, manager, amend)


def test_the_owner_marks_a_qa_plan_action_done_and_the_group_manager_sees_it_before_authorising(
    page, axe, load_council_catalogue, make_member
):
    """Derbyshire PSR/SPSR practice guidance, "Mosaic": the group manager should "identify any actions,
    and once assured these actions are being responded to, authorise". The action's owner answers it
    from their home page; the authorise page shows its status."""
    from tests.audits.conftest import complete_psr

    council, review = derbyshire_psr(load_council_catalogue, make_member)
    review = complete_psr(review, review.reviewer)  # one action, owned by the case's worker, Sam Carter
    services.review_submit(review=review, by=review.reviewer)

    sign_in_as(page, axe, "sam@derbyshire.example")
    expect(page.get_by_role("heading", name="QA plan actions for you")).to_be_visible()
    page.get_by_role("link", name=re.compile("Mark as done")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("QA plan action 1")
    axe(page)
    page.get_by_role("button", name="Save").click()  # nothing chosen: told what to do
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose whether the action is done or not needed")
    page.get_by_label("Yes, it is done").check()
    page.get_by_label("What was done, or why it is not needed").fill("Plan reviewed with her on 2 December.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("QA plan action for PIN 7654321")
    expect(page.get_by_text("You have no open QA plan actions.")).to_be_visible()
    axe(page)
    sign_out(page)

    sign_in_as(page, axe, "gm@derbyshire.example")
    page.goto(f"/derbyshire/reviews/{review.pk}/authorise/")
    actions = page.locator("#view-qa_plan")
    expect(actions).to_contain_text("Done")
    expect(actions).to_contain_text("by Sam Carter: Plan reviewed with her on 2 December.")
    axe(page)
