"""The service navigation. Each app registers its own items with the rule for who sees them, so the
lowest app never names the pages of the apps above it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise

from .models import Council, User


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str | Promise
    url_name: str
    order: int
    visible: Callable[[User, Council], bool] = lambda user, council: True
    # The pages this item is "current" on: "namespace:name", or "namespace:*" for a whole app.
    active_for: frozenset[str] = field(default_factory=frozenset)


NAV_ITEMS: dict[str, NavItem] = {}


def register_nav_item(item: NavItem) -> NavItem:
    NAV_ITEMS[item.key] = item
    return item


def _current(request: HttpRequest, items: list[NavItem]) -> str:
    match = request.resolver_match
    if match is None:
        return ""
    name = f"{match.namespace}:{match.url_name}" if match.namespace else (match.url_name or "")
    exact = next((i.key for i in items if name in i.active_for), "")
    return exact or next((i.key for i in items if f"{match.namespace}:*" in i.active_for), "")


def nav_items_for(request: HttpRequest) -> list[dict]:
    council = getattr(request, "council", None)
    user = request.user
    if council is None or not user.is_authenticated:
        return []
    items = sorted((i for i in NAV_ITEMS.values() if i.visible(user, council)), key=lambda i: i.order)
    current = _current(request, items)
    return [
        {
            "label": item.label,
            "url": reverse(item.url_name, kwargs={"council_slug": council.slug}),
            "active": item.key == current,
        }
        for item in items
    ]
