"""Home page panels. Apps further down the dependency chain (audits, feedback, …) register the
panels that show a person their own work, so `qaportal` never imports them."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest

# Each panel returns (template name, context) for this person, or None when it has nothing to show.
Panel = Callable[[HttpRequest], tuple[str, dict] | None]
PANELS: list[tuple[int, Panel]] = []


def register_panel(order: int):
    def decorator(panel: Panel) -> Panel:
        PANELS.append((order, panel))
        PANELS.sort(key=lambda item: item[0])
        return panel

    return decorator


def panels_for(request: HttpRequest) -> list[tuple[str, dict]]:
    return [result for _order, panel in PANELS if (result := panel(request)) is not None]
