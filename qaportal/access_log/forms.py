"""The access log's filters."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from ..fields import DateField, PersonChoiceField
from ..models import AccessRecord, Council
from ..selectors import people_in_council


class AccessLogFilterForm(forms.Form):
    """The log's filters, kept in the URL so a search can be shared, bookmarked and downloaded."""

    kind = forms.ChoiceField(
        label=_("What was seen"), required=False, choices=[("", _("Everything")), *AccessRecord.Kind.choices]
    )
    start = DateField(label=_("From"), required=False)
    end = DateField(label=_("To"), required=False)

    def __init__(self, data, *, council: Council):
        super().__init__(data)
        # Everyone who holds a role in the council, read in two queries whatever the size of the log.
        self.fields["person"] = PersonChoiceField(
            people_in_council(council=council),
            council=council,
            required=False,
            label=_("Person"),
            empty_label=_("Everyone"),
        )
        self.order_fields(["person", "kind", "start", "end"])

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("The end date must be the same as or after the start date"))
        for name in ("start", "end"):
            day = data.get(name)
            if isinstance(day, dt.date) and day.year > 9998:
                self.add_error(name, _("Enter a real date, for example 27 3 2026"))
        return data
