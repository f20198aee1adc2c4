"""The forms of moderation: opening a round, changing one, and the moderator's verdict."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qaportal.fields import DateField, OneLineField, PersonChoiceField, TextField, people_to_choose
from qaportal.models import Council

from .home import PANEL_ROLES
from .models import LearningTheme, ModerationRound
from .quality import quality_levels


class RoundForm(forms.Form):
    name = OneLineField(
        label=_("Name of the round"),
        help_text=_("For example, Moderation April to June 2026."),
        error_messages={"required": _("Enter the name of the round")},
    )
    start = DateField(label=_("Reviews completed from"), help_text=_("For example, 1 4 2026"))
    end = DateField(label=_("Reviews completed up to"), help_text=_("For example, 30 6 2026"))
    templates = forms.MultipleChoiceField(
        label=_("Forms to sample"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one form to sample")},
    )
    sample_rule = forms.ChoiceField(
        label=_("How many reviews to sample"),
        choices=ModerationRound.SampleRule.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how the sample is counted")},
    )
    amount = forms.IntegerField(
        label=_("How many"),
        min_value=1,
        max_value=100,
        help_text=_("The percentage of completed reviews, or the number for each panel member."),
        error_messages={
            "required": _("Enter how many reviews to sample"),
            "invalid": _("Enter how many as a whole number, like 2"),
            "min_value": _("Enter a number of at least 1"),
            "max_value": _("Enter a number no larger than 100"),
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
    )
    panel = forms.ModelMultipleChoiceField(
        label=_("Panel members"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Moderators, and the managers and practitioners the council adds to the panel."),
        error_messages={"required": _("Choose at least one panel member")},
    )
    closes_on = DateField(label=_("The round closes on"), help_text=_("For example, 14 7 2026"))

    def __init__(self, *args, council: Council, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["templates"].choices = [(t.key, t.name) for t in council.review_templates.order_by("order")]
        panel = self.fields["panel"]
        panel.queryset = people_to_choose(council=council, roles=PANEL_ROLES)  # type: ignore[attr-defined]
        panel.label_from_instance = lambda p: f"{p} – {', '.join(m.get_role_display() for m in p.council_memberships)}"  # type: ignore[attr-defined]

    def clean(self):
        data = super().clean()
        start, end, closes = data.get("start"), data.get("end"), data.get("closes_on")
        if start and end and end < start:
            self.add_error("end", _("The last day must be on or after the first day"))
        if end and closes and closes < end:
            self.add_error("closes_on", _("The round must close after the last day of reviews it samples"))
        if data.get("sample_rule") == ModerationRound.SampleRule.PER_MEMBER and (data.get("amount") or 0) > 20:
            self.add_error("amount", _("Give each panel member 20 reviews or fewer"))
        return data


class ExtendForm(forms.Form):
    closes_on = DateField(label=_("New closing date"), help_text=_("For example, 28 7 2026"))


class CancelForm(forms.Form):
    reason = TextField(
        label=_("Why is the round cancelled?"),
        size="short",
        rows=3,
        error_messages={"required": _("Enter why the round is cancelled")},
    )


class ReassignForm(forms.Form):
    to = PersonChoiceField(queryset=None, council=None, label=_("Give the review to"))
    reason = TextField(
        label=_("Why is it reassigned?"),
        size="short",
        rows=3,
        help_text=_("For example, on leave until 3 March."),
        error_messages={"required": _("Enter why the review is reassigned")},
    )

    def __init__(self, *args, council: Council, exclude: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["to"]
        field.queryset = people_to_choose(council=council, roles=PANEL_ROLES, exclude=exclude)  # type: ignore[attr-defined]
        field.council = council  # type: ignore[attr-defined]


AGREE_CHOICES = [("yes", _("Yes, I agree")), ("no", _("No, I would rate it differently"))]


class VerdictForm(forms.Form):
    """The verdict: the review's quality, agree or disagree with each rating (the moderator's own
    rating and why, when they disagree), what it says about practice, feedback, learning themes.

    Saving as a draft checks only that what is given is valid; submitting asks for everything."""

    quality = forms.ChoiceField(label=_("What is the quality of this review?"), widget=forms.RadioSelect)
    practice = TextField(
        label=_("What does the review tell us about the quality of practice on the case?"),
        required=False,
        rows=4,
    )
    feedback = TextField(label=_("Feedback to the reviewer"), required=False, rows=4)
    themes = forms.ModelMultipleChoiceField(
        label=_("Learning themes"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Select all that apply."),
    )

    def __init__(self, *args, council: Council, ratings, levels, submit: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.submit, self.ratings = submit, ratings
        self.fields["quality"].choices = list(quality_levels(council.slug))
        self.fields["quality"].required = submit
        self.fields["quality"].error_messages["required"] = _("Choose the quality of this review")
        self.fields["themes"].queryset = LearningTheme.objects.filter(council=council, retired=False)  # type: ignore[attr-defined]
        for rating in ratings:
            scale = [(str(level.pk), level.label) for level in levels.get(rating.standard.version_id, [])]
            self.fields[f"agree_{rating.pk}"] = forms.ChoiceField(
                label=_("Do you agree with the rating “%(level)s” for %(standard)s?")
                % {"level": rating.level or _("not rated"), "standard": rating.standard},
                choices=AGREE_CHOICES,
                widget=forms.RadioSelect,
                required=submit,
                error_messages={
                    "required": _("Say whether you agree with the rating for %(n)s") % {"n": rating.standard.number}
                },
            )
            self.fields[f"level_{rating.pk}"] = forms.ChoiceField(
                label=_("Your rating for %(n)s") % {"n": rating.standard.number},
                choices=scale,
                widget=forms.RadioSelect,
                required=False,
            )
            self.fields[f"reason_{rating.pk}"] = TextField(
                label=_("Why you would rate %(n)s differently") % {"n": rating.standard.number},
                size="short",
                rows=3,
                required=False,
            )

    def rows(self):
        """Each rated standard with its three fields, for the template."""
        return [
            {
                "rating": r,
                "agree": self[f"agree_{r.pk}"],
                "level": self[f"level_{r.pk}"],
                "reason": self[f"reason_{r.pk}"],
            }
            for r in self.ratings
        ]

    def clean(self):
        data = super().clean()
        standards = {}
        for rating in self.ratings:
            agree = data.get(f"agree_{rating.pk}")
            level_pk, reason = data.get(f"level_{rating.pk}"), data.get(f"reason_{rating.pk}") or ""
            if agree == "no" and self.submit:
                if not level_pk:
                    self.add_error(
                        f"level_{rating.pk}", _("Choose your rating for %(n)s") % {"n": rating.standard.number}
                    )
                elif str(rating.level_id) == level_pk:
                    self.add_error(
                        f"level_{rating.pk}",
                        _("Your rating for %(n)s is the same as the reviewer's: choose “Yes, I agree”")
                        % {"n": rating.standard.number},
                    )
                if not reason.strip():
                    self.add_error(
                        f"reason_{rating.pk}",
                        _("Enter why you would rate %(n)s differently") % {"n": rating.standard.number},
                    )
            standards[rating.pk] = {
                "agrees": {"yes": True, "no": False}.get(agree or ""),
                "level": int(level_pk) if level_pk else None,
                "reason": reason,
            }
        if self.submit and not (data.get("feedback") or "").strip():
            self.add_error("feedback", _("Enter your feedback to the reviewer"))
        data["standards"] = standards
        return data


class ThemeForm(forms.Form):
    name = OneLineField(label=_("Add a theme"), max_length=120, help_text=_("For example, Carers' voice."))


class CommentForm(forms.Form):
    text = TextField(
        label=_("Add a comment"), size="short", rows=3, error_messages={"required": _("Enter your comment")}
    )


class ResolveForm(forms.Form):
    final_level = forms.ChoiceField(label=_("Final rating"), widget=forms.RadioSelect)
    resolution = TextField(
        label=_("Why this is the final rating"),
        size="short",
        rows=3,
        error_messages={"required": _("Enter why this is the final rating")},
    )

    def __init__(self, *args, levels, **kwargs):
        super().__init__(*args, **kwargs)
        self.levels = {str(level.pk): level for level in levels}
        self.fields["final_level"].choices = [(pk, level.label) for pk, level in self.levels.items()]
        self.fields["final_level"].error_messages["required"] = _("Choose the final rating")

    def clean_final_level(self):
        return self.levels[self.cleaned_data["final_level"]]
