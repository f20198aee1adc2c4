from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from .fields import OneLineField, PersonChoiceField, people_to_choose
from .models import Council, Team
from .roles import Profession, Role, TeamKind


class TeamForm(forms.Form):
    name = OneLineField(label=_("Team name"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind of team"), choices=TeamKind.choices, widget=forms.RadioSelect)
    service = OneLineField(
        label=_("Service or area"), max_length=120, required=False, help_text=_("For example, North Derbyshire.")
    )


class RoleFieldsMixin(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, widget=forms.RadioSelect)
    team = forms.ModelChoiceField(
        label=_("Team"),
        queryset=Team.objects.none(),
        required=False,
        empty_label=_("No team"),
        help_text=_(
            "Required for practitioners, senior and advanced practitioners, service managers and "
            "group managers (the team they are over)."
        ),
    )
    profession = forms.ChoiceField(
        label=_("Profession (practitioners only)"),
        choices=[("", _("Not a practitioner"))] + list(Profession.choices),
        required=False,
    )

    def __init__(self, *args, council: Council, **kwargs):
        super().__init__(*args, **kwargs)
        team_field = cast(forms.ModelChoiceField, self.fields["team"])
        team_field.queryset = Team.objects.filter(council=council, is_active=True)


class PersonForm(forms.Form):
    first_name = OneLineField(label=_("First name"), max_length=150)
    last_name = OneLineField(label=_("Last name"), max_length=150)
    email = forms.EmailField(
        label=_("Work email address"),
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class NewPersonForm(PersonForm, RoleFieldsMixin):
    field_order = ["first_name", "last_name", "email", "role", "team", "profession"]


class AddRoleForm(RoleFieldsMixin):
    pass


class StaffImportForm(forms.Form):
    file = forms.FileField(
        label=_("Upload a CSV file"),
        help_text=_("Columns: email, first_name, last_name, role, team, profession. One role per line."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 2 * 1024 * 1024:
            raise forms.ValidationError(_("The file must be smaller than 2 MB."))
        return upload


class SupervisorForm(forms.Form):
    def __init__(self, *args, council: Council, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supervisor"] = PersonChoiceField(
            people_to_choose(council=council, roles=Role.values, exclude=[person.pk]),
            council=council,
            label=_("Who supervises %(person)s?") % {"person": person},
            required=False,
            empty_label=_("Nobody at present"),
            help_text=_("Their supervisor's own supervisor is their supervisor's line manager."),
        )


class SupervisionImportForm(forms.Form):
    file = forms.FileField(
        label=_("Upload a CSV file"),
        help_text=_("Columns: supervisee_email, supervisor_email. One supervisee per line."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 2 * 1024 * 1024:
            raise forms.ValidationError(_("The file must be smaller than 2 MB."))
        return upload
