"""Bad input found by probing: each is a clear, line-level error, never a 500 or a partial write."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from qaportal.models import Membership, Team, User
from qaportal.text import clean_one_line
from tests.factories import TeamFactory

HEADER = "email,first_name,last_name,role,team,profession\n"


def staff_import(client, council, text: str | bytes):
    data = text.encode() if isinstance(text, str) else text
    return client.post(
        reverse("people:staff_import", kwargs={"council_slug": council.slug}),
        {"file": SimpleUploadedFile("staff.csv", data)},
    )


GOOD_LINE = "jo@derbyshire.example,Jo,Reid,moderator,,\n"


@pytest.mark.parametrize(
    "bad_line, message",
    [
        ("big@derbyshire.example," + "x" * 131_072 + ",Reid,moderator,,\n", "longer than"),
        ("extra@derbyshire.example,Jo,Reid,moderator,,,surplus,cells\n", "cells but the header has"),
        ("cr@derbyshire.example,Jo\rReid,Reid,moderator,,\n", ""),
        ("nul@derbyshire.example,Jo\x00,Reid,moderator,,\n", "control or invisible"),
        ("long@derbyshire.example," + "J" * 151 + ",Reid,moderator,,\n", "150 characters or fewer"),
        ("zw@derbyshire.example,Jo\u200b,Reid,moderator,,\n", "control or invisible"),
    ],
    ids=["field over 128 KB", "extra columns", "bare CR", "NUL byte", "first name over 150", "zero-width space"],
)
def test_staff_csv_problems_are_named_by_line_and_nothing_is_applied(client, admin_a, council_a, bad_line, message):
    client.force_login(admin_a)
    before = (User.objects.count(), Membership.objects.count())
    response = staff_import(client, council_a, HEADER + GOOD_LINE + bad_line)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Line 3" in page or "line 3" in page or "Line 2" in page
    assert message in page
    assert (User.objects.count(), Membership.objects.count()) == before


def test_a_sample_upload_with_a_huge_field_is_explained(client, world):
    client.force_login(world.quality)
    csv = "group_manager_email,pin\n" + f"{world.group_manager.email},{'9' * 131_072}\n"
    response = client.post(
        reverse("audits:sample_upload", kwargs={"council_slug": "derbyshire"}),
        {"month": "2026-12", "file": SimpleUploadedFile("pins.csv", csv.encode())},
    )
    assert response.status_code == 200 and "longer than" in response.content.decode()


@pytest.mark.parametrize("month", ["9999-12", "0001-01", "2026-13", "abc", "2026-12-99", "١٢٣٤-٠١"])
@pytest.mark.parametrize("page", ["audits:allocation", "reporting:compliance", "feedback:coverage"])
def test_month_query_strings_out_of_range_show_this_month(client, world, month, page):
    client.force_login(world.quality if page != "audits:allocation" else world.group_manager)
    response = client.get(reverse(page, kwargs={"council_slug": "derbyshire"}), {"month": month})
    assert response.status_code == 200


def test_a_team_name_with_a_newline_or_invisible_characters_is_refused(client, admin_a, council_a):
    TeamFactory(council=council_a, name="Chesterfield Long Term Team")
    client.force_login(admin_a)
    url = reverse("people:team_add", kwargs={"council_slug": council_a.slug})
    for name in ["Chesterfield Long\u200b Term Team", "\u202emaeT mreT gnoL", "Two\nlines"]:
        response = client.post(url, {"name": name, "kind": "long_term"})
        assert response.status_code == 200, name
        assert "There is a problem" in response.content.decode()
    assert Team.objects.filter(council=council_a).count() == 1


def test_names_are_normalised_so_look_alikes_are_the_same_name():
    decomposed = "Jose\u0301"  # "José" typed on a keyboard that sends the accent separately
    assert clean_one_line(decomposed) == "Jos\u00e9"


def test_a_template_short_name_cannot_carry_a_newline_into_an_email_subject(world):
    from qaportal.emails import send_email

    send_email(
        to=["gm@derbyshire.example"],
        subject="PSR\nBcc: everyone@derbyshire.example of PIN 1234567",
        template="qaportal/email/invitation.txt",
        context={"council": world.council, "user": world.group_manager, "link": "x"},
    )
    assert mail.outbox[-1].subject == "PSR Bcc: everyone@derbyshire.example of PIN 1234567"


def test_the_catalogue_editor_refuses_a_short_name_with_a_newline(client, world):
    from standards.forms import VersionSettingsForm

    form = VersionSettingsForm(
        {"name": "Practice Standard Review", "short_name": "PSR\nX", "completion": "single"},
        version=world.psr.versions.first(),
    )
    assert not form.is_valid() and "short_name" in form.errors
