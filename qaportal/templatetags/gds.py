"""Helpers for rendering Django form fields as GOV.UK Design System components."""

from django import forms, template
from django.forms.boundfield import BoundField
from django.utils.html import escape
from django.utils.safestring import mark_safe

from qaportal.fields import DateInputWidget

register = template.Library()


def widget_kind(field: BoundField) -> str:
    widget = field.field.widget
    if isinstance(widget, DateInputWidget):
        return "date"
    # Before radios: Django's CheckboxSelectMultiple is a subclass of RadioSelect.
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.ClearableFileInput | forms.FileInput):
        return "file"
    if isinstance(widget, forms.HiddenInput):
        return "hidden"
    return "input"


@register.filter
def gds_kind(field: BoundField) -> str:
    return widget_kind(field)


@register.filter
def gds_anchor(field: BoundField) -> str:
    """The id an error summary links to: the first option of a radio or checkbox group."""
    if widget_kind(field) in {"radios", "checkboxes", "date"}:
        return f"{field.auto_id}_0"
    return field.auto_id


@register.simple_tag
def gds_widget(field: BoundField) -> str:
    kind = widget_kind(field)
    css = {
        "input": "govuk-input",
        "textarea": "govuk-textarea",
        "select": "govuk-select",
        "file": "govuk-file-upload",
        "checkbox": "govuk-checkboxes__input",
    }.get(kind, "")
    if field.errors and kind in {"input", "textarea", "select", "file"}:
        css += f" {css}--error"
    counted = kind == "textarea" and getattr(field.field, "max_length", None)
    if counted:
        css += " govuk-js-character-count"
    existing = field.field.widget.attrs.get("class", "")
    attrs: dict[str, str | bool] = {"class": f"{css} {existing}".strip()}
    described = []
    if counted:
        described.append(f"{field.auto_id}-info")
    if field.help_text:
        described.append(f"{field.auto_id}-hint")
    if field.errors:
        described.append(f"{field.auto_id}-error")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)


@register.simple_tag
def gds_date_parts(field: BoundField) -> list[dict]:
    """Day, month and year boxes of a GOV.UK date input, with what was typed kept as typed."""
    value = field.value()
    if not isinstance(value, list | tuple):
        value = field.field.widget.decompress(value)
    labels = [("Day", "govuk-input--width-2"), ("Month", "govuk-input--width-2"), ("Year", "govuk-input--width-4")]
    error = " govuk-input--error" if field.errors else ""
    return [
        {
            "name": f"{field.html_name}_{i}",
            "id": f"{field.auto_id}_{i}",
            "label": label,
            "value": value[i] if i < len(value) and value[i] is not None else "",
            "css": f"{width}{error}",
        }
        for i, (label, width) in enumerate(labels)
    ]


@register.filter
def guidance(text: str):
    """Council guidance as paragraphs, with lines starting "- " as bullet lists."""
    html = []
    for block in (text or "").replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        paragraph: list[str] = []
        items: list[str] = []
        for line in lines:
            if line.startswith(("- ", "• ")):
                if paragraph:
                    html.append(f'<p class="govuk-body">{"<br>".join(paragraph)}</p>')
                    paragraph = []
                items.append(f"<li>{escape(line[2:].strip())}</li>")
            else:
                if items:
                    html.append(f'<ul class="govuk-list govuk-list--bullet">{"".join(items)}</ul>')
                    items = []
                paragraph.append(escape(line))
        if paragraph:
            html.append(f'<p class="govuk-body">{"<br>".join(paragraph)}</p>')
        if items:
            html.append(f'<ul class="govuk-list govuk-list--bullet">{"".join(items)}</ul>')
    return mark_safe("".join(html))
