"""The quality team browses, edits, previews, publishes, imports and exports the catalogue."""

import io
import json

import pytest
from django.urls import reverse

from standards.models import ReviewTemplate, Standard, TemplateVersion
from standards.selectors import current_version
from tests.catalogues import catalogue_data
from tests.conftest import activate_totp


@pytest.fixture
def derbyshire(load_council_catalogue):
    return load_council_catalogue("derbyshire", "Derbyshire County Council")


@pytest.fixture
def quality_team(derbyshire, make_member):
    return activate_totp(make_member(derbyshire, "quality_team"))


@pytest.fixture
def psr(derbyshire):
    return ReviewTemplate.objects.get(council=derbyshire, key="psr")


def url(name, council, **kwargs):
    return reverse(f"catalogue:{name}", kwargs={"council_slug": council.slug, **kwargs})


def test_quality_team_sees_every_template(client, quality_team, derbyshire, django_assert_max_num_queries):
    client.force_login(quality_team)
    with django_assert_max_num_queries(12):
        response = client.get(url("index", derbyshire))
    page = response.content.decode()
    for name in ["Practice Standard Review", "Safeguarding Practice Standard Review", "AMHP"]:
        assert name in page


def test_version_page_and_preview_have_a_constant_number_of_queries(
    client, quality_team, derbyshire, django_assert_max_num_queries, load_council_catalogue, make_member
):
    client.force_login(quality_team)
    psr_version = TemplateVersion.objects.get(council=derbyshire, template__key="psr")
    with django_assert_max_num_queries(16):
        client.get(url("version_detail", derbyshire, version_pk=psr_version.pk))
    with django_assert_max_num_queries(16):
        client.get(url("version_preview", derbyshire, version_pk=psr_version.pk))
    lincolnshire = load_council_catalogue("lincolnshire")
    client.force_login(activate_totp(make_member(lincolnshire, "quality_team")))
    big = TemplateVersion.objects.get(council=lincolnshire, template__key="qpa-audit")  # 8 standards, 77 questions
    with django_assert_max_num_queries(16):
        client.get(url("version_detail", lincolnshire, version_pk=big.pk))
    with django_assert_max_num_queries(16):
        response = client.get(url("version_preview", lincolnshire, version_pk=big.pk))
    assert response.status_code == 200


def test_preview_shows_the_form_as_a_reviewer_sees_it(client, quality_team, derbyshire, psr):
    client.force_login(quality_team)
    page = client.get(url("version_preview", derbyshire, version_pk=current_version(template=psr).pk)).content.decode()
    assert "We listen to people and understand what matters to them." in page
    assert page.count('type="radio"') == 6 * 3  # six standards, Outstanding / Good / Needs Further Work
    assert "Needs Further Work" in page
    assert "Quality Assurance Plan" in page


def test_editing_a_draft_and_publishing_it(client, quality_team, derbyshire, psr):
    client.force_login(quality_team)
    response = client.post(url("draft_start", derbyshire, template_pk=psr.pk))
    draft = TemplateVersion.objects.get(template=psr, status="draft")
    assert response.url == url("version_detail", derbyshire, version_pk=draft.pk)

    standard = draft.standards.get(number="2")
    client.post(
        url("standard_edit", derbyshire, standard_pk=standard.pk),
        {
            "number": "2",
            "title": "We listen to people.",
            "description": "",
            "expectations": "I am heard.\nI am seen.",
            "rated": "on",
            "answered_by": "reviewer",
        },
    )
    standard.refresh_from_db()
    assert standard.title == "We listen to people." and standard.expectations == ["I am heard.", "I am seen."]

    client.post(
        url("criterion_add", derbyshire, standard_pk=standard.pk),
        {
            "number": "2.1",
            "text": "Is the person's voice evident?",
            "answer_kind": "yes_partly_no",
            "comment": "on",
            "required": "on",
        },
    )
    assert standard.criteria.get().text == "Is the person's voice evident?"

    client.post(url("version_publish", derbyshire, version_pk=draft.pk))
    draft.refresh_from_db()
    assert draft.status == "published" and current_version(template=psr) == draft


