from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from qaportal.fields import DateField, TextField
from qaportal.models import Council, Membership, User
from qaportal.roles import Role
from standards.models import ReviewKind, ReviewTemplate, TemplateVersion

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
        case = Case.objects.filter(council=self.council, pin=pin).first()
        if case is None:
            raise forms.ValidationError(_("There is no case with PIN %(pin)s in this council."), params={"pin": pin})
        return case


def pin_field(council: Council) -> CasePinField:
    return CasePinField(
        label=_("Case PIN"),
        council=council,
        max_length=32,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
    )


class AllocateForm(forms.Form):
    template = TemplateChoiceField(
        label=_("Type of review"), queryset=ReviewTemplate.objects.none(), widget=forms.RadioSelect, empty_label=None
    )
    reviewer = forms.ModelChoiceField(label=_("Reviewer"), queryset=User.objects.none())
    due_date = DateField(
        label=_("Due by"),
        required=False,
        help_text=_("Leave empty for the last working day of this month. For example, 27 3 2026"),
    )

    def __init__(self, *args, council: Council, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"] = pin_field(council)
        self.order_fields(["template", "case", "reviewer", "due_date"])
        template_field = cast(forms.ModelChoiceField, self.fields["template"])
        template_field.queryset = templates_in_use(council)
        reviewer_roles = [
            Role.SERVICE_MANAGER,
            Role.SENIOR_PRACTITIONER,
            Role.ADVANCED_PRACTITIONER,
            Role.PRACTITIONER,
            Role.STRATEGIC_MANAGER,
            Role.DIRECTOR,
            Role.MODERATOR,
        ]
        people = Membership.objects.filter(council=council, role__in=reviewer_roles).values("user_id")
        reviewer_field = cast(forms.ModelChoiceField, self.fields["reviewer"])
        reviewer_field.queryset = User.objects.filter(pk__in=people).order_by("last_name", "first_name")


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
    delegate = forms.ModelChoiceField(
        label=_("Delegate to"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Nobody – I will complete it myself"),
    )

    def __init__(self, *args, review, **kwargs):
        super().__init__(*args, **kwargs)
        roles = review.template_version.delegable_to_roles
        people = Membership.objects.filter(council=review.council, role__in=roles).values("user_id")
        delegate_field = cast(forms.ModelChoiceField, self.fields["delegate"])
        delegate_field.queryset = User.objects.filter(pk__in=people).exclude(pk=review.reviewer_id)


class ReasonForm(forms.Form):
    reason = TextField(label=_("Reason"), size="medium", rows=3)


class CaseSearchForm(forms.Form):
    pin = forms.CharField(label=_("PIN"), max_length=32, required=False)
