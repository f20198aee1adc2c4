"""The review form in the browser's terms: pages, saving, conflicts, expired sessions, query counts."""

import pytest
from django.test import Client
from django.urls import reverse

from audits.models import ReviewChange, SectionDraft, StandardRating
from tests.factories import TeamFactory

from .conftest import complete_psr, qa_plan_data


def section_url(review, kind):
    return reverse("audits:section", kwargs={"council_slug": review.council.slug, "review_pk": review.pk, "kind": kind})


def ratings_data(review, level="G", version=0, evidence="Evidence"):
    data = {"section_version": str(version), "save": "1"}
    for s in review.template_version.standards.all():
        data[f"rating_{s.pk}"] = level
        data[f"evidence_{s.pk}"] = f"{evidence} {s.number}"
    return data


def test_save_and_come_back_later_keeps_part_of_a_section(client, world):
    review = world.allocate()
    first = review.template_version.standards.get(number="1")
    client.force_login(world.service_manager)
    response = client.post(
        section_url(review, "ratings"),
        {
            "section_version": "0",
            "save": "1",
            f"rating_{first.pk}": "O",
            f"evidence_{first.pk}": "Warm, persistent contact with her daughter.",
        },
    )
    assert response.status_code == 302
    assert StandardRating.objects.get(review=review, standard=first).evidence.startswith("Warm, persistent")
    page = client.get(section_url(review, "ratings")).content.decode()
    assert "Warm, persistent contact with her daughter." in page
    overview = client.get(response.url).content.decode()
    assert "In progress" in overview


