"""Form fields render as the GOV.UK component their widget names."""

import re

from django import forms
from django.template.loader import render_to_string

from qaportal.templatetags.gds import _textarea, gds_field


class Choices(forms.Form):
    many = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.CheckboxSelectMultiple)
    one = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)


def test_a_field_taking_several_choices_is_checkboxes_and_one_taking_a_single_choice_is_radios():
    # Django's CheckboxSelectMultiple is a subclass of RadioSelect: once, every "select all that
    # apply" question was drawn as radios, so people could choose only one.
    form = Choices()
    many = render_to_string("gds/field.html", {"field": form["many"]})
    one = render_to_string("gds/field.html", {"field": form["one"]})
    assert many.count('type="checkbox"') == 2 and 'class="govuk-checkboxes"' in many and "radio" not in many
    assert one.count('type="radio"') == 2


class EveryKind(forms.Form):
    two = forms.ChoiceField(
        label="Two <b>choices</b>", choices=[("yes", "Yes"), ("no", "No")], widget=forms.RadioSelect
    )
    four = forms.ChoiceField(
        label="Rating",
        choices=[("O", "Outstanding"), ("G", "Good"), ("RI", "Requires improvement"), ("I", "Inadequate & poor")],
        widget=forms.RadioSelect,
        help_text="Choose one <i>level</i>",
    )
    many = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B"), ("c", "C")], widget=forms.CheckboxSelectMultiple)
    evidence = forms.CharField(label="Evidence", max_length=5000, widget=forms.Textarea, help_text="What you saw")
    notes = forms.CharField(label="Notes", widget=forms.Textarea, required=False)
    name = forms.CharField(
        label="Name", max_length=10, widget=forms.TextInput(attrs={"class": "govuk-input--width-10"})
    )
    pick = forms.ChoiceField(label="Pick", choices=[("", "Choose"), ("x", "X")])
    upload = forms.FileField(label="File", required=False)
    agreed = forms.BooleanField(label="I agree", required=False)
    secret = forms.CharField(widget=forms.HiddenInput, required=False)


def _same(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", str(html).strip()))


def test_the_review_forms_fast_fields_are_the_same_markup_as_the_field_template():
    """`{% gds_field %}` (Python, for pages of many fields) and gds/field.html give the same page, for
    every kind of field, untouched, filled in and with errors."""
    untouched = EveryKind()
    filled = EveryKind(
        {"two": "yes", "four": "RI", "many": ["a", "c"], "evidence": "Seen <script>", "name": "Jo", "pick": "x"}
    )
    wrong = EveryKind({"two": "maybe", "four": "", "many": ["z"], "evidence": "", "name": "x" * 11, "pick": ""})
    wrong.is_valid()
    filled.is_valid()
    for form in (untouched, filled, wrong):
        for field in form:
            assert _same(gds_field(field)) == _same(render_to_string("gds/field.html", {"field": field})), field.name
    assert "govuk-form-group--error" in gds_field(wrong["four"])
    assert "&lt;script&gt;" in gds_field(filled["evidence"]) and "<b>" not in gds_field(untouched["two"])


class Textareas(forms.Form):
    evidence = forms.CharField(label="Evidence", max_length=5000, widget=forms.Textarea, help_text="What you saw")
    notes = forms.CharField(label="Notes", widget=forms.Textarea(attrs={"rows": 3, "spellcheck": True}), required=False)
    locked = forms.CharField(widget=forms.Textarea(attrs={"hidden": False}), disabled=True, required=False)


def test_a_textarea_written_in_python_is_exactly_djangos_own():
    """The review form's evidence boxes are written out in Python, not through Django's widget templates:
    byte for byte what Django writes, whatever was typed (markup, quotes, a leading new line) or not."""
    typed = {"evidence": "\nSeen <script>alert(\"x\")</script> & 'quoted'", "notes": "", "locked": "kept"}
    for form in (Textareas(), Textareas(typed), Textareas({"evidence": ""}), Textareas(initial={"notes": "Before"})):
        form.is_valid()
        for field in form:
            attrs = {"class": "govuk-textarea", "aria-describedby": f"{field.auto_id}-hint"}
            assert _textarea(field, dict(attrs)) == field.as_widget(attrs=dict(attrs)), field.name
    assert "&lt;script&gt;" in _textarea(Textareas(typed)["evidence"], {})
