"""The common review model. Cases are identified only by the council's person identifier (PIN)."""

from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from qaportal.models import Council, CouncilOwned, Membership, Team
from standards.models import ReviewKind, Subject


class Case(CouncilOwned):
    """A person's case file, known to QA Portal only by its PIN and who holds the work."""

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="cases")
    pin = models.CharField(_("PIN"), max_length=32, help_text=_("The council's person identifier."))
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="cases", verbose_name=_("owning team"))
    responsible_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    responsible_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A person's case file (by PIN), or a member of staff's supervision file (Coventry's supervision
    # audit and practice observation are about a supervisee: the worker is the supervisee).
    about = models.CharField(max_length=12, choices=Subject.choices, default=Subject.CASE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pin"]
        constraints = [
            models.UniqueConstraint(fields=["council", "pin"], name="case_pin_unique_in_council"),
            models.UniqueConstraint(
                fields=["council", "responsible_worker"],
                condition=models.Q(about="supervisee"),
                name="one_supervision_file_each",
            ),
        ]

    def __str__(self) -> str:
        if self.about == Subject.SUPERVISEE:
            return gettext("Supervision file of %(person)s") % {"person": self.responsible_worker}
        return gettext("PIN %(pin)s") % {"pin": self.pin}


OPEN_STATUSES = ("allocated", "in_progress", "returned")
COMPLETED_STATUSES = ("submitted", "authorised")


class ReviewQuerySet(models.QuerySet):
    """The common questions asked of reviews, said once."""

    def open(self):
        """Allocated, in progress or returned: work still to do."""
        return self.filter(status__in=OPEN_STATUSES)

    def completed(self):
        """Submitted or authorised: the reviewer's work is done."""
        return self.filter(status__in=COMPLETED_STATUSES)

    def authorised(self):
        return self.filter(status="authorised")

    def final(self):
        """Ratings that will not change again (see Review.is_final)."""
        return self.filter(
            models.Q(status="authorised") | models.Q(status="submitted", template_version__requires_authorisation=False)
        )

    def for_teams_over(self, user):
        """Reviews of cases owned by the teams `user` is group manager for."""
        teams = Membership.objects.filter(user=user, role="group_manager").values("team_id")
        return self.filter(case__team_id__in=teams)


_ReviewManager = models.Manager.from_queryset(ReviewQuerySet)
if TYPE_CHECKING:

    class ReviewManager(_ReviewManager):
        pass

else:

    class ReviewManager(type(ScopedManager(council="council", _manager_class=_ReviewManager))):
        """Scoped by django-scopes, as every council-owned model's manager is (see CouncilManager)."""


class Review(CouncilOwned):
    """One audit of one case by one reviewer against one template version.

    The version is fixed when the review starts: publishing a newer version of the template never
    changes the wording or standards of a review already under way.
    """

    class Status(models.TextChoices):
        ALLOCATED = "allocated", _("Allocated")
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        AUTHORISED = "authorised", _("Authorised")
        CANCELLED = "cancelled", _("Cancelled")

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="reviews")
    template_version = models.ForeignKey("standards.TemplateVersion", on_delete=models.PROTECT, related_name="reviews")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews")
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="delegated_reviews",
        help_text=_("A senior practitioner completing the review; the reviewer stays accountable."),
    )
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=ReviewKind.choices, default=ReviewKind.MANDATORY)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ALLOCATED)
    period = models.DateField(help_text=_("The month the review counts towards (its first day)."))
    due_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    authorised_at = models.DateTimeField(null=True, blank=True)
    authorised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    authoriser_comments = models.TextField(blank=True)
    no_qa_actions = models.BooleanField(
        default=False, help_text=_("The reviewer found nothing about this person's care or record to act on.")
    )

    objects: ClassVar[ReviewManager] = ReviewManager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # The last word on the lifecycle: an authorisation time exists exactly when authorised.
            models.CheckConstraint(
                condition=(
                    models.Q(status="authorised", authorised_at__isnull=False)
                    | (~models.Q(status="authorised") & models.Q(authorised_at__isnull=True))
                ),
                name="authorised_at_only_when_authorised",
            ),
        ]
        indexes = [
            models.Index(fields=["council", "status"]),
            models.Index(fields=["council", "case", "created_at"]),
            models.Index(fields=["council", "reviewer", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.template_version.template} of {self.case}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_completed(self) -> bool:
        return self.status in COMPLETED_STATUSES

    @property
    def is_final(self) -> bool:
        """Its ratings will not change again: authorised, or submitted where the form needs no
        authorisation (a submitted review may still be returned and re-rated)."""
        return self.status == self.Status.AUTHORISED or (
            self.status == self.Status.SUBMITTED and not self.template_version.requires_authorisation
        )


class ReviewEvent(CouncilOwned):
    """The audit trail of a review's life: every transition, who made it, when and why.

    Written only by `audits.events.review_event_record`."""

    class Action(models.TextChoices):
        ALLOCATE = "allocate", _("Allocated")
        DELEGATE = "delegate", _("Delegation changed")
        START = "start", _("Started")
        SUBMIT = "submit", _("Submitted")
        RETURN = "return", _("Returned to the reviewer")
        AUTHORISE = "authorise", _("Authorised")
        CANCEL = "cancel", _("Cancelled")
        ESCALATE = "escalate", _("Escalation raised")
        ACKNOWLEDGE = "acknowledge", _("Escalation acknowledged")
        COMPLIMENT = "compliment", _("Logged as a compliment")
        COMPLAINT = "complaint", _("Complaint referred")
        SHARE = "share", _("Best practice shared")

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    action = models.CharField(max_length=30, choices=Action.choices)
    from_status = models.CharField(max_length=12, blank=True, choices=Review.Status.choices)
    to_status = models.CharField(max_length=12, blank=True, choices=Review.Status.choices)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]


class ReviewChange(CouncilOwned):
    """The audit trail of answers: one row for every change to every answer, never updated."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="changes")
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    section = models.CharField(max_length=20)
    field = models.CharField(max_length=200, help_text=_("Which answer, in words, e.g. 'Standard 2 rating'."))
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]


class SectionState(CouncilOwned):
    """Where a section of a review stands, and its version for optimistic locking: two tabs or two
    people saving the same section cannot silently overwrite each other."""

    class Progress(models.TextChoices):
        NOT_STARTED = "not_started", _("Not yet started")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="section_states")
    kind = models.CharField(max_length=20)
    version = models.PositiveIntegerField(default=0)
    progress = models.CharField(max_length=12, choices=Progress.choices, default=Progress.NOT_STARTED)
    saved_at = models.DateTimeField(null=True, blank=True)
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["council", "review", "kind"], name="one_state_per_section")]


class SectionDraft(CouncilOwned):
    """Unsaved input kept aside — by autosave, a conflicting save or an expired session — never the
    live record. The person sees it restored next time they open the section."""

    class Source(models.TextChoices):
        AUTOSAVE = "autosave", _("Autosaved")
        CONFLICT = "conflict", _("Not saved because of a conflict")

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="drafts")
    kind = models.CharField(max_length=20)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    data = models.JSONField()
    base_version = models.PositiveIntegerField(default=0)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.AUTOSAVE)
    saved_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["council", "review", "kind", "user"], name="one_draft_per_person_section")
        ]


class StandardRating(CouncilOwned):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="ratings")
    standard = models.ForeignKey("standards.Standard", on_delete=models.PROTECT, related_name="+")
    level = models.ForeignKey("standards.ScaleLevel", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    evidence = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["council", "review", "standard"], name="one_rating_per_standard")
        ]


class CriterionAnswer(CouncilOwned):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="answers")
    criterion = models.ForeignKey("standards.Criterion", on_delete=models.PROTECT, related_name="+")
    answer = models.TextField(blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["council", "review", "criterion"], name="one_answer_per_criterion")
        ]


class SectionText(CouncilOwned):
    """Free-text sections: summary, general comments, actions, comments of the person audited."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="texts")
    kind = models.CharField(max_length=20)
    text = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["council", "review", "kind"], name="one_text_per_section")]