def test_two_tabs_saving_the_same_section_get_a_conflict_and_the_second_input_is_kept(world):
    review = world.allocate()
    tab_one, tab_two = Client(), Client()
    tab_one.force_login(world.service_manager)
    tab_two.force_login(world.senior)
    from audits.reviews import services

    services.review_delegate(review=review, delegate=world.senior, by=world.service_manager)
    # Both open the page at version 0; the first saves.
    assert tab_one.post(section_url(review, "ratings"), ratings_data(review, "G", 0, "First")).status_code == 302
    response = tab_two.post(section_url(review, "ratings"), ratings_data(review, "O", 0, "Second"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "saved this section at" in page and "Your changes have not been saved yet." in page
    assert "Second 1" in page  # the second person's input is on the page
    assert set(StandardRating.objects.filter(review=review).values_list("evidence", flat=True)) == {
        f"First {n}" for n in range(1, 7)
    }  # the first person's version is the saved one
    draft = SectionDraft.objects.get(review=review, kind="ratings", user=world.senior)
    assert draft.source == "conflict" and draft.data[next(k for k in draft.data if k.startswith("evidence_"))]
    assert 'name="section_version" value="1"' in page  # saving again replaces the other version, knowingly
    assert tab_two.post(section_url(review, "ratings"), ratings_data(review, "O", 1, "Second")).status_code == 302
    assert not SectionDraft.objects.filter(review=review, user=world.senior).exists()


def test_typed_input_survives_a_session_that_expired_mid_edit(client, world):
    review = world.allocate()
    client.force_login(world.service_manager)
    client.get(section_url(review, "summary"))
    client.logout()  # the session expires while the page is open
    response = client.post(
        section_url(review, "summary"),
        {"section_version": "0", "save": "1", "text": "Typed before the session ran out."},
    )
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    response = client.post(
        response.url, {"login": world.service_manager.email, "password": "correct-horse-battery"}, follow=True
    )
    page = response.content.decode()
    assert response.request["PATH_INFO"] == section_url(review, "summary")
    assert "Typed before the session ran out." in page
    assert "This is input you typed before you were signed out" in page
    assert not review.texts.exists()  # nothing is saved until the person saves it


def test_autosave_keeps_a_draft_apart_from_the_review_and_restores_it(client, world):
    review = world.allocate()
    client.force_login(world.service_manager)
    url = reverse("audits:autosave", kwargs={"council_slug": "derbyshire", "review_pk": review.pk, "kind": "summary"})
    response = client.post(url, {"section_version": "0", "text": "Half-written summary"})
    assert response.status_code == 200 and "saved_at" in response.json()
    assert not review.texts.exists()
    page = client.get(section_url(review, "summary")).content.decode()
    assert "Half-written summary" in page and "Your unsaved changes from" in page


def test_a_bad_date_is_explained_and_everything_typed_is_kept(client, world):
    review = world.allocate()
    client.force_login(world.service_manager)
    response = client.post(
        section_url(review, "qa_plan"),
        {
            "section_version": "0",
            "save": "1",
            **qa_plan_data([("Update the carer's assessment.", world.worker, "31", "2", "2026")]),
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page and "Enter a real date, for example 27 3 2026" in page
    assert "Update the carer&#x27;s assessment." in page
    assert f'<option value="{world.worker.pk}" selected>' in page  # the person chosen stays chosen
    assert not review.qa_actions.exists()


def test_submit_errors_link_to_the_fields(client, world):
    review = world.allocate()
    client.force_login(world.service_manager)
    client.post(section_url(review, "summary"), {"section_version": "0", "save": "1", "text": "Summary"})
    response = client.post(
        reverse("audits:submit", kwargs={"council_slug": "derbyshire", "review_pk": review.pk}), follow=True
    )
    page = response.content.decode()
    first = review.template_version.standards.get(number="1")
    assert "The review cannot be submitted yet" in page
    assert f'href="{section_url(review, "ratings")}?next=check#id_rating_{first.pk}_0"' in page
    assert f'href="{section_url(review, "feedback")}?next=check#id_feedback"' in page
    assert "<title>Error: Check your answers" in page


def _add_standards(review, how_many):
    from standards.models import Standard

    version = review.template_version
    for n in range(how_many):
        Standard.objects.create(
            council=review.council,
            version=version,
            order=100 + n,
            number=f"x{n}",
            title=f"Extra standard {n}",
            rated=True,
        )


@pytest.mark.parametrize("kind", ["ratings", "feedback", "qa_plan", "summary"])
def test_form_page_and_save_use_a_constant_number_of_queries(client, world, django_assert_max_num_queries, kind):
    from audits.reviews.selectors import review_in_council

    review = world.allocate()
    client.force_login(world.service_manager)

    def save(label):
        fresh = review_in_council(council=world.council, pk=review.pk)
        version = next((s.version for s in fresh.section_states.all() if s.kind == kind), 0)
        data = (
            ratings_data(fresh, "G", version, label)
            if kind == "ratings"
            else {
                "section_version": str(version),
                "save": "1",
                "text": label,
                "given_by": "person",
                "feedback": label,
                **qa_plan_data([(label, review.case.responsible_worker, "1", "12", "2026")]),
            }
        )
        with django_assert_max_num_queries(40) as captured:
            assert client.post(section_url(review, kind), data).status_code == 302
        return len(captured.captured_queries)

    counts = []
    for extra in (0, 12):
        _add_standards(review, extra)
        save(f"first {extra}")  # creates rows for any new standards
        client.get(section_url(review, kind))  # the first visit records that its guidance was read
        with django_assert_max_num_queries(30) as captured:
            client.get(section_url(review, kind))
        counts.append((len(captured.captured_queries), save(f"second {extra}")))
    assert counts[0] == counts[1], f"queries grew with the number of standards: {counts}"


def test_overview_and_read_only_page_use_a_constant_number_of_queries(client, world, django_assert_max_num_queries):
    review = complete_psr(world.allocate(), world.service_manager)
    client.force_login(world.service_manager)
    with django_assert_max_num_queries(30):
        client.get(reverse("audits:review", kwargs={"council_slug": "derbyshire", "review_pk": review.pk}))
    with django_assert_max_num_queries(30):
        client.get(reverse("audits:review_view", kwargs={"council_slug": "derbyshire", "review_pk": review.pk}))
    assert ReviewChange.objects.filter(review=review).count() > 10


def test_another_councils_team_never_appears(world):
    TeamFactory()  # another council's team exists
    assert world.allocate().case.team == world.chesterfield
