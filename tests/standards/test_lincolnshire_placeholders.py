"""Lincolnshire's Quality Practice Assurance Standards give standards and criteria only: what the
document leaves unsaid is shown as ours to change, and its drafting slips stay out of the form."""

import io

from django.core.management import call_command
from django.urls import reverse

from audits.models import AuditProgramme
from qaportal.models import Council, User
from standards.models import Criterion, TemplateVersion
from tests.conftest import activate_totp


def test_the_programme_page_says_what_the_document_does_not(client, db):
    """Lincolnshire Quality Practice Assurance Standards: no frequency, scale or process."""
    call_command("load_demo", "--council", "lincolnshire", stdout=io.StringIO())
    lincolnshire = Council.objects.get(slug="lincolnshire")
    programme = AuditProgramme.objects.get(council=lincolnshire)
    assert "set no audit frequency, rating scale or process" in programme.unsaid
    quality = activate_totp(User.objects.get(email="quality.team@lincolnshire.example"))
    client.force_login(quality)
    page = client.get(reverse("audits:programme", kwargs={"council_slug": "lincolnshire"})).content.decode()
    assert "Placeholders to decide:" in page and "set no audit frequency, rating scale or process" in page


def test_criterion_3_1_reads_without_its_drafting_note(load_council_catalogue):
    """Lincolnshire Quality Practice Assurance Standards, standard 3 (Safeguarding everyone), 3.1:
    the source's "(link to safeguarding policy and procedures?)" is a note to its authors."""
    lincolnshire = load_council_catalogue("lincolnshire")
    text = Criterion.objects.get(standard__version__council=lincolnshire, number="3.1").text
    assert "(link to safeguarding" not in text
    assert text.startswith("Safeguarding concerns are addressed effectively to support everyone to live safely, with")


def test_the_repeated_direct_payments_criterion_is_flagged_in_the_editor_not_merged(
    client, load_council_catalogue, make_member
):
    """Lincolnshire Quality Practice Assurance Standards, standard 5: 5.8 is repeated word for word at
    the end of 5.9. Both stay (merging is the quality team's choice); the editor flags the repeat."""
    lincolnshire = load_council_catalogue("lincolnshire")
    version = TemplateVersion.objects.get(council=lincolnshire, template__key="qpa-audit")
    numbers = set(Criterion.objects.filter(standard__version=version).values_list("number", flat=True))
    assert {"5.8", "5.9"} <= numbers
    client.force_login(activate_totp(make_member(lincolnshire, "quality_team")))
    page = client.get(
        reverse("catalogue:version_detail", kwargs={"council_slug": "lincolnshire", "version_pk": version.pk})
    ).content.decode()
    assert page.count("Repeated in 5.9") == 1
