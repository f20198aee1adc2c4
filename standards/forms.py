"""Forms for editing catalogue drafts, and the review form sections generated from a template version."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from qaportal.fields import DateField, OneLineField, TextField
from qaportal.roles import Role

from .models import (
    AnsweredBy,
    AnswerKind,
    Completion,
    Independence,
    RatingScale,
    ReviewKind,
    SectionKind,
    Standard,
    Subject,
    TemplateVersion,
)

YES_PARTLY_NO = [("yes", _("Yes")), ("partly", _("Partly")), ("no", _("No"))]
YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class StandardForm(forms.Form):
    number = OneLineField(
        label=_("Number"), max_length=12, widget=forms.TextInput(attrs={"class": "govuk-input--width-4"})
    )
    title = TextField(label=_("Standard"), size="medium", rows=2)
    description = TextField(label=_("Description"), required=False, size="very_long", rows=3)
    expectations = TextField(
        label=_("What people can expect"),
        required=False,
        size="very_long",
        rows=4,
        help_text=_("One statement per line."),
    )
    rated = forms.BooleanField(label=_("The reviewer rates this standard on the scale"), required=False)
    answered_by = forms.ChoiceField(
        label=_("Answered by"), choices=AnsweredBy.choices, widget=forms.RadioSelect, initial=AnsweredBy.REVIEWER
    )

    def clean_expectations(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["expectations"].splitlines() if line.strip()]

    @staticmethod
    def initial_from(standard: Standard) -> dict:
        return {
            "number": standard.number,
            "title": standard.title,
            "description": standard.description,
            "expectations": "\n".join(standard.expectations),
            "rated": standard.rated,
            "answered_by": standard.answered_by,
        }


class CriterionForm(forms.Form):
    number = OneLineField(
        label=_("Number"), max_length=12, widget=forms.TextInput(attrs={"class": "govuk-input--width-4"})
    )
    text = TextField(label=_("Question or criterion"), size="medium", rows=3)
    guidance = TextField(label=_("Guidance for the reviewer"), required=False, size="very_long", rows=3)
    answer_kind = forms.ChoiceField(
        label=_("Answer"), choices=AnswerKind.choices, widget=forms.RadioSelect, initial=AnswerKind.YES_PARTLY_NO
    )
    comment = forms.BooleanField(label=_("Show a comment box"), required=False, initial=True)
    required = forms.BooleanField(label=_("An answer is required"), required=False, initial=True)


SECTION_USE = [("", _("Not included")), ("optional", _("Optional")), ("required", _("Required"))]


class VersionSettingsForm(forms.Form):
    name = OneLineField(label=_("Name"), max_length=160)
    short_name = OneLineField(
        label=_("Short name"), max_length=40, required=False, help_text=_("How staff refer to it, for example PSR.")
    )
    description = TextField(label=_("Description"), required=False, size="very_long", rows=3)
    guidance = TextField(label=_("Guidance shown at the start of the review"), required=False, size="very_long", rows=6)
    scale = forms.ModelChoiceField(
        label=_("Rating scale"), queryset=RatingScale.objects.none(), required=False, empty_label=_("No scale")
    )
    completion = forms.ChoiceField(label=_("Completed by"), choices=Completion.choices, widget=forms.RadioSelect)
    completed_by_roles = forms.MultipleChoiceField(
        label=_("Roles who may complete it"), choices=Role.choices, widget=forms.CheckboxSelectMultiple
    )
    delegable_to_roles = forms.MultipleChoiceField(
        label=_("Roles it may be delegated to"),
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    requires_authorisation = forms.BooleanField(label=_("A group manager must authorise it"), required=False)
    review_kinds = forms.MultipleChoiceField(
        label=_("Kinds of review that may use it"), choices=ReviewKind.choices, widget=forms.CheckboxSelectMultiple
    )
    subject = forms.ChoiceField(label=_("What a review is about"), choices=Subject.choices, widget=forms.RadioSelect)
    independence = forms.ChoiceField(
        label=_("Who may review a case"), choices=Independence.choices, widget=forms.RadioSelect
    )
    lookback_group = forms.SlugField(
        label=_("Look-back group"),
        required=False,
        max_length=40,
        help_text=_(
            "Forms with the same look-back group share the look-back, for example psr-spsr. "
            "Leave empty for no look-back."
        ),
    )

    def __init__(self, *args, version: TemplateVersion, **kwargs):
        super().__init__(*args, **kwargs)
        scale_field = cast(forms.ModelChoiceField, self.fields["scale"])
        scale_field.queryset = RatingScale.objects.filter(council=version.council)
        used = {s.kind: s for s in version.sections.all()}
        for kind, label in SectionKind.choices:
            self.fields[f"section_{kind}"] = forms.ChoiceField(
                label=label,
                choices=SECTION_USE,
                required=False,
                widget=forms.RadioSelect,
                initial=("required" if used[kind].required else "optional") if kind in used else "",
            )
        self._guidance = {kind: s.guidance for kind, s in used.items()}

    @staticmethod
    def initial_from(version: TemplateVersion) -> dict:
        return {
            "name": version.template.name,
            "short_name": version.template.short_name,
            "description": version.description,
            "guidance": version.guidance,
            "scale": version.scale,
            "completion": version.completion,
            "completed_by_roles": version.completed_by_roles,
            "delegable_to_roles": version.delegable_to_roles,
            "requires_authorisation": version.requires_authorisation,
            "review_kinds": version.review_kinds,
            "subject": version.subject,
            "independence": version.independence,
            "lookback_group": version.lookback_group,
        }

    def clean(self):
        data = super().clean()
        line = {Independence.SUPERVISOR, Independence.LINE_MANAGER}
        if data.get("subject") == Subject.SUPERVISEE and data.get("independence") not in line:
            self.add_error(
                "independence",
                _("A review of a member of staff is by their supervisor or their supervisor's line manager."),
            )
        return data

    def section_fields(self):
        return [self[f"section_{kind}"] for kind in SectionKind.values]

    def other_fields(self):
        return [f for f in self if not f.name.startswith("section_")]

    def cleaned_settings(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if not k.startswith("section_")}
        data["sections"] = [
            {
                "kind": kind,
                "required": self.cleaned_data[f"section_{kind}"] == "required",
                "guidance": self._guidance.get(kind, ""),
            }
            for kind in SectionKind.values
            if self.cleaned_data.get(f"section_{kind}")
        ]
        return data


class ScaleForm(forms.Form):
    name = OneLineField(label=_("Name"), max_length=120)
    key = forms.SlugField(label=_("Key"), max_length=60, help_text=_("Lower-case letters, digits and hyphens."))
    levels = TextField(
        label=_("Levels, best first"),
        size="medium",
        rows=5,
        help_text=_(
            "One level per line: code | label | score | meets standard (yes or no). For example: G | Good | 2 | yes"
        ),
    )

    def clean_levels(self) -> list[dict]:
        levels, problems = [], []
        for n, line in enumerate(self.cleaned_data["levels"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            if len(parts) != 4 or not parts[0] or not parts[1]:
                problems.append(_("Line %(n)s needs four parts separated by |") % {"n": n})
                continue
            try:
                score = float(parts[2])
            except ValueError:
                problems.append(_("Line %(n)s: the score must be a number") % {"n": n})
                continue
            if parts[3].lower() not in {"yes", "no"}:
                problems.append(_("Line %(n)s: say yes or no for meets standard") % {"n": n})
                continue
            levels.append(
                {"code": parts[0], "label": parts[1], "score": score, "meets_standard": parts[3].lower() == "yes"}
            )
        if problems:
            raise forms.ValidationError(problems)
        if len(levels) < 2:
            raise forms.ValidationError(_("A scale needs at least two levels."))
        if len({lv["code"] for lv in levels}) != len(levels) or len({lv["label"] for lv in levels}) != len(levels):
            raise forms.ValidationError(_("Each level needs its own code and label."))
        return levels


class CatalogueImportForm(forms.Form):
    file = forms.FileField(label=_("Upload a catalogue JSON file"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("The file must be smaller than 5 MB."))
        return upload


# --- the review form, generated from a template version -------------------------------------------


def answer_field(
    kind: str, *, label: str, required: bool, scale_choices: list[tuple[str, str]], help_text: str = ""
) -> forms.Field:
    if kind == AnswerKind.RATING:
        return forms.ChoiceField(
            label=label, choices=scale_choices, widget=forms.RadioSelect, required=required, help_text=help_text
        )
    if kind == AnswerKind.YES_PARTLY_NO:
        return forms.ChoiceField(
            label=label, choices=YES_PARTLY_NO, widget=forms.RadioSelect, required=required, help_text=help_text
        )
    if kind == AnswerKind.YES_NO:
        return forms.ChoiceField(
            label=label, choices=YES_NO, widget=forms.RadioSelect, required=required, help_text=help_text
        )
    if kind == AnswerKind.DATE:
        return DateField(label=label, required=required, help_text=help_text or _("For example, 27 3 2026"))
    return TextField(label=label, required=required, help_text=help_text, size="long", rows=4)


class RatingsForm(forms.Form):
    """One rating on the template's scale, with evidence, for each rated standard."""

    def __init__(self, *args, version: TemplateVersion, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(lv.code, lv.label) for lv in version.scale.levels.all()] if version.scale else []
        self.groups = []
        for standard in version.standards.all():
            if not standard.rated:
                continue
            rating = f"rating_{standard.pk}"
            evidence = f"evidence_{standard.pk}"
            self.fields[rating] = answer_field(
                AnswerKind.RATING, label=str(_("Rating")), required=True, scale_choices=choices
            )
            self.fields[evidence] = TextField(label=_("Evidence for this rating"), size="long", rows=5, required=True)
            self.groups.append((standard, [rating, evidence]))

    def grouped(self):
        return [(standard, [self[name] for name in names]) for standard, names in self.groups]


class QuestionsForm(forms.Form):
    """An answer (and comment where the template asks for one) to each criterion."""

    def __init__(self, *args, version: TemplateVersion, answered_by: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(lv.code, lv.label) for lv in version.scale.levels.all()] if version.scale else []
        self.groups = []
        for standard in version.standards.all():
            if answered_by is not None and standard.answered_by != answered_by:
                continue  # the other party's part of the form (see audits' worker part)
            names = []
            for criterion in standard.criteria.all():
                answer = f"answer_{criterion.pk}"
                self.fields[answer] = answer_field(
                    criterion.answer_kind,
                    label=f"{criterion.number} {criterion.text}",
                    required=criterion.required,
                    scale_choices=choices,
                    help_text=criterion.guidance,
                )
                names.append(answer)
                if criterion.comment and criterion.answer_kind != AnswerKind.TEXT:
                    comment = f"comment_{criterion.pk}"
                    self.fields[comment] = TextField(
                        label=_("Comments on %(n)s") % {"n": criterion.number}, required=False, size="medium", rows=2
                    )
                    names.append(comment)
            if names:
                self.groups.append((standard, names))

    def grouped(self):
        return [(standard, [self[name] for name in names]) for standard, names in self.groups]
