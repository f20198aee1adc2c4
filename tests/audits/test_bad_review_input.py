"""Whatever a request claims about a review form's rows, versions or text, the answer is a clear
error or a saved section — never a 500, never a draft that breaks the page."""

import time

import pytest
from django.urls import reverse

from audits.models import SectionDraft
from qaportal.fields import TEXT_LIMITS

from .conftest import qa_plan_data


def section_url(review, kind):
    return reverse("audits:section", kwargs={"council_slug": "derbyshire", "review_pk": review.pk, "kind": kind})


def autosave_url(review, kind):
    return reverse("audits:autosave", kwargs={"council_slug": "derbyshire", "review_pk": review.pk, "kind": kind})


@pytest.fixture
def editing(client, world):
    review = world.allocate()
    client.force_login(world.service_manager)
    return review


def test_row_numbers_in_field_names_are_not_trusted(client, editing):
    """`description_abc=x` used to 500, and autosaving it broke the page on every visit."""
    response = client.post(section_url(editing, "qa_plan"), {"section_version": "0", "description_abc": "x"})
    assert response.status_code in {200, 302}
    assert client.post(
        autosave_url(editing, "qa_plan"), {"section_version": "0", "description_abc": "x"}
    ).status_code in {
        200,
        400,
    }
    assert client.get(section_url(editing, "qa_plan")).status_code == 200


def test_a_huge_row_count_builds_no_more_than_the_limit_quickly(client, editing):
    """`description_20000=x` took 14.9 s and returned 46 MB."""
    data = {"section_version": "0", "save": "1", "action-TOTAL_FORMS": "20000", "action-INITIAL_FORMS": "0"}
    data["action-19999-description"] = "x"
    started = time.monotonic()
    response = client.post(section_url(editing, "qa_plan"), data)
    assert time.monotonic() - started < 5
    assert response.status_code == 200 and len(response.content) < 500_000
    assert "Please submit at most 20 forms" in response.content.decode() or "at most" in response.content.decode()
    assert not editing.qa_actions.exists()


def test_a_draft_that_could_not_be_shown_again_is_refused(client, editing):
    response = client.post(
        autosave_url(editing, "qa_plan"), {"section_version": "0", "action-TOTAL_FORMS": "abc", "x": "1"}
    )
    assert response.status_code in {200, 400}
    assert client.get(section_url(editing, "qa_plan")).status_code == 200


@pytest.mark.parametrize("version", ["abc", "99999999999999999999999", "-5", "1e9", ""])
def test_a_nonsense_section_version_keeps_the_input_as_a_conflict(client, editing, version):
    response = client.post(section_url(editing, "summary"), {"section_version": version, "save": "1", "text": "Kept"})
    assert response.status_code == 200
    assert "Kept" in response.content.decode()
    assert client.post(autosave_url(editing, "summary"), {"section_version": version, "text": "x"}).status_code == 200


def test_autosave_with_control_characters_is_refused_with_a_reason(client, editing):
    response = client.post(autosave_url(editing, "summary"), {"section_version": "0", "text": "bad\x00text"})
    assert response.status_code == 400 and "control characters" in response.json()["error"]
    assert not SectionDraft.objects.filter(review=editing).exists()


def test_saving_text_with_a_null_character_is_an_error_not_a_500(client, editing):
    response = client.post(section_url(editing, "summary"), {"section_version": "0", "save": "1", "text": "a\x00b"})
    assert response.status_code == 200 and "Remove the control characters" in response.content.decode()


def test_free_text_has_a_limit_with_a_character_count_and_too_much_is_explained(client, editing):
    limit = TEXT_LIMITS["very_long"]
    page = client.get(section_url(editing, "summary")).content.decode()
    assert 'data-module="govuk-character-count"' in page and f'data-maxlength="{limit}"' in page
    huge = "A long summary. " * 110_000  # 1.75 MB: its PDF took 19.8 s inside the web request
    response = client.post(section_url(editing, "summary"), {"section_version": "0", "save": "1", "text": huge})
    assert response.status_code == 200
    assert f"This must be {limit:,} characters or fewer" in response.content.decode()
    assert not editing.texts.exists()


def test_the_qa_plan_adds_one_action_at_a_time_and_removes_one_with_its_button(client, editing):
    data = {
        "section_version": "0",
        **qa_plan_data([("First", editing.case.responsible_worker, "1", "12", "2026")]),
        "add_row": "1",
    }
    response = client.post(section_url(editing, "qa_plan"), data)
    assert response.status_code == 302 and "add=1" in response.url
    page = client.get(response.url).content.decode()
    assert page.count('name="action-TOTAL_FORMS" value="2"') == 1, "one saved action and one blank"
    action = editing.qa_actions.get()
    data = {
        "section_version": "1",
        "action-TOTAL_FORMS": "2",
        "action-INITIAL_FORMS": "1",
        "action-0-id": str(action.pk),
        "action-0-description": "First",
        "action-0-owner": str(editing.case.responsible_worker_id),
        "action-0-due_date_0": "1",
        "action-0-due_date_1": "12",
        "action-0-due_date_2": "2026",
        "action-1-description": "Second",
        "action-1-owner": str(editing.case.responsible_worker_id),
        "action-0-DELETE": "on",
    }
    response = client.post(section_url(editing, "qa_plan"), data)
    assert response.status_code == 302
    assert list(editing.qa_actions.values_list("description", flat=True)) == ["Second"]
