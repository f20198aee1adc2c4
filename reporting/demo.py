"""The demo councils start with the suggested CQC mapping of their catalogues."""

from django_scopes import scope

from qaportal.demo import register_demo_step
from qaportal.models import Council

from .services import default_statements_load


@register_demo_step(30)
def load_statement_links(council: Council) -> str:
    with scope(council=council):
        added = default_statements_load(council=council)
    return f"{added} links from standards to CQC quality statements" if added else ""
