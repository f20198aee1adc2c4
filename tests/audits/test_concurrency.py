"""Two people acting on the same review at the same moment, as real parallel requests on PostgreSQL.

Each state change re-reads the row under a lock: exactly one of two racing requests wins, the other
gets a clear message, and the review's row and its history agree. To make the race certain rather
than lucky, the first request to take the lock holds it a moment longer, so the second has already
read the page's (now stale) state and must wait — the case that used to let both through."""

import threading
import time

import pytest
from django.db import IntegrityError, connections, transaction
from django.test import Client
from django.urls import reverse

from audits.models import Review, ReviewEvent
from audits.reviews import services

from .conftest import complete_psr

pytestmark = pytest.mark.django_db(transaction=True)


def race(*requests):
    """Run each request (a function returning a response) in its own thread, all at once."""
    barrier = threading.Barrier(len(requests))
    results: list = [None] * len(requests)

    def run(i, request):
        try:
            barrier.wait()
            results[i] = request()
        except Exception as exc:  # noqa: BLE001 - a 500 in a thread is reported as the result
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, r)) for i, r in enumerate(requests)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


@pytest.fixture
def slow_lock(monkeypatch):
    """Whoever takes a review's lock first holds it 0.3 s, so a racing request must wait for it."""
    original = services._locked
    taken = threading.Event()

    def held(review):
        locked = original(review)
        if not taken.is_set():
            taken.set()
            time.sleep(0.3)
        return locked

    monkeypatch.setattr(services, "_locked", held)


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_authorise_and_return_at_once_one_wins_and_the_other_is_told(world, slow_lock):
    review = complete_psr(world.allocate(), world.service_manager)
    services.review_submit(review=review, by=world.service_manager)
    url = reverse("audits:authorise", kwargs={"council_slug": "derbyshire", "review_pk": review.pk})
    first, second = signed_in(world.group_manager), signed_in(world.group_manager)
    results = race(
        lambda: first.post(url, {"decision": "authorise", "comments": "Fine."}),
        lambda: second.post(url, {"decision": "return", "comments": "Add more on standard 4."}),
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    statuses = sorted(r.status_code for r in results)
    assert statuses == [200, 302], "one redirect (done) and one page explaining why not"
    loser = next(r for r in results if r.status_code == 200).content.decode()
    assert "This review is now" in loser and "so it cannot be" in loser
    review.refresh_from_db()
    decisions = list(ReviewEvent.objects.filter(review=review, action__in=["authorise", "return"]))
    assert len(decisions) == 1
    assert review.status == decisions[0].to_status
    assert (review.authorised_at is not None) == (review.status == "authorised")


def test_submit_and_a_section_save_at_once_never_undo_the_submission(world, slow_lock):
    review = complete_psr(world.allocate(), world.service_manager)
    submit = reverse("audits:submit", kwargs={"council_slug": "derbyshire", "review_pk": review.pk})
    summary = reverse(
        "audits:section", kwargs={"council_slug": "derbyshire", "review_pk": review.pk, "kind": "summary"}
    )
    version = review.section_states.get(kind="summary").version
    tab_one, tab_two = signed_in(world.service_manager), signed_in(world.service_manager)
    results = race(
        lambda: tab_one.post(submit),
        lambda: tab_two.post(summary, {"section_version": str(version), "save": "1", "text": "A late change."}),
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    review.refresh_from_db()
    events = list(ReviewEvent.objects.filter(review=review).values_list("action", flat=True))
    if review.status == "submitted":
        assert events[-1] == "submit", "a save after the submission moved it back to in progress"
    else:
        assert review.status == "in_progress"  # the save won; the submission then saw the saved answers


def test_four_allocations_of_one_case_at_once_create_one_review(world):
    """Four tabs (or a double-click and two colleagues) posting the same allocation together."""
    url = reverse("audits:allocate", kwargs={"council_slug": "derbyshire"})
    data = {"template": world.psr.pk, "case": world.case.pin, "reviewer": world.service_manager.pk}
    clients = [signed_in(world.group_manager) for _ in range(4)]
    results = race(*[lambda c=c: c.post(url, data) for c in clients])
    assert not [r for r in results if isinstance(r, Exception)], results
    assert Review.objects.filter(case=world.case).count() == 1
    assert sorted(r.status_code for r in results) == [200, 200, 200, 302]
    for refused in (r for r in results if r.status_code == 200):
        assert "already had a PSR" in refused.content.decode()


def test_the_database_refuses_an_authorisation_time_on_a_review_that_is_not_authorised(world):
    review = world.allocate()
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.filter(pk=review.pk).update(status="returned", authorised_at="2026-12-01T10:00:00Z")
