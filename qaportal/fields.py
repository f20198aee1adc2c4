"""Form fields that follow GOV.UK Design System patterns."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _


class DateInputWidget(forms.MultiWidget):
    """The GOV.UK date input: separate day, month and year boxes."""

    def __init__(self, attrs=None):
        numeric = {"inputmode": "numeric"}
        super().__init__([forms.TextInput(numeric), forms.TextInput(numeric), forms.TextInput(numeric)], attrs)

    def decompress(self, value):
        if isinstance(value, dt.date):
            return [str(value.day), str(value.month), str(value.year)]
        if isinstance(value, str) and value:
            try:
                return self.decompress(dt.date.fromisoformat(value))
            except ValueError:
                return [None, None, None]
        return [None, None, None]


class DateField(forms.MultiValueField):
    widget = DateInputWidget
    default_error_messages = {
        "invalid": _("Enter a real date, for example 27 3 2026"),
        "incomplete": _("The date must include a day, month and year"),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("For example, 27 3 2026"))
        part = forms.CharField(max_length=4)
        super().__init__(fields=[part, part, part], require_all_fields=False, **kwargs)

    def compress(self, data_list):
        if not data_list or not any(data_list):
            return None
        if not all(data_list):
            raise forms.ValidationError(self.error_messages["incomplete"], code="incomplete")
        try:
            day, month, year = (int(x) for x in data_list)
            if year < 1900:
                raise ValueError
            return dt.date(year, month, day)
        except ValueError as exc:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from exc
