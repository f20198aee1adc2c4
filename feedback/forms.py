from django import forms
from django.utils.translation import gettext_lazy as _

from qaportal.fields import DateField, OneLineField, TextField

from .models import Contacted, PublicFeedback


class HoneypotMixin(forms.Form):
    # People never see this box; automated scripts fill it in. See `is_spam`.
    website = forms.CharField(required=False, label=_("Leave this box empty"))

    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("website"))


class PublicFeedbackForm(HoneypotMixin):
    given_by = forms.ChoiceField(
        label=_("Who is giving feedback?"),
        required=False,
        widget=forms.RadioSelect,
        choices=[
            (Contacted.PERSON, _("I am the person who was supported")),
            (Contacted.REPRESENTATIVE, _("I am a family member, friend, carer or advocate")),
            (Contacted.PROFESSIONAL, _("I am a professional")),
        ],
    )
    experience = forms.ChoiceField(
        label=_("Overall, how was your experience of adult social care?"),
        choices=PublicFeedback.Experience.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    listened_to = forms.ChoiceField(
        label=_("Did we listen to what matters to you?"),
        required=False,
        widget=forms.RadioSelect,
        choices=[("yes", _("Yes")), ("partly", _("Partly")), ("no", _("No"))],
    )
    feedback = TextField(
        label=_("Tell us about your experience"),
        size="long",
        rows=8,
        help_text=_("What went well, and what could have been better?"),
        error_messages={
            "required": _("Tell us about your experience"),
            "max_length": _("Your feedback must be %(limit_value)s characters or fewer"),
        },
    )
    name = OneLineField(label=_("Your name (optional)"), max_length=120, required=False)
    contact = OneLineField(
        label=_("Phone number or email address (optional)"),
        max_length=200,
        required=False,
        help_text=_("Only if you would like us to contact you. Leave both boxes empty to stay anonymous."),
    )


class EasyReadFeedbackForm(PublicFeedbackForm):
    """The same questions in plain words, one idea at a time."""

    PICTURES = {
        "given_by": ("who", _("A picture of a person.")),
        "experience": ("good", _("A picture of a smiling face.")),
        "listened_to": ("listen", _("A picture of an ear listening.")),
        "feedback": ("write", _("A picture of a pen writing on paper.")),
        "name": ("name", _("A picture of a name badge.")),
        "contact": ("phone", _("A picture of a phone.")),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        f = self.fields
        f["given_by"].label = _("Who are you?")
        f["given_by"].choices = [
            (Contacted.PERSON, _("I get help from social care")),
            (Contacted.REPRESENTATIVE, _("I help someone who gets social care")),
            (Contacted.PROFESSIONAL, _("I work with social care")),
        ]
        f["experience"].label = _("Was your help good?")
        f["experience"].choices = [
            ("good", _("Yes, it was good")),
            ("mixed", _("Some good, some bad")),
            ("bad", _("No, it was bad")),
        ]
        f["listened_to"].label = _("Did we listen to you?")
        f["feedback"].label = _("Tell us what happened")
        f["feedback"].help_text = _("You can write as much or as little as you like.")
        f["name"].label = _("Your name. You do not have to tell us.")
        f["contact"].label = _("Your phone number or email. You do not have to tell us.")
        f["contact"].help_text = _("Only if you want us to talk to you.")
        # A simple picture beside each question (our own drawings: Photosymbols are not available
        # offline), with words for anyone who cannot see it.
        for name, (picture, alt) in self.PICTURES.items():
            f[name].picture = f"img/easy-read/{picture}.svg"
            f[name].picture_alt = alt
        # Errors in the same plain words as the questions.
        choose = _("Please choose one answer.")
        for name in ("given_by", "experience", "listened_to"):
            f[name].error_messages["invalid_choice"] = choose
        f["feedback"].error_messages.update(
            {
                "required": _("Please tell us what happened."),
                "max_length": _("This is too long. Please use fewer words."),
            }
        )
        f["name"].error_messages["max_length"] = _("Your name is too long. Please make it shorter.")
        f["contact"].error_messages["max_length"] = _("This is too long. Please check your phone number or email.")


class ComplaintForm(forms.Form):
    summary = TextField(
        label=_("What is the complaint about?"),
        size="long",
        help_text=_("Use the person's words where you can."),
    )


class SharedForm(forms.Form):
    shared_at = DateField(label=_("When was it shared?"))
    shared_how = OneLineField(
        label=_("How was it shared?"), max_length=200, help_text=_("For example, Practice Week or a training session")
    )
