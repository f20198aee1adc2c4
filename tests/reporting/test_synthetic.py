"""Synthetic national data (manage.py load_synthetic), for measuring the service at the scale of every
English council: years of work as each council's programme asked for it, with what completed reviews
hold, every row in its own council, written once however often it is run."""

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from audits.models import CriterionAnswer, ExpectedReview, QAPlanAction, Review, StandardRating
from feedback.models import ReviewFeedback
from moderation.models import StandardVerdict
from qaportal.calendar import add_months
from qaportal.models import Council
from reporting.selectors import Filters, compliance, feedback_summary, moderation_summary, ratings_by_standard
from reporting.synthetic import load_synthetic

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def synthetic(django_db_setup, django_db_blocker):
    """Four councils (one on each launch catalogue and programme), two years each, written once."""
    with django_db_blocker.unblock():
        summary = load_synthetic(councils=4, years=2, reviews_a_year=80, say=lambda line: None)
    yield summary
    with django_db_blocker.unblock(), scopes_disabled():
        from django.db import connection

        ids = list(Council.objects.filter(slug__startswith="synthetic-").values_list("pk", flat=True))
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
            cursor.execute(
                "SELECT table_name FROM information_schema.columns WHERE column_name = 'council_id'"
                " AND table_schema = current_schema()"
            )
            for (table,) in cursor.fetchall():
                cursor.execute(f'DELETE FROM "{table}" WHERE council_id = ANY(%s)', [ids])
            cursor.execute("DELETE FROM qaportal_user WHERE email LIKE %s", ["%.synthetic.example"])
            cursor.execute("DELETE FROM qaportal_council WHERE id = ANY(%s)", [ids])
            cursor.execute("RESET session_replication_role")


def test_each_council_has_years_of_programme_work(synthetic):
    assert synthetic.councils == 4
    this_month = timezone.localdate().replace(day=1)
    with scopes_disabled():
        for council in Council.objects.filter(slug__startswith="synthetic-"):
            reviews = Review.objects.filter(council=council)
            assert reviews.count() > 100, council.slug
            assert reviews.filter(period__gte=this_month).count() == 0, "history only: this month is the service's"
            assert reviews.filter(period__lt=add_months(this_month, -18)).exists(), "years back"
            expected = ExpectedReview.objects.filter(council=council)
            done = expected.filter(review__status__in=["submitted", "authorised"]).count()
            assert 0.8 < done / expected.count() < 0.97, "most of the programme done, not all"
            assert expected.filter(review__isnull=True).exists(), "some never started"
            assert reviews.filter(kind="additional").exists()


def test_every_row_is_in_the_council_of_its_review(synthetic):
    with scopes_disabled():
        for model in [ExpectedReview, StandardRating, CriterionAnswer, ReviewFeedback, QAPlanAction]:
            rows = model.objects.filter(council__slug__startswith="synthetic-", review__isnull=False)
            assert rows.exists(), model.__name__
            assert not rows.exclude(review__council=F("council")).exists(), model.__name__
        assert (
            not Review.objects.filter(council__slug__startswith="synthetic-")
            .exclude(case__council=F("council"))
            .exists()
        )
        verdicts = StandardVerdict.objects.filter(council__slug__startswith="synthetic-")
        assert verdicts.exists()
        assert not verdicts.exclude(rating__council=F("council")).exists()


def test_ratings_spread_over_the_scale_and_teams_differ(synthetic):
    with scopes_disabled():
        council = Council.objects.get(slug="synthetic-000")  # on Derbyshire's catalogue: six rated standards
        ratings = StandardRating.objects.filter(council=council)
        codes = {
            code: ratings.filter(level__code=code).count() for code in ratings.values_list("level__code", flat=True)
        }
        assert len(codes) >= 3, "most work good, fewer at either end, but every level used"
        assert max(codes.values()) < 0.7 * ratings.count()


def test_the_reporting_figures_read_the_synthetic_years(synthetic):
    with scopes_disabled():
        council = Council.objects.get(slug="synthetic-002")  # Lincolnshire's catalogue: questions and ratings
    this_month = timezone.localdate().replace(day=1)
    filters = Filters(start=add_months(this_month, -12), end=add_months(this_month, -1))
    with scope(council=council):
        rows = compliance(council=council, period=filters.start, until=filters.end, by="team")
        assert sum(r["expected"] for r in rows) > 50
        assert sum(r["completed"] for r in rows) > 40
        forms = ratings_by_standard(council=council, filters=filters)
        assert [s for form in forms for s in form["standards"] if s["total"] > 0]
        assert feedback_summary(council=council, filters=filters)["reviews"] > 40
        assert moderation_summary(council=council, filters=filters)["overall"]


def test_running_it_again_writes_nothing_more(synthetic):
    with scopes_disabled():
        before = Review.objects.filter(council__slug__startswith="synthetic-").count()
    call_command("load_synthetic", councils=4, years=2, reviews_a_year=80, stdout=open("/dev/null", "w"))
    with scopes_disabled():
        assert Review.objects.filter(council__slug__startswith="synthetic-").count() == before
        assert StandardRating.objects.filter(council__slug="synthetic-000").values(
            "review", "standard"
        ).distinct().count() == (StandardRating.objects.filter(council__slug="synthetic-000").count())