class QAPlanAction(CouncilOwned):
    """An action about this person's care and record — never staff performance or service themes."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        NOT_NEEDED = "not_needed", _("Not needed")

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="qa_actions")
    order = models.PositiveSmallIntegerField()
    description = models.TextField()
    # The person who will do it. `owner` keeps their name as it was when the action was written (and
    # holds the free-text owner of actions written before owners were people).
    owner_person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="qa_actions"
    )
    owner = models.CharField(max_length=160, blank=True)
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    status_note = models.TextField(blank=True)
    status_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    completed_at = models.DateField(null=True, blank=True, help_text=_("When it was done, or found not needed."))

    class Meta:
        ordering = ["review", "order"]
        constraints = [
            # An action is closed exactly when it has a completion date, and "not needed" says why.
            models.CheckConstraint(
                condition=(models.Q(status="open", completed_at__isnull=True))
                | (models.Q(status__in=["done", "not_needed"], completed_at__isnull=False)),
                name="qa_action_closed_has_date",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="not_needed", status_note=""), name="qa_action_not_needed_says_why"
            ),
        ]
        indexes = [models.Index(fields=["council", "owner_person", "status"])]

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.OPEN and self.due_date is not None and self.due_date < timezone.localdate()


class Escalation(CouncilOwned):
    """An immediate safety, risk or legality concern, sent to the responsible group manager at once."""

    class Concern(models.TextChoices):
        SAFETY = "safety", _("The person's safety")
        RISK = "risk", _("Risk")
        LEGALITY = "legality", _("The legality of decision-making")

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="escalations")
    concern = models.CharField(max_length=10, choices=Concern.choices)
    detail = models.TextField()
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(auto_now_add=True)
    notified_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at"]


class BestPracticeNotice(CouncilOwned):
    """Good practice found in a review, for the quality team's best practice log."""

    review = models.OneToOneField(Review, on_delete=models.CASCADE, related_name="best_practice")
    text = models.TextField()
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(auto_now=True)
    shared_at = models.DateField(null=True, blank=True)
    shared_how = models.CharField(max_length=200, blank=True)


