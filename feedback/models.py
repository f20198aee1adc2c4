"""The person's voice: feedback in a review, contact attempts, the public form, compliments and complaints."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qaportal.models import CouncilOwned


class Contacted(models.TextChoices):
    PERSON = "person", _("The person")
    REPRESENTATIVE = "representative", _("Their representative")
    PROFESSIONAL = "professional", _("A professional involved in the work")


class ReviewFeedback(CouncilOwned):
    """The person's voice in a review: their feedback, or why it was not sought."""

    GivenBy = Contacted

    class NoContactReason(models.TextChoices):
        UNSAFE = "unsafe", _("Contact would be unsafe")
        INAPPROPRIATE = "inappropriate", _("Contact would be inappropriate")
        DECLINED = "declined", _("The person declined to give feedback")
        UNREACHABLE = "unreachable", _("Not reached after the recommended attempts")
        OTHER = "other", _("Another reason")

    review = models.OneToOneField("audits.Review", on_delete=models.CASCADE, related_name="feedback")
    given_by = models.CharField(max_length=16, choices=Contacted.choices, blank=True)
    feedback = models.TextField(blank=True)
    anonymous = models.BooleanField(default=False)
    no_contact_reason = models.CharField(max_length=16, choices=NoContactReason.choices, blank=True)
    no_contact_detail = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"Feedback for review {self.review_id}"


class ContactAttempt(CouncilOwned):
    """One attempt to reach the person, their representative or a professional for feedback."""

    class Method(models.TextChoices):
        PHONE = "phone", _("Phone")
        EMAIL = "email", _("Email")
        TEXT = "text", _("Text message")
        LETTER = "letter", _("Letter")
        IN_PERSON = "in_person", _("In person")
        VIDEO = "video", _("Video call")

    class Outcome(models.TextChoices):
        REACHED = "reached", _("Reached")
        NO_ANSWER = "no_answer", _("No answer")
        DECLINED = "declined", _("Declined to give feedback")
        WRONG_DETAILS = "wrong_details", _("Wrong contact details")

    review = models.ForeignKey("audits.Review", on_delete=models.CASCADE, related_name="contact_attempts")
    at = models.DateTimeField()
    contacted = models.CharField(max_length=16, choices=Contacted.choices)
    method = models.CharField(max_length=12, choices=Method.choices)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    note = models.CharField(max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_method_display()} to {self.get_contacted_display()} – {self.get_outcome_display()}"


def _token() -> str:
    return secrets.token_urlsafe(24)


class FeedbackLink(CouncilOwned):
    """A one-time link a reviewer shares so that feedback given on the public form joins their review.

    The token is random and says nothing about the person or the case."""

    review = models.ForeignKey("audits.Review", on_delete=models.CASCADE, related_name="feedback_links")
    token = models.CharField(max_length=64, unique=True, default=_token)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Feedback link for review {self.review_id}"


class PublicFeedback(CouncilOwned):
    """Feedback sent through the council's public form, without an account. Anonymous unless the
    person chooses to leave their name or contact details."""

    class Form(models.TextChoices):
        STANDARD = "standard", _("Standard")
        EASY_READ = "easy_read", _("Easy read")

    class Experience(models.TextChoices):
        GOOD = "good", _("Good")
        MIXED = "mixed", _("Some good, some bad")
        BAD = "bad", _("Bad")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        READ = "read", _("Read")
        COMPLIMENT = "compliment", _("Logged as a compliment")
        COMPLAINT = "complaint", _("Referred as a complaint")

    form = models.CharField(max_length=10, choices=Form.choices, default=Form.STANDARD)
    review = models.ForeignKey(
        "audits.Review", on_delete=models.SET_NULL, null=True, blank=True, related_name="public_feedback"
    )
    given_by = models.CharField(max_length=16, choices=Contacted.choices, blank=True)
    experience = models.CharField(max_length=8, choices=Experience.choices, blank=True)
    listened_to = models.CharField(max_length=8, blank=True)
    feedback = models.TextField()
    name = models.CharField(max_length=120, blank=True)
    contact = models.CharField(max_length=200, blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NEW)

    class Meta:
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return f"Feedback {self.reference} to {self.council}"

    @property
    def reference(self) -> str:
        """What the person quotes if they call about their feedback; the quality team finds it by it."""
        return f"FB-{self.pk:06d}"

    @property
    def anonymous(self) -> bool:
        return not (self.name or self.contact)


class Referral(CouncilOwned):
    """Feedback passed on from a review or the inbox: a compliment, sent to the council's compliments
    address to be logged, or a complaint not resolved when it was raised, sent to its complaints contact."""

    class Kind(models.TextChoices):
        COMPLIMENT = "compliment", _("Compliment")
        COMPLAINT = "complaint", _("Complaint")

    kind = models.CharField(max_length=12, choices=Kind.choices)
    review = models.ForeignKey(
        "audits.Review", on_delete=models.SET_NULL, null=True, blank=True, related_name="referrals"
    )
    public_feedback = models.ForeignKey(
        PublicFeedback, on_delete=models.SET_NULL, null=True, blank=True, related_name="referrals"
    )
    text = models.TextField(help_text=_("The compliment, or a summary of the complaint, in the person's words."))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            # One compliment and one complaint at most per public submission, however often it is clicked.
            models.UniqueConstraint(
                fields=["council", "public_feedback", "kind"],
                condition=models.Q(public_feedback__isnull=False),
                name="one_referral_of_each_kind_per_submission",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"
