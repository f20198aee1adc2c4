"""The person's voice in the demo's year of history: on every past completed review whose form asks
for it, the attempts the reviewer made to reach the person, and their feedback or why there is none.
Deterministic (seeded by the council) and idempotent: only reviews with no feedback and no attempts
recorded are written. Past attempts are dated as they were made.

In roughly the proportions a quality team sees: about 7 in 10 reviews hear from the person or their
representative, 1 in 10 only from a professional after the recommended attempts to reach the person,
and 2 in 10 have none, with the reason; teams lean a little either way."""

from __future__ import annotations

import datetime as dt
import random

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone
from django_scopes import scope

from audits.models import Review
from qaportal.demo import office_moment, register_demo_step, team_tilt
from qaportal.models import Council
from standards.models import SectionKind

from .models import ContactAttempt, Contacted, ReviewFeedback

Method = ContactAttempt.Method
Outcome = ContactAttempt.Outcome
Reason = ReviewFeedback.NoContactReason

# Who was heard, before a team's lean: the person (or their representative), a professional, nobody.
HEARD = {"person": 0.7, "professional": 0.1, "nobody": 0.2}
ANONYMOUS = 0.15
WORDS = {
    Contacted.PERSON: [
        "She listened to me and didn't rush. I can stay in my own home, which is what I wanted.",
        "I'm happy with my carers. I'd like to know who is coming each morning.",
        "It took a long time to hear back after my first call, but once she came it was sorted quickly.",
        "They asked what matters to me, not just what I can't do. I felt listened to.",
        "I didn't understand the letter about paying for my care. The social worker explained it on the phone.",
        "The equipment has made a big difference. I can get in and out of the bath on my own again.",
        "I had to tell my story three times to different people.",
    ],
    Contacted.REPRESENTATIVE: [
        "As Mum's daughter, I felt involved in every decision. We were kept up to date.",
        "My husband can't use the phone now. The worker made time to see us both at home.",
        "We're grateful for the respite, but we weren't told about the carer's assessment until we asked.",
        "Dad's social worker was patient with him and explained things in a way he understood.",
        "The support plan doesn't say how Dad likes things done. We had to tell the carers ourselves.",
    ],
    Contacted.PROFESSIONAL: [
        "As the person's district nurse, I found the social worker easy to reach and quick to act.",
        "The GP practice was kept informed, and the plan matched what we had agreed at the meeting.",
        "From the care home's side: the assessment was thorough, but we needed the plan sooner.",
        "Good joint working with the community mental health team. Risks were shared clearly.",
    ],
}
REASONS = {
    Reason.UNREACHABLE: [
        "No answer to calls or the letter. The phone number in the record may be out of date.",
        "Calls went unanswered and the letter was not returned.",
    ],
    Reason.DECLINED: [
        "He said he was happy with his support and did not want to answer questions.",
        "She did not want to talk about it again so soon after the assessment.",
    ],
    Reason.INAPPROPRIATE: [
        "The person is receiving end of life care. Their family asked not to be contacted at this time.",
        "The person has advanced dementia and no one acts for them. An advocate has been requested.",
    ],
    Reason.UNSAFE: [
        "Contact could alert the person's partner, who is the subject of a safeguarding enquiry.",
        "The person's mail and phone are controlled by a family member. Contact could put them at risk.",
    ],
    Reason.OTHER: [
        "The person moved into a care home out of the county. The home has not replied.",
        "The person died before feedback could be sought.",
    ],
}
NOTES = {
    (Method.PHONE, Outcome.NO_ANSWER): "Left a voicemail",
    (Method.LETTER, Outcome.NO_ANSWER): "Sent the easy read feedback form",
    (Method.PHONE, Outcome.WRONG_DETAILS): "Number not in use",
}


@register_demo_step(10)
def load_feedback(council: Council) -> str:
    if settings.QAPORTAL_DEMO_HISTORY_MONTHS <= 0:
        return ""
    with scope(council=council):
        written = _write(council)
    return f"the person's feedback on {written} past reviews" if written else ""


