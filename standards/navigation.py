"""The standards item of the service navigation: every member may read what they are audited against."""

from django.utils.translation import gettext_lazy as _

from qaportal.navigation import NavItem, register_nav_item

register_nav_item(
    NavItem("catalogue", _("Standards"), "catalogue:index", order=60, active_for=frozenset({"catalogue:*"}))
)
