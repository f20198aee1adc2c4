"""Agreement coefficients as the moderation pages show them."""

from django import template

from ..agreement import FEW_PAIRS

register = template.Library()


@register.filter
def coefficient(row, name: str) -> str:
    """ "0.62 (0.40 to 0.84)"; a percentage for percentage agreement; a dash when not worked out."""
    found = next((c for c in row.coefficients if c.name == name), None)
    if found is None or found.value is None:
        return "–"
    if name.startswith("Percentage"):
        return f"{found.value:.0%}"
    if found.low is None or found.high is None:
        return f"{found.value:.2f}"
    return f"{found.value:.2f} ({found.low:.2f} to {found.high:.2f})"


@register.filter
def agreement_warning(row) -> str:
    """Why a row's figures should not be leaned on, in plain English, said once for the row (each
    cell shows its own interval)."""
    if not row.coefficients:
        return ""
    pairs = row.coefficients[0].pairs
    if pairs == 0:
        return row.coefficients[0].warning
    said = []
    if pairs < FEW_PAIRS:
        said.append(f"Only {pairs} moderated {'pair' if pairs == 1 else 'pairs'}: too few to mean much.")
    if any(c.value is None for c in row.coefficients):
        said.append("Every rating was in one category, so kappa cannot be worked out: read the percentage.")
    return " ".join(said)
