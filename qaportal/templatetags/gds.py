"""Helpers for rendering Django form fields as GOV.UK Design System components."""

from django import forms, template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.forms.boundfield import BoundField
from django.template.loader import render_to_string
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

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
    if kind == "textarea" and field.field.widget.template_name == TEXTAREA_TEMPLATE:
        return _textarea(field, attrs)
    return field.as_widget(attrs=attrs)


TEXTAREA_TEMPLATE = "django/forms/widgets/textarea.html"


def _textarea(field: BoundField, attrs: dict[str, str | bool]) -> str:
    """What `field.as_widget(attrs=attrs)` returns for Django's own Textarea, the same context written
    out in Python rather than through its two templates (textarea.html and attrs.html): the review
    form's sections have a textarea for every standard's evidence. Compared with Django's own in
    tests/qaportal/test_gds_fields.py."""
    widget = field.field.widget
    if field.field.localize:
        widget.is_localized = True
    attrs = field.build_widget_attrs(attrs, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    context = widget.get_context(field.html_name, field.value(), attrs)["widget"]
    html_attrs = "".join(
        format_html(" {}", name) if value is True else format_html(' {}="{}"', name, str(value))
        for name, value in context["attrs"].items()
        if value is not False
    )
    return format_html(
        '<textarea name="{}"{}>\n{}</textarea>', context["name"], mark_safe(html_attrs), context["value"] or ""
    )


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


# --- a field as a GOV.UK form group, in Python -------------------------------------------------------
# The same markup as templates/gds/field.html (tests/qaportal/test_gds_fields.py compares the two for
# every kind), for the pages that show dozens of fields: the review form's sections. Through the
# template engine each field was some 200 template nodes, a third of a section page's time.


@register.simple_tag
def gds_field(field: BoundField) -> str:
    kind = widget_kind(field)
    if kind in {"hidden", "date", "checkbox"}:  # few of them, and each its own shape: the template
        return render_to_string("gds/field.html", {"field": field})
    auto_id = field.auto_id
    max_length = getattr(field.field, "max_length", None) if kind == "textarea" else None
    group = ["govuk-form-group"]
    if field.errors:
        group.append("govuk-form-group--error")
    if max_length:
        group.append("govuk-character-count")
    counting = format_html(' data-module="govuk-character-count" data-maxlength="{}"', max_length) if max_length else ""
    parts: list[str] = [format_html('<div class="{}" id="{}-group"{}>', " ".join(group), auto_id, counting)]
    if kind in {"radios", "checkboxes"}:
        described = ""
        if field.help_text or field.errors:
            ids = (f"{auto_id}-hint" if field.help_text else "") + (f" {auto_id}-error" if field.errors else "")
            described = format_html(' aria-describedby="{}"', ids)
        parts.append(format_html('<fieldset class="govuk-fieldset"{}>', described))
        parts.append(
            format_html('<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{}</legend>', field.label)
        )
        parts.append(_hint_and_errors(field))
        inline = " govuk-radios--inline" if kind == "radios" and len(getattr(field.field, "choices", [])) <= 2 else ""
        parts.append(format_html('<div class="govuk-{}{}" data-module="govuk-{}">', kind, inline, kind))
        input_type = "radio" if kind == "radios" else "checkbox"
        name = escape(field.html_name)
        # Every option of every rating on the page: each value escaped once, joined as an f-string
        # (format_html's escaping of every argument, constants too, was a tenth of a section page).
        for choice in field:
            option_id, checked = escape(choice.id_for_label), " checked" if choice.data["selected"] else ""
            parts.append(
                f'<div class="govuk-{kind}__item"><input class="govuk-{kind}__input" id="{option_id}" name="{name}" '
                f'type="{input_type}" value="{escape(str(choice.data["value"]))}"{checked}><label class="govuk-label '
                f'govuk-{kind}__label" for="{option_id}">{conditional_escape(choice.choice_label)}</label></div>'
            )
        parts.append(mark_safe("</div></fieldset>"))
    else:
        parts.append(format_html('<label class="govuk-label govuk-label--s" for="{}">{}</label>', auto_id, field.label))
        parts.append(_hint_and_errors(field))
        parts.append(gds_widget(field))
        if max_length:
            parts.append(
                format_html(
                    '<div id="{}-info" class="govuk-hint govuk-character-count__message">{}</div>',
                    auto_id,
                    gettext("You can enter up to %(n)s characters") % {"n": intcomma(max_length)},
                )
            )
    parts.append(mark_safe("</div>"))
    return mark_safe("\n".join(parts))


def _hint_and_errors(field: BoundField) -> str:
    parts: list[str] = []
    if field.help_text:
        parts.append(format_html('<div id="{}-hint" class="govuk-hint">{}</div>', field.auto_id, field.help_text))
    if field.errors:
        hidden = format_html('<span class="govuk-visually-hidden">{}</span> ', gettext("Error:"))
        messages = mark_safe("<br>".join(format_html("{}{}", hidden, error) for error in field.errors))
        parts.append(format_html('<p id="{}-error" class="govuk-error-message">{}</p>', field.auto_id, messages))
    return mark_safe("\n".join(parts))
