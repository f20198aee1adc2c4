from django import forms
from django.utils.translation import gettext_lazy as _

from .cqc import CHOICES


class StatementsForm(forms.Form):
    statements = forms.MultipleChoiceField(
        label=_("Which CQC quality statements is this standard evidence for?"),
        choices=CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Select all that apply, or none."),
    )
