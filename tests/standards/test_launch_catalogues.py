"""The four launch councils' catalogues, checked against their own documents."""

import pytest

from standards.models import AnswerKind, Criterion, ReviewTemplate, Standard, TemplateVersion


def standards_of(council, key):
    version = TemplateVersion.objects.get(council=council, template__key=key, status="published")
    return list(Standard.objects.filter(version=version).order_by("order"))


def criteria_of(council, key):
    return list(
        Criterion.objects.filter(
            standard__version__template__key=key,
            standard__version__council=council,
            standard__version__status="published",
        ).order_by("standard__order", "order")
    )


def test_derbyshire_psr_and_spsr_have_six_standards_each_rated_on_the_three_point_scale(load_council_catalogue):
    derbyshire = load_council_catalogue("derbyshire")
    psr = standards_of(derbyshire, "psr")
    spsr = standards_of(derbyshire, "spsr")
    assert len(psr) == 6 and len(spsr) == 6
    assert psr[0].title == "We make connections and build relationships with people, parents, and carers."
    assert psr[5].title == "We record in a clear, relevant, accurate and proportionate way."
    assert spsr[0].title.startswith("Making Safeguarding Personal")
    version = TemplateVersion.objects.get(council=derbyshire, template__key="psr")
    assert [lv.label for lv in version.scale.levels.all()] == ["Outstanding", "Good", "Needs Further Work"]
    assert [lv.meets_standard for lv in version.scale.levels.all()] == [True, True, False]
    assert set(ReviewTemplate.objects.filter(council=derbyshire).values_list("key", flat=True)) == {
        "psr",
        "spsr",
        "amhp-psr",
        "practitioner-led-psr",
    }


def test_derbyshire_rules_are_in_the_templates(load_council_catalogue):
    derbyshire = load_council_catalogue("derbyshire")
    psr = TemplateVersion.objects.get(council=derbyshire, template__key="psr")
    spsr = TemplateVersion.objects.get(council=derbyshire, template__key="spsr")
    assert psr.delegable_to_roles == ["senior_practitioner"]
    assert spsr.completed_by_roles == ["service_manager"] and spsr.delegable_to_roles == []
    assert psr.requires_authorisation and spsr.requires_authorisation
    group = TemplateVersion.objects.get(council=derbyshire, template__key="practitioner-led-psr")
    assert group.completion == "group"
    qa_plan = psr.sections.get(kind="qa_plan")
    assert "What shouldn" in qa_plan.guidance


def test_somerset_has_one_audit_per_practice_standard_with_what_people_can_expect(load_council_catalogue):
    somerset = load_council_catalogue("somerset")
    templates = ReviewTemplate.objects.filter(council=somerset)
    assert templates.count() == 10
    for n in range(1, 11):
        (standard,) = standards_of(somerset, f"standard-{n}")
        assert standard.expectations, f"standard {n} has no 'what people can expect' statements"
        assert standard.criteria.exists(), f"standard {n} has no 'our standards' criteria"
    version = TemplateVersion.objects.get(council=somerset, template__key="standard-1")
    assert {"self", "peer"} <= set(version.review_kinds)


def test_lincolnshire_has_eight_quality_practice_assurance_standards_with_their_criteria(load_council_catalogue):
    lincolnshire = load_council_catalogue("lincolnshire")
    standards = standards_of(lincolnshire, "qpa-audit")
    assert len(standards) == 8
    assert all(s.criteria.count() >= 5 for s in standards)
    assert len(criteria_of(lincolnshire, "qpa-audit")) == 77


@pytest.mark.parametrize(
    "key, count",
    [
        ("practice-standards-audit", 20),
        ("therapy-audit", 20),
        ("supervision-audit", 11),
    ],
)
def test_coventry_audit_forms_have_the_appendices_question_counts(load_council_catalogue, key, count):
    coventry = load_council_catalogue("coventry")
    assert len(criteria_of(coventry, key)) == count


