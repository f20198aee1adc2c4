"""The council's evidence for each CQC quality statement (issue: Reporting, 4): the quality team maps
its standards to the nine statements of the CQC's local authority assessment framework, with a
suggested mapping for each launch catalogue, and ratings are counted statement by statement."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from audits.reviews import services as review_services
from reporting import services
from reporting.cqc import DEFAULTS_FILE, STATEMENTS
from reporting.models import StatementLink
from reporting.selectors import evidence_by_statement
from standards.catalogue_io import CATALOGUES
from standards.models import Standard
from tests.audits.conftest import complete_psr


def test_the_framework_has_four_themes_and_nine_statements():
    assert len(STATEMENTS) == 9
    assert len({s.theme for s in STATEMENTS}) == 4


@pytest.mark.parametrize("slug", ["derbyshire", "somerset", "lincolnshire", "coventry"])
def test_each_launch_catalogues_suggested_mapping_names_real_standards_and_statements(slug):
    mapping = json.loads(DEFAULTS_FILE.read_text())[slug]
    catalogue = json.loads((CATALOGUES / f"{slug}.json").read_text())
    templates = {t["key"]: t for t in catalogue["templates"]}
    keys = {s.key for s in STATEMENTS}
    for template_key, standards in mapping.items():
        assert template_key in templates, f"{slug} has no form {template_key}"
        numbers = {str(s["number"]) for s in templates[template_key]["standards"]}
        for number, statements in standards.items():
            assert number in numbers, f"{slug} {template_key} has no standard {number}"
            assert statements and set(statements) <= keys


def test_a_completed_review_is_evidence_for_the_statements_its_standards_are_mapped_to(world):
    review = complete_psr(world.allocate(), world.service_manager)  # every standard rated Good
    review_services.review_submit(review=review, by=world.service_manager)
    review_services.review_authorise(review=review, by=world.group_manager, comments="")
    assert services.default_statements_load(council=world.council) > 0
    assert services.default_statements_load(council=world.council) == 0  # once only
    today = timezone.localdate()
    evidence = {e["statement"].key: e for e in evidence_by_statement(council=world.council, start=today, end=today)}
    # Derbyshire's PSR standard 5, "We work with people to manage risks", is the one mapped to safeguarding.
    assert (evidence["safeguarding"]["reviews"], evidence["safeguarding"]["rated"]) == (1, 1)
    assert evidence["safeguarding"]["share"] == 1.0  # Good meets the standard
    assert evidence["assessing-needs"]["rated"] == 4  # standards 1 to 4
    assert evidence["learning"]["reviews"] == 1 and evidence["learning"]["rated"] == 1  # standard 6


def test_the_quality_team_changes_a_standards_statements_and_a_director_only_reads(client, world, make_member):
    standard = Standard.objects.filter(council=world.council, version__template=world.psr, number="5").first()
    client.force_login(world.quality)
    url = reverse("reporting:cqc_standard", kwargs={"council_slug": "derbyshire", "standard_pk": standard.pk})
    response = client.post(url, {"statements": ["safeguarding", "safe-systems"]})
    assert response.status_code == 302
    assert set(
        StatementLink.objects.filter(council=world.council, template_key="psr", standard_number="5").values_list(
            "statement", flat=True
        )
    ) == {"safeguarding", "safe-systems"}
    page = client.get(reverse("reporting:cqc", kwargs={"council_slug": "derbyshire"})).content.decode()
    assert "Safe systems, pathways and transitions; Safeguarding" in page
    director = make_member(world.council, "director")
    client.force_login(director)
    assert client.get(reverse("reporting:cqc", kwargs={"council_slug": "derbyshire"})).status_code == 200
    assert client.get(url).status_code == 403
    assert client.post(reverse("reporting:cqc", kwargs={"council_slug": "derbyshire"})).status_code == 403
