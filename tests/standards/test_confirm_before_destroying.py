"""What cannot be undone asks first (GOV.UK "are you sure"): discarding a draft, retiring a version,
removing a standard or a question. The page's button only leads to the question; the POST acts."""

import pytest
from django.urls import reverse

from standards import services
from standards.models import Criterion, ReviewTemplate, Standard, TemplateVersion
from standards.selectors import current_version
from tests.conftest import activate_totp


@pytest.fixture
def draft(load_council_catalogue, make_member):
    council = load_council_catalogue("derbyshire", "Derbyshire County Council")
    editor = activate_totp(make_member(council, "quality_team"))
    psr = ReviewTemplate.objects.get(council=council, key="psr")
    return editor, services.draft_start(template=psr, by=editor)


def url(name, **kwargs):
    return reverse(f"catalogue:{name}", kwargs={"council_slug": "derbyshire", **kwargs})


def test_discarding_a_draft_asks_first_then_discards(client, draft):
    editor, version = draft
    client.force_login(editor)
    detail = client.get(url("version_detail", version_pk=version.pk)).content.decode()
    assert f'href="{url("version_discard", version_pk=version.pk)}"' in detail  # a link to the question
    question = client.get(url("version_discard", version_pk=version.pk))
    page = question.content.decode()
    assert f"Discard draft version {version.number}?" in page and "This cannot be undone." in page
    assert "govuk-button--warning" in page
    assert TemplateVersion.objects.filter(pk=version.pk).exists()  # asking changed nothing
    client.post(url("version_discard", version_pk=version.pk))
    assert not TemplateVersion.objects.filter(pk=version.pk).exists()


def test_removing_a_standard_or_a_question_asks_first(client, draft):
    editor, version = draft
    client.force_login(editor)
    standard = version.standards.order_by("order").first()
    criterion = services.criterion_save(standard=standard, number="1.1", text="Is the person's voice recorded?")
    assert (
        f"Remove standard {standard.number}?"
        in client.get(url("standard_delete", standard_pk=standard.pk)).content.decode()
    )
    assert (
        f"Remove question {criterion.number}?"
        in client.get(url("criterion_delete", criterion_pk=criterion.pk)).content.decode()
    )
    assert Standard.objects.filter(pk=standard.pk).exists() and Criterion.objects.filter(pk=criterion.pk).exists()
    client.post(url("criterion_delete", criterion_pk=criterion.pk))
    assert not Criterion.objects.filter(pk=criterion.pk).exists()


def test_retiring_a_version_asks_first(client, draft):
    editor, version = draft
    client.force_login(editor)
    published = current_version(template=version.template)
    page = client.get(url("version_retire", version_pk=published.pk)).content.decode()
    assert f"Retire version {published.number}?" in page
    published.refresh_from_db()
    assert published.status == TemplateVersion.Status.PUBLISHED


def test_someone_who_cannot_edit_the_catalogue_is_not_asked(client, draft, make_member):
    _editor, version = draft
    client.force_login(make_member(version.council, "service_manager"))
    assert client.get(url("version_discard", version_pk=version.pk)).status_code == 403


def test_the_escalation_section_warns_that_saving_emails_the_group_manager(client, world):
    review = world.allocate()
    client.force_login(world.service_manager)
    page = client.get(
        reverse("audits:section", kwargs={"council_slug": "derbyshire", "review_pk": review.pk, "kind": "escalation"})
    ).content.decode()
    warning = page.split('class="govuk-warning-text"')[1].split("</div>")[0]
    assert (
        "When you save an escalation, the group manager for Chesterfield Long Term Team is e-mailed at once" in warning
    )
    assert page.index('class="govuk-warning-text"') < page.index("Save and")  # said before the button
