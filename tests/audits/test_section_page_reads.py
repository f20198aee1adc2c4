"""A section of the review form is the page service managers open most: it reads its own section's
records and nothing of the others, and the catalogue of a published form only once per process."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope

from standards import parts
from standards.models import Standard, TemplateVersion
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

OTHER_SECTIONS = ["audits_criterionanswer", "audits_sectiontext", "audits_qaplanaction", "audits_escalation"]
CATALOGUE = ["standards_standard", "standards_criterion", "standards_templatesection", "standards_scalelevel"]


def tables_read(client, url) -> str:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return "\n".join(q["sql"] for q in queries.captured_queries)


def test_the_ratings_page_reads_ratings_and_not_the_other_sections(world, client):
    review = world.allocate()
    client.force_login(world.service_manager)
    summary = reverse(
        "audits:section", kwargs={"council_slug": "derbyshire", "review_pk": review.pk, "kind": "summary"}
    )
    assert client.post(summary, {"section_version": "0", "text": "Begun."}).status_code == 302  # now in progress
    url = reverse("audits:section", kwargs={"council_slug": "derbyshire", "review_pk": review.pk, "kind": "ratings"})
    client.get(url)  # the catalogue may be read on the first visit

    sql = tables_read(client, url)

    assert "audits_standardrating" in sql
    for table in OTHER_SECTIONS + CATALOGUE:
        assert f'FROM "{table}"' not in sql, f"the ratings page read {table}"
    # Never submitted, so never returned: no return comment to look for in its history.
    assert 'FROM "audits_reviewevent"' not in sql


def test_a_save_reads_no_history_and_its_sections_state_only_under_the_reviews_lock(world, client):
    """What a save reads before it writes is what Python and PostgreSQL spend on the busiest request:
    not the review's history (the page reads the one return it shows), not the sections' states
    (only this one, again, once the review is locked), not the kept draft (it is deleted)."""
    review = world.allocate()
    client.force_login(world.service_manager)
    url = reverse("audits:section", kwargs={"council_slug": "derbyshire", "review_pk": review.pk, "kind": "ratings"})
    client.get(url)
    with scope(council=world.council):
        standards = list(review.template_version.standards.all())
    data = {"section_version": "0"}
    for standard in standards:
        data |= {f"rating_{standard.pk}": "G", f"evidence_{standard.pk}": f"Seen in the record, {standard.number}"}

    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, data)

    assert response.status_code == 302
    reads = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    assert not [sql for sql in reads if 'FROM "audits_reviewevent"' in sql]
    assert not [sql for sql in reads if 'FROM "audits_sectiondraft"' in sql]
    (state_read,) = [sql for sql in reads if 'FROM "audits_sectionstate"' in sql]
    lock = next(i for i, sql in enumerate(reads) if sql.endswith("FOR UPDATE"))
    assert reads.index(state_read) > lock, "the state is read after the review is locked"


def test_a_published_forms_standards_are_read_once_and_shown_on_every_review(world, client):
    parts.clear()
    other_case = CaseFactory(council=world.council, team=world.chesterfield, pin="7654321")
    first, second = world.allocate(), world.allocate(case=other_case)
    client.force_login(world.service_manager)
    urls = [
        reverse("audits:section", kwargs={"council_slug": "derbyshire", "review_pk": r.pk, "kind": "ratings"})
        for r in (first, second)
    ]

    assert 'FROM "standards_standard"' in tables_read(client, urls[0])
    page = client.get(urls[1]).content.decode()
    assert 'FROM "standards_standard"' not in tables_read(client, urls[1])
    with scope(council=world.council):
        for standard in Standard.objects.filter(version=second.template_version_id, rated=True):
            assert standard.title.split()[0] in page
            assert f'name="rating_{standard.pk}"' in page


def test_a_draft_version_is_read_fresh_every_time(world):
    with scope(council=world.council):
        version = TemplateVersion.objects.get(pk=world.allocate().template_version_id)
        version.status = TemplateVersion.Status.DRAFT
        parts.attach_parts(version)
        before = [s.title for s in version.standards.all()]
        Standard.objects.filter(version=version).update(title="Changed in the draft")
        again = TemplateVersion.objects.get(pk=version.pk)
        again.status = TemplateVersion.Status.DRAFT
        parts.attach_parts(again)

    assert before and all(title != "Changed in the draft" for title in before)
    assert {s.title for s in again.standards.all()} == {"Changed in the draft"}
