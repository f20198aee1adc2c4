"""The reports item of the service navigation."""

from django.utils.translation import gettext_lazy as _

from qaportal.navigation import NavItem, register_nav_item

from .permissions import can_read_compliance

register_nav_item(
    NavItem(
        "reports",
        _("Reports"),
        "reporting:reports",
        order=45,
        visible=can_read_compliance,
        active_for=frozenset({"reporting:*"}),
    )
)