class GuidanceRead(CouncilOwned):
    """That a person has seen a section's guidance (for one version of a form): it is shown open the
    first time, and folded away after, so a long form does not repeat paragraphs people know."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey("standards.TemplateVersion", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, help_text=_("The section, or empty for the form's own guidance."))
    read_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["council", "user", "version", "kind"], name="guidance_read_once")
        ]


class ReviewRead(CouncilOwned):
    """The first time a person read a completed review in full: Somerset's Practice Development
    advanced practitioners see each month's audits they have not yet read."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["review", "user"], name="one_read_per_person")]


class ManagerNote(CouncilOwned):
    """The group manager's private note on a review: themes and staff-performance matters, which
    Derbyshire's guidance keeps out of the PSR ("must not be entered into the Mosaic PSR/SPSR ... tracked,
    monitored and responded to separately by the group manager"). Never part of the review, its page
    or its PDF; read only by the group managers over the case's team and the quality team."""

    review = models.OneToOneField(Review, on_delete=models.CASCADE, related_name="manager_note")
    text = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")


class WorkerInvolvement(CouncilOwned):
    """How the auditor involved the case's allocated worker (Somerset's practice quality framework:
    "The auditor should involve the allocated worker ... If this is not possible, auditors are expected
    to arrange a date to feedback to the worker")."""

    class How(models.TextChoices):
        TOGETHER = "together", _("We did the audit together, face to face or on MS Teams")
        FEEDBACK_AGREED = "feedback_agreed", _("A date is agreed to feed back to them")
        NO_WORKER = "no_worker", _("The case has no allocated worker: I involved the person most recently involved")

    review = models.OneToOneField(Review, on_delete=models.CASCADE, related_name="worker_involvement")
    how = models.CharField(max_length=20, choices=How.choices)
    who = models.CharField(max_length=160, blank=True, help_text=_("Who was involved, if not the allocated worker."))
    feedback_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(how="feedback_agreed") | models.Q(feedback_on__isnull=False),
                name="feedback_date_when_agreed",
            )
        ]


class GroupSession(CouncilOwned):
    """A practitioner-led review is a facilitated session, not one person's form (Derbyshire PSR/SPSR
    guidance: "Practitioners will be invited to a session, placed into smaller reviewer groups and asked
    to review a Mosaic PIN together. These sessions will be facilitated by the Practice Standards Team
    and PSW"). The review's reviewer is the facilitator; this is who took part and what they reflected."""

    review = models.OneToOneField(Review, on_delete=models.CASCADE, related_name="group_session")
    held_on = models.DateField(null=True, blank=True)
    reflections = models.TextField(blank=True)


class SessionAttendee(CouncilOwned):
    session = models.ForeignKey(GroupSession, on_delete=models.CASCADE, related_name="attendees")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["person__last_name", "person__first_name"]
        constraints = [models.UniqueConstraint(fields=["council", "session", "person"], name="attends_once")]