def test_coventry_supervision_audit_is_answered_yes_partly_no_with_comments(load_council_catalogue):
    coventry = load_council_catalogue("coventry")
    criteria = criteria_of(coventry, "supervision-audit")
    assert {c.answer_kind for c in criteria} == {AnswerKind.YES_PARTLY_NO}
    assert all(c.comment for c in criteria)
    version = TemplateVersion.objects.get(council=coventry, template__key="supervision-audit")
    assert {"general_comments", "actions", "subject_comments"} <= set(version.sections.values_list("kind", flat=True))


def test_coventry_practice_observation_has_a_worker_part_and_an_observer_part(load_council_catalogue):
    coventry = load_council_catalogue("coventry")
    parts = standards_of(coventry, "practice-observation")
    # Appendix 4's header ("Name and Role of Observer", "Date and Setting of Observation"), Part 1, Part 2.
    assert [p.answered_by for p in parts] == ["reviewer", "subject", "reviewer"]


def test_loading_a_catalogue_twice_publishes_nothing_new(load_council_catalogue):
    from django_scopes import scope

    from standards.catalogue_io import import_catalogue
    from tests.catalogues import catalogue_data

    derbyshire = load_council_catalogue("derbyshire")
    with scope(council=derbyshire):
        report = import_catalogue(council=derbyshire, data=catalogue_data("derbyshire"))
    assert report.published == []
    assert TemplateVersion.objects.filter(council=derbyshire).count() == 4


def test_wording_is_the_councils_own(load_council_catalogue):
    coventry = load_council_catalogue("coventry")
    assert (
        criteria_of(coventry, "supervision-audit")[0].text == "Is there an up to date supervision agreement in place?"
    )
    somerset = load_council_catalogue("somerset")
    (working_with_people,) = standards_of(somerset, "standard-1")
    assert working_with_people.title == "Working with people"
    assert "I feel fully involved in my social care conversations" in working_with_people.expectations[0]
    lincolnshire = load_council_catalogue("lincolnshire")
    assert criteria_of(lincolnshire, "qpa-audit")[0].text.startswith(
        "The person should always be given the opportunity to be seen on their own"
    )


@pytest.mark.parametrize("slug", ["derbyshire", "somerset", "lincolnshire", "coventry"])
def test_every_form_asks_for_the_overall_judgement_after_the_criteria_it_summarises(load_council_catalogue, slug):
    """Somerset's and Lincolnshire's audits rate each criterion, then the standard as a whole: the
    overall rating sums up the answers, so it comes after them; the summary is the last thing the
    reviewer writes, and only the group manager's authorisation follows it."""
    council = load_council_catalogue(slug)
    for version in TemplateVersion.objects.filter(council=council, status="published"):
        kinds = list(version.sections.values_list("kind", flat=True))
        if "ratings" in kinds and "questions" in kinds:
            assert kinds.index("questions") < kinds.index("ratings"), (version, kinds)
        ending = [k for k in kinds if k != "authorisation"]
        if "summary" in kinds:
            assert ending[-1] == "summary", (version, kinds)
        if "authorisation" in kinds:
            assert kinds[-1] == "authorisation", (version, kinds)


def test_somerset_audits_carry_what_people_in_somerset_want_as_guidance(load_council_catalogue):
    """Somerset Practice Quality Framework, each practice standard: "What people in Somerset want",
    and for standard 10 (Supervision) "What our staff and managers can expect", shown to the auditor
    as the questions' guidance."""
    somerset = load_council_catalogue("somerset")

    def guidance(n):
        version = TemplateVersion.objects.get(council=somerset, template__key=f"standard-{n}")
        return version.sections.get(kind="questions").guidance

    for n in range(1, 10):
        assert guidance(n).startswith("What people in Somerset want:"), n
    assert "“I want proper conversations – not box ticking/scripted”" in guidance(1)
    assert "“I worry what information is held about me and am concerned that it will be shared”" in guidance(2)
    assert guidance(10).startswith("What our staff and managers can expect:")
    assert "Regular supervision that has wellbeing at its core" in guidance(10)
