"""Who may edit, submit, authorise, return, view and download a review: the whole matrix."""

import pytest

from audits.reviews import permissions, services
from audits.reviews.selectors import review_in_council

from .conftest import complete_psr

ACTIONS = {
    "edit": permissions.can_edit_review,
    "submit": permissions.can_submit_review,
    "authorise": permissions.can_authorise,
    "return": permissions.can_return_review,
    "view": permissions.can_view_review,
    "download PDF": permissions.can_download_pdf,
}

# For an in-progress review, then for a submitted one: who may do each action.
IN_PROGRESS = {
    "reviewer": {"edit", "submit", "view", "download PDF"},
    "delegate": {"edit", "submit", "view", "download PDF"},
    "group manager over the case's team": {"view", "download PDF"},
    "group manager of another team": set(),
    "quality team": {"view", "download PDF"},
    "moderator": set(),  # a moderator reads only the reviews a moderation round assigns them
    "allocated worker": set(),
    "practitioner elsewhere": set(),
}
SUBMITTED = {
    "reviewer": {"view", "download PDF"},
    "delegate": {"view", "download PDF"},
    "group manager over the case's team": {"authorise", "return", "view", "download PDF"},
    "group manager of another team": set(),
    "quality team": {"view", "download PDF"},
    "moderator": set(),
    "allocated worker": set(),
    "practitioner elsewhere": set(),
}


@pytest.fixture
def people(world, make_member):
    return {
        "reviewer": world.service_manager,
        "delegate": world.senior,
        "group manager over the case's team": world.group_manager,
        "group manager of another team": world.other_gm,
        "quality team": world.quality,
        "moderator": world.moderator,
        "allocated worker": world.worker,
        "practitioner elsewhere": make_member(
            world.council, "practitioner", team=world.erewash, profession="social_worker"
        ),
    }


def allowed(person, review) -> set[str]:
    return {name for name, check in ACTIONS.items() if check(person, review)}


@pytest.mark.parametrize("who", list(IN_PROGRESS))
def test_permissions_on_a_review_in_progress(world, people, who):
    review = world.allocate()
    services.review_delegate(review=review, delegate=world.senior, by=world.service_manager)
    review = complete_psr(review, world.service_manager)
    assert allowed(people[who], review) == IN_PROGRESS[who]


@pytest.mark.parametrize("who", list(SUBMITTED))
def test_permissions_on_a_submitted_review(world, people, who):
    review = world.allocate()
    services.review_delegate(review=review, delegate=world.senior, by=world.service_manager)
    review = complete_psr(review, world.service_manager)
    services.review_submit(review=review, by=world.service_manager)
    review = review_in_council(council=world.council, pk=review.pk)
    assert allowed(people[who], review) == SUBMITTED[who]


def test_the_allocated_worker_sees_only_ratings_and_summary_once_authorised(client, world):
    review = complete_psr(world.allocate(), world.service_manager)
    review = services.review_submit(review=review, by=world.service_manager)
    client.force_login(world.worker)
    # Submitted, the ratings may yet change: the group manager can return the review.
    assert client.get(f"/derbyshire/reviews/{review.pk}/view/").status_code == 403
    services.review_authorise(review=review, by=world.group_manager, comments="")
    page = client.get(f"/derbyshire/reviews/{review.pk}/view/").content.decode()
    assert "Evidence for standard 1" in page and "A strengths-based assessment" in page
    assert "Review the care and support plan." not in page  # the QA plan is not theirs to see
    assert "They listened to me." not in page
    assert client.get(f"/derbyshire/reviews/{review.pk}/pdf/").status_code == 403


@pytest.mark.parametrize("url", ["", "sections/ratings/", "authorise/", "pdf/", "view/", "history/"])
def test_pages_refuse_people_without_a_part_in_the_review(client, world, people, url):
    review = world.allocate()
    client.force_login(people["practitioner elsewhere"])
    response = client.get(f"/derbyshire/reviews/{review.pk}/{url}")
    assert response.status_code == 403


def test_apps_above_audits_extend_who_may_read_a_review_through_the_visibility_registry(world, people, monkeypatch):
    """audits never imports the apps that build on it: they register a rule, and audits asks them all."""
    review = world.allocate()
    outsider = people["practitioner elsewhere"]
    assert not permissions.can_view_review(outsider, review)
    monkeypatch.setattr(permissions, "VISIBILITY_RULES", list(permissions.VISIBILITY_RULES))
    permissions.register_visibility_rule(lambda user, r: user.pk == outsider.pk and r.pk == review.pk)
    assert permissions.can_view_review(outsider, review)
    assert not permissions.can_view_review(people["group manager of another team"], review)


def test_moderators_read_only_the_reviews_a_round_assigns_them(world, people):
    import datetime as dt

    from django.utils import timezone

    from moderation.services import round_open
    from moderation.visibility import assigned_moderators_read_reviews

    assert assigned_moderators_read_reviews in permissions.VISIBILITY_RULES
    review = complete_psr(world.allocate(), world.service_manager)
    review = services.review_submit(review=review, by=world.service_manager)
    moderator = people["moderator"]
    assert not permissions.can_view_review(moderator, review)
    today = timezone.localdate()
    moderation_round = round_open(
        council=world.council,
        name="Quarter",
        start=today - dt.timedelta(days=30),
        end=today,
        template_keys=["psr"],
        sample_rule="per_member",
        amount=2,
        panel=[moderator],
        closes_on=today + dt.timedelta(days=14),
    )
    assert list(moderation_round.assignments.values_list("review_id", flat=True)) == [review.pk]
    assert permissions.can_view_review(moderator, review_in_council(council=world.council, pk=review.pk))
    moderation_round.status = "cancelled"
    moderation_round.save()
    assert not permissions.can_view_review(moderator, review_in_council(council=world.council, pk=review.pk))
