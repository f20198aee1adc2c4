"""Saving a section again rewrites its rows in one statement (`qaportal.db.update_rows`): what the
reviewer typed is what is read back, every kind of value, and never a row of another council."""

import datetime as dt

from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from audits.models import QAPlanAction, StandardRating
from audits.reviews import services
from audits.reviews.selectors import review_in_council
from qaportal.db import update_rows
from tests.audits.conftest import complete_psr
from tests.factories import CouncilFactory

TYPED = "O'Neill said \"not yet\" –\nsee the carer's notes; 50% done \\ ✓ ; DROP TABLE"


def ratings_of(review):
    with scopes_disabled():
        ratings = StandardRating.objects.filter(review=review).select_related("standard", "level")
        return {r.standard.number: (r.level.code if r.level else "", r.evidence) for r in ratings}


def test_every_rating_and_its_evidence_changed_at_once_read_back_as_typed(world):
    review = complete_psr(world.allocate(), world.service_manager)
    fresh = review_in_council(council=world.council, pk=review.pk)
    standards = list(fresh.template_version.standards.all())
    state = next(s for s in fresh.section_states.all() if s.kind == "ratings")
    data = QueryDict(mutable=True)
    for i, standard in enumerate(standards):
        data[f"rating_{standard.pk}"] = "NFW" if i % 2 else "O"
        data[f"evidence_{standard.pk}"] = f"{TYPED} {standard.number}"

    with CaptureQueriesContext(connection) as queries:
        form = services.section_save(
            review=fresh, kind="ratings", data=data, base_version=state.version, by=fresh.reviewer
        )

    assert form.is_valid(), form.errors

    writes = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('UPDATE "audits_standardrating"')]
    assert len(writes) == 1
    assert ratings_of(review) == {
        s.number: ("NFW" if i % 2 else "O", f"{TYPED} {s.number}") for i, s in enumerate(standards)
    }


def test_empty_values_are_written_as_empty(world):
    """A rating taken away (no level) and a QA plan action's date and owner cleared."""
    review = complete_psr(world.allocate(), world.service_manager)
    with scopes_disabled():
        rating = StandardRating.objects.filter(review=review).first()
        action = QAPlanAction.objects.get(review=review)
    rating.level, rating.evidence = None, ""
    action.order, action.owner_person, action.due_date, action.owner = 3, None, None, "The team"

    assert update_rows([rating], ["level", "evidence"], council=world.council) == 1
    assert update_rows([action], ["order", "owner_person", "due_date", "owner"], council=world.council) == 1

    with scopes_disabled():
        rating.refresh_from_db()
        action.refresh_from_db()
    assert (rating.level_id, rating.evidence) == (None, "")
    assert (action.order, action.owner_person_id, action.due_date, action.owner) == (3, None, None, "The team")


def test_a_date_and_a_person_are_written_as_given(world):
    review = complete_psr(world.allocate(), world.service_manager)
    with scopes_disabled():
        action = QAPlanAction.objects.get(review=review)
    action.due_date, action.owner_person = dt.date(2027, 2, 28), world.senior
    update_rows([action], ["due_date", "owner_person"], council=world.council)
    with scopes_disabled():
        action.refresh_from_db()
    assert (action.due_date, action.owner_person) == (dt.date(2027, 2, 28), world.senior)


def test_rows_of_another_council_are_never_written_whatever_is_passed(world):
    review = complete_psr(world.allocate(), world.service_manager)
    with scopes_disabled():
        rating = StandardRating.objects.filter(review=review).first()
    before = rating.evidence
    rating.evidence = "Overwritten from another council"

    assert update_rows([rating], ["evidence"], council=CouncilFactory(slug="somerset")) == 0

    with scopes_disabled():
        rating.refresh_from_db()
    assert rating.evidence == before


def test_nothing_to_write_is_no_statement(world):
    with CaptureQueriesContext(connection) as queries:
        assert update_rows([], ["evidence"], council=world.council) == 0
    assert queries.captured_queries == []
