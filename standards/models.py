"""Per-council standards catalogues and versioned review templates.

A template's content (sections, standards, criteria) belongs to one `TemplateVersion`. Drafts are
edited; publishing freezes a version, and editing again starts a new draft copied from it, so a
review always shows the wording it was started on.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qaportal.models import Council, CouncilOwned


class AnswerKind(models.TextChoices):
    RATING = "rating", _("Rating on the scale")
    YES_PARTLY_NO = "yes_partly_no", _("Yes / Partly / No")
    YES_NO = "yes_no", _("Yes / No")
    TEXT = "text", _("Free text")
    DATE = "date", _("Date")


class SectionKind(models.TextChoices):
    RATINGS = "ratings", _("Ratings per standard")
    QUESTIONS = "questions", _("Questions")
    FEEDBACK = "feedback", _("The person's feedback")
    QA_PLAN = "qa_plan", _("Quality Assurance Plan")
    ESCALATION = "escalation", _("Escalation")
    BEST_PRACTICE = "best_practice", _("Best practice notice")
    SUMMARY = "summary", _("Reviewer's summary")
    GENERAL_COMMENTS = "general_comments", _("General comments")
    ACTIONS = "actions", _("Actions")
    SUBJECT_COMMENTS = "subject_comments", _("Comments of the person audited")
    WORKER_INVOLVEMENT = "worker_involvement", _("Involving the allocated worker")
    SESSION = "session", _("The session: who took part and the group's reflections")
    AUTHORISATION = "authorisation", _("Authorisation")


class Independence(models.TextChoices):
    """Who may review whose work, as each council's document says (checked whenever a review is made)."""

    PEER = "peer", _("A peer: not the case's worker or manager, and not in the team that owns it")
    WITHIN_SERVICE = "within_service", _("Within the service: anyone but the case's worker")
    ENCOURAGED = "encouraged", _("Another team is encouraged, not required: a warning, never a refusal")
    # Line relationships (Coventry): supervisors audit and observe their own supervisees, and the
    # supervisors' line managers audit the supervision records.
    SUPERVISOR = "supervisor", _("Line relationship: the worker's supervisor")
    LINE_MANAGER = "line_manager", _("Line relationship: the worker's supervisor's line manager")


class Subject(models.TextChoices):
    """What a review is about."""

    CASE = "case", _("A person's case file, by its PIN")
    SUPERVISEE = "supervisee", _("A member of staff: their practice or their supervision records")


class Completion(models.TextChoices):
    SINGLE = "single", _("One reviewer")
    JOINT = "joint", _("Reviewer with the worker (joint)")
    GROUP = "group", _("Facilitated group")


class AnsweredBy(models.TextChoices):
    REVIEWER = "reviewer", _("Reviewer")
    SUBJECT = "subject", _("The worker whose practice is audited")


class ReviewKind(models.TextChoices):
    MANDATORY = "mandatory", _("Mandatory")
    ADDITIONAL = "additional", _("Additional")
    SELF = "self", _("Self-review")
    PEER = "peer", _("Peer review")


class RatingScale(CouncilOwned):
    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="rating_scales")
    key = models.SlugField(max_length=60)
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["council", "key"], name="scale_key_unique_in_council")]

    def __str__(self) -> str:
        return self.name


class ScaleLevel(CouncilOwned):
    scale = models.ForeignKey(RatingScale, on_delete=models.CASCADE, related_name="levels")
    order = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=12)
    label = models.CharField(max_length=80)
    score = models.DecimalField(max_digits=5, decimal_places=2, help_text=_("Used in reports."))
    meets_standard = models.BooleanField(default=True)

    class Meta:
        ordering = ["scale", "order"]
        constraints = [
            models.UniqueConstraint(fields=["council", "scale", "code"], name="level_code_unique_in_scale"),
            models.UniqueConstraint(fields=["council", "scale", "order"], name="level_order_unique_in_scale"),
        ]

    def __str__(self) -> str:
        return self.label


