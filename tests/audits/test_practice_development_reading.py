"""Somerset Practice Quality Framework, Quality Assurance: Audit Guidance — the Practice Development
advanced practitioners read the completed audits each month for themes, and report to the Practice
Quality Board."""

import pytest
from django.urls import reverse
from django.utils import timezone

from audits.models import Review, ReviewRead
from audits.reviews import services
from standards.models import ReviewTemplate
from tests.factories import CaseFactory, TeamFactory


@pytest.fixture
def somerset(load_council_catalogue, make_member):
    council = load_council_catalogue("somerset", "Somerset Council")
    locality = TeamFactory(council=council, name="Taunton Locality Team")
    practice_development = TeamFactory(council=council, name="Practice Development", kind="practice_development")
    auditor = make_member(council, "service_manager", team=TeamFactory(council=council, name="Yeovil Locality"))
    pd_ap = make_member(council, "advanced_practitioner", team=practice_development)
    other_ap = make_member(council, "advanced_practitioner", team=locality)
    case = CaseFactory(council=council, team=locality, pin="SOM1001")
    review = services.review_allocate(
        council=council,
        template=ReviewTemplate.objects.get(council=council, key="standard-1"),
        case=case,
        reviewer=auditor,
        by=auditor,
        kind="peer",
    )
    return council, review, pd_ap, other_ap


def view_url(review):
    return reverse("audits:review_view", kwargs={"council_slug": "somerset", "review_pk": review.pk})


def test_a_practice_development_ap_reads_every_completed_audit_and_nothing_unfinished(client, somerset):
    council, review, pd_ap, other_ap = somerset
    client.force_login(pd_ap)
    assert client.get(view_url(review)).status_code == 403  # still being written
    Review.objects.filter(pk=review.pk).update(status="submitted", submitted_at=timezone.now())
    assert client.get(view_url(review)).status_code == 200
    client.force_login(other_ap)  # an advanced practitioner outside practice development
    assert client.get(view_url(review)).status_code == 403


def test_their_home_page_lists_the_audits_they_have_not_yet_read(client, somerset):
    council, review, pd_ap, _other = somerset
    Review.objects.filter(pk=review.pk).update(status="submitted", submitted_at=timezone.now())
    client.force_login(pd_ap)
    home = client.get("/somerset/").content.decode()
    assert "Audits to read for the Practice Quality Board" in home
    assert "1 completed audit since the start of" in home and "PIN SOM1001" in home
    client.get(view_url(review))
    client.get(view_url(review))  # reading again records nothing more
    assert ReviewRead.objects.filter(review=review, user=pd_ap).count() == 1
    home = client.get("/somerset/").content.decode()
    assert "You have read every audit completed since the start of last month." in home
    assert "PIN SOM1001" not in home
