"""Sections made of rows that people add and remove — QA plan actions, contact attempts — with the
GOV.UK "add another" pattern: it works without JavaScript (each button saves and shows the page
again) and better with it (static/js/add_another.mjs adds and removes rows in place)."""

from __future__ import annotations

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext as _

# A fixed ceiling on rows: whatever number a request claims, no more forms than this are built.
MAX_ROWS = 20


class RowsForm(forms.Form):
    """A section's own fields plus its rows (a formset), validated and shown as one form.

    Subclasses say which form a row is (`row_form`), its prefix, and how a row is named to people
    (`row_name`: "Action", "Contact attempt")."""

    row_form: type[forms.Form]
    row_prefix = "row"
    row_name: str | Promise = "Row"

    def __init__(self, data=None, *, rows: list[dict], extra: int = 0, row_kwargs: dict | None = None, **kwargs):
        super().__init__(data, **kwargs)
        formset_class = forms.formset_factory(
            self.row_form, extra=extra, can_delete=True, max_num=MAX_ROWS, validate_max=True, absolute_max=MAX_ROWS
        )
        # Input without the rows' management form (a save made by code, or a form without rows)
        # leaves the rows as they are: only rows that are posted are changed.
        self.rows_posted = data is not None and f"{self.row_prefix}-TOTAL_FORMS" in data
        self.rows = formset_class(
            data if self.rows_posted else None, initial=rows, prefix=self.row_prefix, form_kwargs=row_kwargs or {}
        )

    def is_valid(self) -> bool:
        own = super().is_valid()
        return own and (not self.rows_posted or self.rows.is_valid())

    @staticmethod
    def _is_removed(form: forms.Form) -> bool:
        return form.is_bound and bool(form["DELETE"].value())

    def numbered(self) -> list[tuple[int, forms.Form]]:
        """(number, form) for each row that stays, in order: removed rows are not shown again."""
        return list(enumerate((f for f in self.rows.forms if not self._is_removed(f)), start=1))

    def removed(self) -> list[forms.Form]:
        """Rows removed in this request, carried as hidden fields if the page is shown again."""
        return [f for f in self.rows.forms if self._is_removed(f)]

    def removed_ids(self) -> set[int]:
        if not self.rows_posted:
            return set()
        """The saved rows (by id) that were removed, or emptied. Rows not posted at all are left as
        they are (a page from before they were added knows nothing of them)."""
        return {
            f.cleaned_data["id"]
            for f in self.rows.forms
            if f.cleaned_data.get("id") and (f.cleaned_data.get("DELETE") or not self.row_is_filled(f.cleaned_data))
        }

    def kept_rows(self) -> list[dict]:
        """The cleaned rows that are neither removed nor left blank."""
        if not self.rows_posted:
            return [dict(row) for row in self.rows.initial or []]
        return [
            f.cleaned_data
            for f in self.rows.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE") and self.row_is_filled(f.cleaned_data)
        ]

    def row_is_filled(self, row: dict) -> bool:
        return any(v not in (None, "", False) for k, v in row.items() if k not in {"DELETE", "id"})

    def summary_errors(self) -> list[tuple[str, str]]:
        """(anchor, message) for the error summary: the section's own errors, then each row's."""
        found = [("", str(e)) for e in self.non_field_errors()]
        found += [
            (f"id_{self.add_prefix(name)}", str(e))
            for name, errors in self.errors.items()
            if name != "__all__"
            for e in errors
        ]
        found += [("", str(e)) for e in self.rows.non_form_errors()]
        for n, form in self.numbered():
            for name, errors in form.errors.items():
                field = form[name]
                multi = isinstance(field.field.widget, forms.MultiWidget | forms.RadioSelect)
                anchor = f"{field.auto_id}_0" if multi else field.auto_id
                label = _("%(row)s %(n)s") % {"row": self.row_name, "n": n}
                found += [(anchor, f"{label}: {e}") for e in errors]
        return found
