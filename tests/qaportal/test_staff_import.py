"""Council admins import staff from CSV: every line is checked, and one bad line imports nothing."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from qaportal.models import Membership, User
from qaportal.services import staff_import_csv
from tests.factories import TeamFactory

HEADER = "email,first_name,last_name,role,team,profession\n"


def _csv(*lines: str) -> bytes:
    return (HEADER + "\n".join(lines) + "\n").encode()


def test_a_good_file_adds_people_and_their_roles(council_a):
    TeamFactory(council=council_a, name="Chesterfield Long Term Team")
    result = staff_import_csv(
        council=council_a,
        data=_csv(
            "amy.ali@derbyshire.example,Amy,Ali,Service manager,Chesterfield Long Term Team,",
            "amy.ali@derbyshire.example,Amy,Ali,moderator,,",
            "bo.bell@derbyshire.example,Bo,Bell,practitioner,Chesterfield Long Term Team,Social worker",
        ),
    )
    assert result.ok, result.errors
    assert (result.people_created, result.roles_added) == (2, 3)
    amy = User.objects.get(email="amy.ali@derbyshire.example")
    assert set(Membership.objects.filter(council=council_a, user=amy).values_list("role", flat=True)) == {
        "service_manager",
        "moderator",
    }
    assert not amy.has_usable_password()


def test_one_bad_line_imports_nothing_and_names_the_line_and_reason(council_a):
    TeamFactory(council=council_a, name="Chesterfield Long Term Team")
    result = staff_import_csv(
        council=council_a,
        data=_csv(
            "amy.ali@derbyshire.example,Amy,Ali,Service manager,Chesterfield Long Term Team,",
            "bo.bell@derbyshire.example,Bo,Bell,Wizard,Chesterfield Long Term Team,",
            "cy.cole@derbyshire.example,Cy,Cole,practitioner,Nowhere Team,Social worker",
        ),
    )
    assert not result.ok
    assert result.errors == [
        (3, "'Wizard' is not a role."),
        (4, "There is no team called 'Nowhere Team'."),
    ]
    assert not User.objects.filter(email__endswith="@derbyshire.example").exists()
    assert not Membership.objects.filter(council=council_a).exists()


def test_teams_of_another_council_are_not_found(council_a, council_b):
    TeamFactory(council=council_b, name="Taunton Locality Team")
    result = staff_import_csv(
        council=council_a, data=_csv("x@derbyshire.example,X,Y,service manager,Taunton Locality Team,")
    )
    assert result.errors == [(2, "There is no team called 'Taunton Locality Team'.")]


def test_practitioners_need_a_profession_and_duplicates_are_reported(council_a):
    TeamFactory(council=council_a, name="OT North")
    result = staff_import_csv(
        council=council_a,
        data=_csv(
            "p@derbyshire.example,P,Q,practitioner,OT North,",
            "m@derbyshire.example,M,N,moderator,,",
            "m@derbyshire.example,M,N,moderator,,",
        ),
    )
    assert result.errors == [
        (2, "A profession is required for practitioners."),
        (4, "This person and role appear twice in the file."),
    ]


def test_import_page_shows_every_line_error_and_keeps_nothing(client, admin_a, council_a):
    client.force_login(admin_a)
    upload = SimpleUploadedFile("staff.csv", _csv("not-an-email,A,B,moderator,,"), content_type="text/csv")
    url = reverse("people:staff_import", kwargs={"council_slug": council_a.slug})
    response = client.post(url, {"file": upload})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nothing was imported" in page
    assert "Line 2: &#x27;not-an-email&#x27; is not a valid email address." in page
    assert Membership.objects.filter(council=council_a).count() == 1  # only the admin


def test_only_council_admins_can_import(client, practitioner_a, council_a):
    client.force_login(practitioner_a)
    url = reverse("people:staff_import", kwargs={"council_slug": council_a.slug})
    assert client.get(url).status_code == 403
