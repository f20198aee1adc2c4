"""A template is edited as a draft and published as a new version; published versions never change."""

import copy

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scope

from audits.models import Review
from standards import services
from standards.catalogue_io import CatalogueInvalid, export_catalogue, import_catalogue
from standards.models import Criterion, ReviewTemplate, Standard, TemplateVersion
from standards.selectors import current_version
from tests.catalogues import catalogue_data
from tests.factories import ReviewFactory, UserFactory


@pytest.fixture
def derbyshire(load_council_catalogue):
    return load_council_catalogue("derbyshire", "Derbyshire County Council")


@pytest.fixture
def psr(derbyshire):
    return ReviewTemplate.objects.get(council=derbyshire, key="psr")


def test_publishing_a_new_psr_version_leaves_reviews_started_on_the_old_version_unchanged(derbyshire, psr):
    version_1 = current_version(template=psr)
    review = ReviewFactory(council=derbyshire, template_version=version_1, status=Review.Status.IN_PROGRESS)
    editor = UserFactory()
    draft = services.draft_start(template=psr, by=editor)
    first = draft.standards.get(number="1")
    services.standard_save(
        version=draft,
        standard=first,
        number="1",
        title="We build trusting relationships.",
        description="",
        expectations=[],
        rated=True,
        answered_by="reviewer",
    )
    services.standard_save(
        version=draft,
        number="7",
        title="We work well with partners.",
        description="",
        expectations=[],
        rated=True,
        answered_by="reviewer",
    )
    services.version_publish(version=draft, by=editor)

    review.refresh_from_db()
    assert review.template_version == version_1
    assert [s.title for s in review.template_version.standards.order_by("order")][0] == (
        "We make connections and build relationships with people, parents, and carers."
    )
    assert review.template_version.standards.count() == 6
    assert current_version(template=psr) == draft
    assert draft.number == 2 and draft.standards.count() == 7


def test_a_published_version_cannot_be_edited(derbyshire, psr):
    published = current_version(template=psr)
    standard = published.standards.first()
    with pytest.raises(ValidationError, match="cannot be changed"):
        services.standard_save(
            version=published,
            standard=standard,
            number="1",
            title="Changed",
            description="",
            expectations=[],
            rated=True,
            answered_by="reviewer",
        )
    with pytest.raises(ValidationError, match="cannot be changed"):
        services.standard_delete(standard=standard)
    with pytest.raises(ValidationError, match="cannot be changed"):
        services.version_update_settings(version=published, guidance="Changed")
    with pytest.raises(ValidationError, match="cannot be changed"):
        services.standard_move(standard=standard, direction="down")
    standard.refresh_from_db()
    assert standard.title.startswith("We make connections")


def test_starting_a_draft_twice_gives_the_same_draft_and_copies_everything(derbyshire, psr):
    editor = UserFactory()
    draft = services.draft_start(template=psr, by=editor)
    assert services.draft_start(template=psr, by=editor) == draft
    published = current_version(template=psr)
    assert [s.title for s in draft.standards.all()] == [s.title for s in published.standards.all()]
    assert list(draft.sections.values_list("kind", "required")) == list(
        published.sections.values_list("kind", "required")
    )


def test_reordering_standards_in_a_draft(derbyshire, psr):
    draft = services.draft_start(template=psr, by=UserFactory())
    third = draft.standards.get(number="3")
    services.standard_move(standard=third, direction="up")
    assert list(draft.standards.order_by("order").values_list("number", flat=True)) == ["1", "3", "2", "4", "5", "6"]


def test_retiring_a_version_stops_new_reviews_on_it(derbyshire, psr):
    version_1 = current_version(template=psr)
    services.version_retire(version=version_1, by=UserFactory())
    assert current_version(template=psr) is None


def test_a_draft_with_problems_cannot_be_published(derbyshire):
    coventry_like = ReviewTemplate.objects.get(council=derbyshire, key="spsr")
    draft = services.draft_start(template=coventry_like, by=UserFactory())
    draft.standards.all().delete()
    with pytest.raises(ValidationError) as exc:
        services.version_publish(version=draft, by=UserFactory())
    assert 'Template "spsr": a template needs at least one standard' in exc.value.messages


# --- import and export ---------------------------------------------------------------------------


def test_a_catalogue_with_one_invalid_criterion_is_rejected_naming_it_and_nothing_changes(load_council_catalogue):
    lincolnshire = load_council_catalogue("lincolnshire")
    data = catalogue_data("lincolnshire")
    data["templates"][0]["standards"][0]["title"] = "A new title that must not be applied"
    bad = data["templates"][0]["standards"][2]["criteria"][3]
    bad["answer_kind"] = "stars"
    before = (TemplateVersion.objects.count(), Standard.objects.count(), Criterion.objects.count())

    with scope(council=lincolnshire), pytest.raises(CatalogueInvalid) as exc:
        import_catalogue(council=lincolnshire, data=data)

    assert exc.value.errors == [
        f'Template "qpa-audit" › standard 3 › criterion {bad["number"]}: answer kind "stars" is not one of '
        "rating, yes_partly_no, yes_no, text, date"
    ]
    assert (TemplateVersion.objects.count(), Standard.objects.count(), Criterion.objects.count()) == before
    assert not Standard.objects.filter(title="A new title that must not be applied").exists()


def test_an_empty_criterion_is_named_too(load_council_catalogue):
    coventry = load_council_catalogue("coventry")
    data = catalogue_data("coventry")
    data["templates"][2]["standards"][0]["criteria"][4]["text"] = "  "
    with scope(council=coventry), pytest.raises(CatalogueInvalid) as exc:
        import_catalogue(council=coventry, data=data)
    assert exc.value.errors == ['Template "supervision-audit" › standard 1 › criterion 5: the question text is empty']


def test_a_catalogue_for_another_council_is_refused(load_council_catalogue):
    derbyshire = load_council_catalogue("derbyshire")
    with scope(council=derbyshire), pytest.raises(CatalogueInvalid) as exc:
        import_catalogue(council=derbyshire, data=catalogue_data("somerset"))
    assert 'This catalogue is for "somerset"' in exc.value.errors[0]


def test_export_then_import_into_another_environment_gives_the_same_catalogue(load_council_catalogue):
    somerset = load_council_catalogue("somerset")
    with scope(council=somerset):
        exported = export_catalogue(council=somerset)
    # A fresh environment: the same council with nothing in it.
    TemplateVersion.objects.filter(council=somerset).delete()
    ReviewTemplate.objects.filter(council=somerset).delete()
    with scope(council=somerset):
        report = import_catalogue(council=somerset, data=copy.deepcopy(exported))
        again = export_catalogue(council=somerset)
    assert len(report.published) == 10
    assert again["templates"] == exported["templates"]
    assert again["scales"] == exported["scales"]


def test_changing_a_published_scales_levels_needs_a_new_key(load_council_catalogue):
    derbyshire = load_council_catalogue("derbyshire")
    data = catalogue_data("derbyshire")
    data["scales"][0]["levels"][2]["label"] = "Requires improvement"
    with scope(council=derbyshire), pytest.raises(CatalogueInvalid) as exc:
        import_catalogue(council=derbyshire, data=data)
    assert exc.value.errors == [
        'Scale "psr-rating": its levels differ from the scale published templates use; '
        "give the changed scale a new key."
    ]
