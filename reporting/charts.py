"""Charts for dashboards and PDF reports: matplotlib's SVG backend, text kept as text.

A chart is shown as an `<img>` of its SVG (a data URI): the page's Content Security Policy allows
no inline styles, which matplotlib's SVG is full of, and an image keeps them to itself. The `alt`
says what the chart shows, WeasyPrint tags it as a Figure with that text, and every chart has its
data table beside it, so nothing is known only from the picture."""

from __future__ import annotations

import base64
import functools
import hashlib
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

import matplotlib
from django.core.cache import cache

matplotlib.use("svg")  # never a GUI backend in a server
from matplotlib.backends.backend_svg import FigureCanvasSVG  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

# A chart is the picture of its figures only, so it can be kept as long as the cache likes.
CACHE_SECONDS = 24 * 60 * 60
# GOV.UK Design System colours: readable on white, and told apart by more than colour (labels).
COLOURS = ["#00703c", "#1d70b8", "#f47738", "#d4351c", "#4c2c92", "#505a5f", "#912b88", "#28a197"]
STYLE = {
    "svg.fonttype": "none",  # text as text: searchable, and read out of the PDF
    "svg.hashsalt": "qaportal",  # the same chart gives the same file
    "font.family": ["Liberation Sans", "DejaVu Sans"],  # Arial's metrics (fonts-liberation)
    "font.size": 9,
    "axes.edgecolor": "#b1b4b6",
    "axes.labelcolor": "#0b0c0c",
    "xtick.color": "#0b0c0c",
    "ytick.color": "#0b0c0c",
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def _cached(draw: Callable[..., Chart]) -> Callable[..., Chart]:
    """A chart is drawn once for the same figures (about 60 ms each with matplotlib) and then read from
    the cache: a dashboard opened again, or by a colleague, shows the same figures in the same chart."""

    @functools.wraps(draw)
    def cached(**kwargs) -> Chart:
        figures = json.dumps([draw.__name__, kwargs], sort_keys=True, default=str)
        key = "chart:" + hashlib.sha256(figures.encode()).hexdigest()
        found = cache.get(key)
        if found is None:
            found = draw(**kwargs)
            cache.set(key, found, timeout=CACHE_SECONDS)
        return found

    return cached


@dataclass(frozen=True)
class Chart:
    title: str
    alt: str
    svg: str

    @property
    def data_uri(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode()


def _svg(figure: Figure, title: str, alt: str) -> str:
    out = io.StringIO()
    with matplotlib.rc_context(STYLE):
        FigureCanvasSVG(figure).print_svg(out, metadata={"Title": title, "Date": None, "Creator": None})
    svg = out.getvalue()
    # matplotlib writes the title; a description follows it, for anyone who opens the SVG on its own.
    title_end = svg.index("</title>") + len("</title>")
    return f"{svg[:title_end]}<desc>{escape(alt)}</desc>{svg[title_end:]}"


def _figure(height: float) -> Figure:
    with matplotlib.rc_context(STYLE):
        return Figure(figsize=(7.0, height), layout="constrained")


@_cached
def stacked_bars(
    *, title: str, alt: str, categories: Sequence[str], series: Sequence[tuple[str, Sequence[float]]], percent: bool
) -> Chart:
    """Horizontal bars, one per category, each split into the series (e.g. the levels of a scale),
    as shares of the category when `percent`."""
    with matplotlib.rc_context(STYLE):
        figure = _figure(max(1.6, 0.38 * len(categories) + 1.1))
        axes = figure.add_subplot()
        totals = [sum(values[i] for _label, values in series) for i in range(len(categories))]
        left = [0.0] * len(categories)
        labels = [_wrap(c) for c in categories]
        for index, (label, values) in enumerate(series):
            widths = [
                (100 * v / totals[i] if totals[i] else 0.0) if percent else float(v) for i, v in enumerate(values)
            ]
            axes.barh(labels, widths, left=left, label=label, color=COLOURS[index % len(COLOURS)], height=0.6)
            left = [a + b for a, b in zip(left, widths, strict=True)]
        axes.invert_yaxis()  # first category at the top, as in the table
        axes.set_xlabel("Share of ratings (%)" if percent else "Number")
        if percent:
            axes.set_xlim(0, 100)
        axes.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=min(4, len(series)), frameon=False)
    return Chart(title, alt, _svg(figure, title, alt))


@_cached
def bars(*, title: str, alt: str, categories: Sequence[str], series: Sequence[tuple[str, Sequence[float]]]) -> Chart:
    """Grouped vertical bars: one group per category (e.g. a month), one bar per series."""
    with matplotlib.rc_context(STYLE):
        figure = _figure(2.8)
        axes = figure.add_subplot()
        width = 0.8 / max(1, len(series))
        for index, (label, values) in enumerate(series):
            positions = [i + (index - (len(series) - 1) / 2) * width for i in range(len(categories))]
            axes.bar(positions, list(values), width=width, label=label, color=COLOURS[index % len(COLOURS)])
        axes.set_xticks(range(len(categories)), list(categories), rotation=45 if len(categories) > 6 else 0)
        axes.set_ylabel("Number of reviews")
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))  # reviews come whole
        axes.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=min(4, len(series)), frameon=False)
    return Chart(title, alt, _svg(figure, title, alt))


@_cached
def lines(
    *, title: str, alt: str, categories: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]]
) -> Chart:
    """One line per series over the categories (months); gaps where a month has no value."""
    with matplotlib.rc_context(STYLE):
        figure = _figure(2.8)
        axes = figure.add_subplot()
        for index, (label, values) in enumerate(series):
            ys = [float("nan") if v is None else v for v in values]
            axes.plot(
                range(len(categories)), ys, marker="o", label=_wrap(label, 40), color=COLOURS[index % len(COLOURS)]
            )
        axes.set_xticks(range(len(categories)), list(categories), rotation=45 if len(categories) > 6 else 0)
        axes.set_ylim(0, 100)
        axes.set_ylabel("Meeting the standard (%)")
        axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=7)
    return Chart(title, alt, _svg(figure, title, alt))


def _wrap(text: str, width: int = 34) -> str:
    """Long standard titles as two short lines, cut with an ellipsis (the table has them whole)."""
    words, lines_, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines_.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines_.append(line)
    if len(lines_) > 2:
        return lines_[0] + "\n" + lines_[1][: width - 1] + "…"
    return "\n".join(lines_)
