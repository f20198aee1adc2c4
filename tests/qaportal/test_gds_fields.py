"""Form fields render as the GOV.UK component their widget names."""

from django import forms
from django.template.loader import render_to_string


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
