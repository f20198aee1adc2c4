"""A returned review carries the group manager's comment onto every section until it is submitted
again; on the authorise page the group manager sees their comment and what changed since."""

import re

from django.http import QueryDict
from django.urls import reverse
from django.utils.html import escape

from audits.reviews import services
from audits.reviews.selectors import review_in_council
from tests.audits.conftest import complete_psr

REASON = "Please add the evidence from the carer's assessment to standard 2."


def save_summary(review, by, text):
    fresh = review_in_council(council=review.council, pk=review.pk)
    state = next(s for s in fresh.section_states.all() if s.kind == "summary")
    data = QueryDict(mutable=True)
    data["text"] = text
    services.section_save(review=fresh, kind="summary", data=data, base_version=state.version, by=by)


def section_url(review, kind):
    return reverse("audits:section", kwargs={"council_slug": "derbyshire", "review_pk": review.pk, "kind": kind})


def returned_review(world):
    review = services.review_submit(
        review=complete_psr(world.allocate(), world.service_manager), by=world.service_manager
    )
    return services.review_return(review=review, by=world.group_manager, reason=REASON)


def test_the_return_comment_is_on_every_section_until_the_review_is_submitted_again(client, world):
    review = returned_review(world)
    client.force_login(world.service_manager)
    for kind in ["ratings", "summary"]:
        page = client.get(section_url(review, kind)).content.decode()
        assert escape(f"Returned to you by {world.group_manager}") in page and "carer&#x27;s assessment" in page
    save_summary(review, world.service_manager, "Now with the carer's assessment.")  # back to in progress
    assert "carer&#x27;s assessment to standard 2" in client.get(section_url(review, "ratings")).content.decode()
    services.review_submit(review=review_in_council(council=world.council, pk=review.pk), by=world.service_manager)


def test_the_group_manager_sees_their_comment_and_what_changed_since(client, world):
    review = returned_review(world)
    save_summary(review, world.service_manager, "Now with the carer's assessment, which supports standard 2.")
    services.review_submit(review=review_in_council(council=world.council, pk=review.pk), by=world.service_manager)
    client.force_login(world.group_manager)
    page = client.get(reverse("audits:authorise", kwargs={"council_slug": "derbyshire", "review_pk": review.pk}))
    text = " ".join(page.content.decode().split())
    assert "Since you returned it" in text and "carer&#x27;s assessment to standard 2" in text
    changed = text.split("changed since it was returned")[1].split("</table>")[0]
    assert "1 answer changed" in text
    assert re.search(r"<del>A strengths-based assessment with clear recording.</del>", changed)
    assert "<ins>Now with the carer&#x27;s assessment, which supports standard 2.</ins>" in changed


def test_a_review_never_returned_shows_no_comparison(client, world):
    review = services.review_submit(
        review=complete_psr(world.allocate(), world.service_manager), by=world.service_manager
    )
    client.force_login(world.group_manager)
    page = client.get(reverse("audits:authorise", kwargs={"council_slug": "derbyshire", "review_pk": review.pk}))
    assert "Since you returned it" not in page.content.decode()