@transaction.atomic
def _write(council: Council) -> int:
    this_month = timezone.localdate().replace(day=1)
    reviews = list(
        Review.objects.filter(
            council=council, period__lt=this_month, template_version__sections__kind=SectionKind.FEEDBACK
        )
        .completed()
        .exclude(Exists(ReviewFeedback.objects.filter(review=OuterRef("pk"))))
        .exclude(Exists(ContactAttempt.objects.filter(review=OuterRef("pk"))))
        .select_related("case__team")
        .order_by("pk")
    )
    rng = random.Random(f"feedback-{council.slug}")
    records: list[ReviewFeedback] = []
    attempts: list[ContactAttempt] = []
    for review in reviews:
        # A team whose workers keep people's contact details up to date reaches more of them.
        lean = 0.1 * team_tilt(review.case.team.name, "feedback-reached")
        heard = rng.choices(
            list(HEARD), weights=[HEARD["person"] + lean, HEARD["professional"], HEARD["nobody"] - lean]
        )[0]
        record, tries = _heard(council, rng, heard)
        record.review = review
        records.append(record)
        for at, (contacted, method, outcome) in zip(_times(rng, review, len(tries)), tries, strict=True):
            attempts.append(
                ContactAttempt(
                    council=council,
                    review=review,
                    at=at,
                    contacted=contacted,
                    method=method,
                    outcome=outcome,
                    note=NOTES.get((method, outcome), "") if rng.random() < 0.5 else "",
                    recorded_by_id=review.reviewer_id,
                )
            )
    ReviewFeedback.objects.bulk_create(records)
    ContactAttempt.objects.bulk_create(attempts)
    # Written up soon after each attempt, not today (bulk_create stamps auto_now_add fields with now).
    ContactAttempt.objects.filter(council=council, pk__in=[a.pk for a in attempts]).update(
        recorded_at=F("at") + dt.timedelta(minutes=20)
    )
    return len(records)


Try = tuple[str, str, str]  # (who was contacted, how, what happened)


def _heard(council: Council, rng: random.Random, heard: str) -> tuple[ReviewFeedback, list[Try]]:
    """The feedback record and the attempts that led to it, in order."""
    recommended = council.recommended_contact_attempts
    if heard == "person":
        given_by = rng.choices([Contacted.PERSON, Contacted.REPRESENTATIVE], weights=[65, 35])[0]
        tries = [_unanswered(rng, given_by) for _i in range(rng.choices([0, 1, 2], weights=[55, 30, 15])[0])]
        tries.append(
            (given_by, rng.choices([Method.PHONE, Method.IN_PERSON, Method.EMAIL], [6, 3, 1])[0], Outcome.REACHED)
        )
        return _said(council, rng, given_by, anonymous=rng.random() < ANONYMOUS), tries
    if heard == "professional":
        # The recommended attempts to reach the person first, then a professional's view.
        tries = [_unanswered(rng, Contacted.PERSON) for _i in range(recommended)]
        tries.append((Contacted.PROFESSIONAL, rng.choice([Method.PHONE, Method.EMAIL]), Outcome.REACHED))
        return _said(council, rng, Contacted.PROFESSIONAL, anonymous=False), tries
    reason = rng.choices(list(REASONS), weights=[35, 25, 15, 10, 15])[0]
    if reason == Reason.UNREACHABLE:
        tries = [_unanswered(rng, Contacted.PERSON) for _i in range(recommended)]
    elif reason == Reason.DECLINED:
        tries = [(Contacted.PERSON, rng.choice([Method.PHONE, Method.IN_PERSON]), Outcome.DECLINED)]
    elif reason == Reason.OTHER:
        tries = [(Contacted.PERSON, Method.PHONE, Outcome.WRONG_DETAILS)] if rng.random() < 0.5 else []
    else:
        tries = []  # unsafe or inappropriate: not tried at all
    return ReviewFeedback(
        council=council, no_contact_reason=reason, no_contact_detail=rng.choice(REASONS[reason])
    ), tries


def _said(council: Council, rng: random.Random, given_by: str, *, anonymous: bool) -> ReviewFeedback:
    words = rng.choice(WORDS[Contacted(given_by)])
    return ReviewFeedback(council=council, given_by=given_by, feedback=words, anonymous=anonymous)


def _unanswered(rng: random.Random, contacted: str) -> Try:
    method = rng.choices([Method.PHONE, Method.LETTER, Method.EMAIL, Method.TEXT], weights=[6, 2, 1, 1])[0]
    return contacted, method, rng.choices([Outcome.NO_ANSWER, Outcome.WRONG_DETAILS], weights=[9, 1])[0]


def _times(rng: random.Random, review: Review, count: int) -> list[dt.datetime]:
    """`count` times spread between the review's start and its submission, in order."""
    assert review.started_at is not None and review.submitted_at is not None
    start, end = review.started_at, review.submitted_at
    return sorted(office_moment(rng, start, end, (i + 1) / (count + 1)) for i in range(count))
