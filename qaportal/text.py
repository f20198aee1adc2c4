"""Text people type into one-line fields (names, titles): normalised, and never able to pass for
something it is not.

Look-alike names are the worry: a zero-width space or a right-to-left override makes
"Chesterfield\u200b Team" or "\u202emaeT" display as an existing team or person. Such characters have
no place in a name, so they are refused with a clear message rather than silently removed."""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Bidirectional overrides and isolates, zero-width characters, the BOM and other invisible formatting.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad\u180e]")


def normalise(value: str) -> str:
    """NFC, so that the same name typed on two keyboards is the same string."""
    return unicodedata.normalize("NFC", value)


def one_line(value: str) -> str:
    """Collapse every run of whitespace (newlines included) to one space."""
    return " ".join(normalise(value).split())


def problem_in_one_line(value: str) -> str:
    """Why `value` cannot be a name or title, or "" when it can."""
    if _INVISIBLE.search(value):
        return _("Remove the invisible formatting characters (for example a zero-width space or a direction mark)")
    if any(unicodedata.category(ch) in {"Cc", "Cf", "Co", "Cs"} for ch in value if ch not in "\t\n\r"):
        return _("Remove the control characters")
    if any(ch in "\n\r\t" for ch in value):
        return _("Write it on one line")
    return ""


def problem_in_text(value: str) -> str:
    """Why `value` cannot be stored as free text, or "". Several lines, and the direction marks that
    Arabic or Urdu text needs, are fine; control characters (PostgreSQL refuses NUL) are not."""
    if any(unicodedata.category(ch) == "Cc" for ch in value if ch not in "\t\n\r"):
        return _("Remove the control characters")
    return ""


def validate_one_line(value: str) -> None:
    problem = problem_in_one_line(value)
    if problem:
        raise ValidationError(problem, code="invisible")


def clean_one_line(value: str) -> str:
    """The value ready to store, or a ValidationError saying what to change."""
    validate_one_line(value)
    return normalise(value).strip()


def without_control_characters(value: str) -> str:
    return "".join(ch for ch in value if ch in "\t\n\r" or unicodedata.category(ch) != "Cc")
