"""The moderation item of the service navigation, for those who run rounds."""

from django.utils.translation import gettext_lazy as _

from qaportal.navigation import NavItem, register_nav_item

from .permissions import can_run_moderation

register_nav_item(
    NavItem(
        "moderation",
        _("Moderation"),
        "moderation:rounds",
        order=48,
        visible=can_run_moderation,
        active_for=frozenset({"moderation:*"}),
    )
)