class Framework(CouncilOwned):
    """A named set of standards, e.g. Derbyshire's "Safeguarding Practice Standards"."""

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="frameworks")
    key = models.SlugField(max_length=60)
    name = models.CharField(max_length=160)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["council", "key"], name="framework_key_unique_in_council")]

    def __str__(self) -> str:
        return self.name


class ReviewTemplate(CouncilOwned):
    """A kind of review (PSR, SPSR, Supervision audit…). Its content lives in its versions."""

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="review_templates")
    key = models.SlugField(max_length=60)
    name = models.CharField(max_length=160)
    short_name = models.CharField(max_length=40, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]
        constraints = [models.UniqueConstraint(fields=["council", "key"], name="template_key_unique_in_council")]

    def __str__(self) -> str:
        return self.short_name or self.name


class TemplateVersion(CouncilOwned):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Retired")

    template = models.ForeignKey(ReviewTemplate, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="versions")
    scale = models.ForeignKey(RatingScale, on_delete=models.PROTECT, null=True, blank=True, related_name="versions")
    description = models.TextField(blank=True)
    guidance = models.TextField(blank=True)
    completion = models.CharField(max_length=10, choices=Completion.choices, default=Completion.SINGLE)
    completed_by_roles = models.JSONField(default=list)
    delegable_to_roles = models.JSONField(default=list, blank=True)
    requires_authorisation = models.BooleanField(default=True)
    review_kinds = models.JSONField(default=list)
    subject = models.CharField(max_length=12, choices=Subject.choices, default=Subject.CASE)
    independence = models.CharField(max_length=16, choices=Independence.choices, default=Independence.PEER)
    lookback_group = models.CharField(
        max_length=40,
        blank=True,
        help_text=_(
            "Forms sharing this name share the look-back: a case with one of them completed within the "
            "council's look-back period is not given another. Empty: no look-back for this form."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["template", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["council", "template", "number"], name="version_number_unique"),
            models.UniqueConstraint(
                fields=["council", "template"], condition=models.Q(status="draft"), name="one_draft_per_template"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template} version {self.number}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class TemplateSection(CouncilOwned):
    version = models.ForeignKey(TemplateVersion, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=SectionKind.choices)
    required = models.BooleanField(default=True)
    guidance = models.TextField(blank=True)

    class Meta:
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(fields=["council", "version", "kind"], name="section_kind_unique_in_version"),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class Standard(CouncilOwned):
    version = models.ForeignKey(TemplateVersion, on_delete=models.CASCADE, related_name="standards")
    order = models.PositiveSmallIntegerField()
    number = models.CharField(max_length=12)
    title = models.TextField()
    description = models.TextField(blank=True)
    expectations = models.JSONField(
        default=list, blank=True, help_text=_("“What people can expect” statements, where the council has them.")
    )
    rated = models.BooleanField(default=True)
    answered_by = models.CharField(max_length=10, choices=AnsweredBy.choices, default=AnsweredBy.REVIEWER)

    class Meta:
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(fields=["council", "version", "number"], name="standard_number_unique_in_version"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Criterion(CouncilOwned):
    """A question or criterion bullet of a standard."""

    # Set by `selectors.repeated_criteria` for the catalogue editor: the question repeating this one.
    repeated_in: str = ""

    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="criteria")
    order = models.PositiveSmallIntegerField()
    number = models.CharField(max_length=12)
    text = models.TextField()
    guidance = models.TextField(blank=True)
    answer_kind = models.CharField(max_length=16, choices=AnswerKind.choices, default=AnswerKind.YES_PARTLY_NO)
    comment = models.BooleanField(default=True, help_text=_("Show a comment box beside the answer."))
    required = models.BooleanField(default=True)

    class Meta:
        ordering = ["standard", "order"]

    def __str__(self) -> str:
        return f"{self.number} {self.text[:60]}"
