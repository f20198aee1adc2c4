from django import template

from audits.models import BestPracticeNotice
from standards.forms import YES_NO, YES_PARTLY_NO

register = template.Library()

_CHOICE_LABELS = dict(YES_PARTLY_NO) | dict(YES_NO)


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def answer_label(value: str, review) -> str:
    """An answer as the reviewer chose it: scale codes and yes/partly/no shown as their labels."""
    if not value:
        return ""
    version = review.template_version
    if version.scale_id:
        for level in version.scale.levels.all():
            if level.code == value:
                return level.label
    return str(_CHOICE_LABELS.get(value, value))


@register.filter
def best_practice_of(review):
    try:
        return review.best_practice
    except BestPracticeNotice.DoesNotExist:
        return None
