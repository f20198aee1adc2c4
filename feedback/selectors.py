"""Reads about feedback, including the coverage figures reporting uses."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, QuerySet

from audits.models import BestPracticeNotice, Review
from qaportal.models import Council

from .models import ContactAttempt, Contacted, PublicFeedback, ReviewFeedback

COMPLETED = [Review.Status.SUBMITTED, Review.Status.AUTHORISED]


def inbox(*, council: Council, status: str = "") -> QuerySet[PublicFeedback]:
    items = PublicFeedback.objects.filter(council=council).select_related("review__case")
    return items.filter(status=status) if status else items


def public_feedback_in_council(*, council: Council, pk: int) -> PublicFeedback | None:
    item = inbox(council=council).filter(pk=pk).first()
    return item


def best_practice_log(*, council: Council) -> QuerySet[BestPracticeNotice]:
    return (
        BestPracticeNotice.objects.filter(council=council)
        .select_related("review__case__team", "review__template_version__template", "raised_by")
        .order_by("-raised_at")
    )


def best_practice_in_council(*, council: Council, pk: int) -> BestPracticeNotice | None:
    notice = best_practice_log(council=council).filter(pk=pk).first()
    return notice


def feedback_coverage(*, council: Council, month: dt.date) -> list[dict]:
    """Per team, for reviews completed (submitted or authorised) in the month: the share with direct
    feedback from the person, from a representative, from a professional only, none with a reason,
    and the average number of contact attempts. Three queries, whatever the number of reviews."""
    start = month.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1)
    reviews = list(
        Review.objects.filter(
            council=council, status__in=COMPLETED, submitted_at__date__gte=start, submitted_at__date__lt=end
        ).values("pk", "case__team__name")
    )
    ids = [r["pk"] for r in reviews]
    records = {
        f["review_id"]: f
        for f in ReviewFeedback.objects.filter(council=council, review_id__in=ids).values(
            "review_id", "given_by", "feedback", "no_contact_reason"
        )
    }
    attempts = dict(
        ContactAttempt.objects.filter(council=council, review_id__in=ids)
        .values("review_id")
        .annotate(n=Count("pk"))
        .values_list("review_id", "n")
    )
    teams: dict[str, dict] = defaultdict(
        lambda: {
            "reviews": 0,
            "person": 0,
            "representative": 0,
            "professional": 0,
            "reason": 0,
            "none": 0,
            "attempts": 0,
        }
    )
    for review in reviews:
        row = teams[review["case__team__name"]]
        row["reviews"] += 1
        row["attempts"] += attempts.get(review["pk"], 0)
        record = records.get(review["pk"])
        if record and record["feedback"] and record["given_by"] in {c.value for c in Contacted}:
            row[record["given_by"]] += 1
        elif record and record["no_contact_reason"]:
            row["reason"] += 1
        else:
            row["none"] += 1
    result = []
    for team, row in sorted(teams.items()):
        n = row["reviews"]
        result.append(
            {
                "team": team,
                "reviews": n,
                **{
                    f"{key}_share": round(100 * row[key] / n, 1)
                    for key in ["person", "representative", "professional", "reason", "none"]
                },
                "average_attempts": round(row["attempts"] / n, 1),
            }
        )
    return result
