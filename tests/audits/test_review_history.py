"""The history of a review reads in words, never in stored codes ("Start → in_progress", "person")."""

import html
import re

from django.urls import reverse

from audits.reviews import services
from tests.audits.conftest import complete_psr


def test_the_history_shows_what_happened_and_every_answer_in_words(client, world):
    review = services.review_submit(
        review=complete_psr(world.allocate(), world.service_manager), by=world.service_manager
    )
    services.review_return(review=review, by=world.group_manager, reason="Add the carer's view.")
    client.force_login(world.service_manager)
    page = client.get(reverse("audits:review_history", kwargs={"council_slug": "derbyshire", "review_pk": review.pk}))
    text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page.content.decode())))
    assert "Started Now in progress" in text
    assert "Returned to the reviewer Now returned" in text and "Add the carer's view." in text
    events, changes = text.split("Every change to every answer")
    assert "in_progress" not in events and "→" not in events
    # The person's feedback: who gave it reads as the choice the reviewer made, not its code.
    assert "Who gave feedback? The person" in changes
    assert not re.search(r"\b(person|True|False)\b(?! )", changes.replace("The person", ""))
