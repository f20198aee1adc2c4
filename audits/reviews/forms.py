from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from qaportal.fields import DateField, PersonChoiceField, TextField, people_to_choose
from qaportal.models import Council
from standards.models import ReviewKind, ReviewTemplate, TemplateVersion
from standards.selectors import current_versions

from ..models import Case


class TemplateChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ReviewTemplate) -> str:
        return f"{obj.name} ({obj.short_name})" if obj.short_name else obj.name


def templates_in_use(council: Council):
    in_use = TemplateVersion.objects.filter(council=council, status=TemplateVersion.Status.PUBLISHED).values(
        "template_id"
    )
    return ReviewTemplate.objects.filter(council=council, pk__in=in_use)


class CasePinField(forms.CharField):
    def __init__(self, *args, council: Council, **kwargs):
        super().__init__(*args, **kwargs)
        self.council = council

    def clean(self, value):
        pin = super().clean(value).strip()
        if not pin and not self.required:
            return None
        case = Case.objects.filter(council=self.council, pin=pin).first()
        if case is None:
            raise forms.ValidationError(_("There is no case with PIN %(pin)s in this council."), params={"pin": pin})
        return case


def pin_field(council: Council) -> CasePinField:
    return CasePinField(
        label=_("Case PIN"),
        council=council,
        max_length=32,
        error_messages={"required": _("Enter the PIN of the case")},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
    )


class AllocateForm(forms.Form):
    """A one-off allocation: the form, the case and who will do it. The people offered are those whose
    role can complete a form in use; the rules (peer, look-back) are checked when it is sent."""

    template = TemplateChoiceField(
        label=_("Type of review"),
        queryset=ReviewTemplate.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": _("Choose the type of review")},
    )
    due_date = DateField(
        label=_("Due by"),
        required=False,
        help_text=_("Leave empty for the last working day of this month. For example, 27 3 2026"),
    )

    def __init__(self, *args, council: Council, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"] = pin_field(council)
        templates = templates_in_use(council)
        roles = {role for v in current_versions(council=council) for role in v.completed_by_roles}
        self.fields["reviewer"] = PersonChoiceField(
            people_to_choose(council=council, roles=roles),
            council=council,
            roles=roles,
            label=_("Who will do the review?"),
            help_text=_("Type part of their name, role or team."),
            error_messages={"required": _("Choose who will do the review")},
        )
        self.order_fields(["template", "case", "reviewer", "due_date"])
        template_field = cast(forms.ModelChoiceField, self.fields["template"])
        template_field.queryset = templates


class StartOwnForm(forms.Form):
    template = TemplateChoiceField(
        label=_("Type of review"), queryset=ReviewTemplate.objects.none(), widget=forms.RadioSelect, empty_label=None
    )
    kind = forms.ChoiceField(
        label=_("Kind of review"),
        widget=forms.RadioSelect,
        choices=[
            (ReviewKind.ADDITIONAL, _("Additional review (not counted as mandatory)")),
            (ReviewKind.SELF, _("Self-review of my own work")),
            (ReviewKind.PEER, _("Peer review")),
        ],
    )

    def __init__(self, *args, council: Council, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"] = pin_field(council)
        self.order_fields(["template", "case", "kind"])
        template_field = cast(forms.ModelChoiceField, self.fields["template"])
        template_field.queryset = templates_in_use(council)


class AuthoriseForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Your decision"),
        widget=forms.RadioSelect,
        choices=[
            ("authorise", _("Authorise the review")),
            ("return", _("Return it to the reviewer")),
        ],
    )
    comments = TextField(
        label=_("Comments"),
        required=False,
        size="long",
        help_text=_("Optional when authorising. When returning, say what needs to change."),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not data.get("comments", "").strip():
            self.add_error("comments", _("Say what the reviewer needs to change"))
        return data


class DelegateForm(forms.Form):
    """Hand the review to someone whose role the form allows delegating to, or take it back."""

    def __init__(self, *args, review, **kwargs):
        super().__init__(*args, **kwargs)
        roles = review.template_version.delegable_to_roles
        self.fields["delegate"] = PersonChoiceField(
            people_to_choose(council=review.council, roles=roles, exclude=[review.reviewer_id]),
            council=review.council,
            roles=roles,
            label=_("Delegate to"),
            required=False,
            empty_label=_("Nobody – I will complete it myself"),
        )


class ReasonForm(forms.Form):
    reason = TextField(label=_("Reason"), size="medium", rows=3)


class CaseSearchForm(forms.Form):
    pin = forms.CharField(label=_("PIN"), max_length=32, required=False)


class QAActionUpdateForm(forms.Form):
    """The owner's answer to a QA plan action: done, or not needed and why."""

    status = forms.ChoiceField(
        label=_("Is the action done?"),
        widget=forms.RadioSelect,
        choices=[("done", _("Yes, it is done")), ("not_needed", _("It is not needed"))],
        error_messages={"required": _("Choose whether the action is done or not needed")},
    )
    note = TextField(
        label=_("What was done, or why it is not needed"),
        required=False,
        size="medium",
        rows=3,
        help_text=_("Needed if the action is not needed. For example, the plan was reviewed on 2 December."),
    )
    # "Not needed" without a reason is refused by `services.qa_action_close`, against this field.


class ManagerNoteForm(forms.Form):
    text = TextField(
        label=_("Your private note"),
        required=False,
        size="very_long",
        rows=8,
        help_text=_(
            "Themes, practice concerns or performance matters to follow up outside the review. "
            "Leave it empty to remove the note."
        ),
    )