def test_standard_form_keeps_input_when_the_number_clashes(client, quality_team, derbyshire, psr):
    client.force_login(quality_team)
    client.post(url("draft_start", derbyshire, template_pk=psr.pk))
    draft = TemplateVersion.objects.get(template=psr, status="draft")
    response = client.post(
        url("standard_add", derbyshire, version_pk=draft.pk),
        {"number": "3", "title": "A new standard I typed", "answered_by": "reviewer"},
    )
    page = response.content.decode()
    assert "Another standard already has the number 3." in page
    assert "A new standard I typed" in page
    assert draft.standards.count() == 6


def test_published_versions_have_no_edit_pages(client, quality_team, derbyshire, psr):
    client.force_login(quality_team)
    standard = current_version(template=psr).standards.first()
    response = client.post(
        url("standard_edit", derbyshire, standard_pk=standard.pk),
        {"number": "1", "title": "Sneaky change", "answered_by": "reviewer"},
    )
    assert "cannot be changed" in response.content.decode()
    standard.refresh_from_db()
    assert standard.title != "Sneaky change"


@pytest.mark.parametrize("role", ["council_admin", "service_manager", "practitioner"])
def test_other_roles_can_read_but_not_change_the_catalogue(client, derbyshire, make_member, psr, role):
    client.force_login(
        activate_totp(make_member(derbyshire, role, profession="social_worker" if role == "practitioner" else ""))
    )
    assert client.get(url("index", derbyshire)).status_code == 200
    assert client.post(url("draft_start", derbyshire, template_pk=psr.pk)).status_code == 403
    assert client.get(url("import", derbyshire)).status_code == 403
    assert not TemplateVersion.objects.filter(template=psr, status="draft").exists()


def test_export_downloads_the_current_catalogue_as_json(client, quality_team, derbyshire):
    client.force_login(quality_team)
    response = client.get(url("export", derbyshire))
    assert response["Content-Disposition"] == 'attachment; filename="derbyshire-catalogue.json"'
    data = json.loads(response.content)
    assert data["council"] == "derbyshire"
    assert {t["key"] for t in data["templates"]} == {"psr", "spsr", "amhp-psr", "practitioner-led-psr"}


def test_import_page_names_the_invalid_criterion_and_changes_nothing(client, derbyshire, quality_team):
    data = catalogue_data("derbyshire")
    data["templates"][1]["standards"][0]["criteria"] = [{"number": "1.1", "text": "", "answer_kind": "yes_no"}]
    before = Standard.objects.count()
    client.force_login(quality_team)
    upload = io.BytesIO(json.dumps(data).encode())
    upload.name = "catalogue.json"
    response = client.post(url("import", derbyshire), {"file": upload})
    page = response.content.decode()
    assert "Nothing was imported" in page
    assert "Template &quot;spsr&quot; › standard 1 › criterion 1.1: text is empty" in page
    assert Standard.objects.count() == before


def test_scales_are_added_with_line_by_line_checks(client, derbyshire, quality_team):
    client.force_login(quality_team)
    response = client.post(
        url("scale_list", derbyshire),
        {"name": "Met scale", "key": "met", "levels": "M | Met | 2 | yes\nN | Not met | x | no"},
    )
    assert "Line 2: the score must be a number" in response.content.decode()
    client.post(
        url("scale_list", derbyshire),
        {"name": "Met scale", "key": "met", "levels": "M | Met | 2 | yes\nN | Not met | 0 | no"},
    )
    from standards.models import RatingScale

    scale = RatingScale.objects.get(council=derbyshire, key="met")
    assert [lv.label for lv in scale.levels.all()] == ["Met", "Not met"]
