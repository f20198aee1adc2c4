"""Charts keep their words as text (read out of the PDF, found by search), say what they show, and
are drawn once for the same figures."""

from django.core.cache import cache

from reporting import charts


def ratings_chart():
    return charts.stacked_bars(
        title="Practice Standard Review: ratings by standard",
        alt="Bar chart of the share of each rating for each standard.",
        categories=["1. We make connections and build relationships with people", "2. We listen to people"],
        series=[("Outstanding", [2, 1]), ("Good", [6, 7]), ("Needs Further Work", [2, 2])],
        percent=True,
    )


def test_a_charts_labels_are_text_with_a_title_and_description():
    cache.clear()
    chart = ratings_chart()
    assert "<title>Practice Standard Review: ratings by standard</title>" in chart.svg
    assert "<desc>Bar chart of the share of each rating for each standard.</desc>" in chart.svg
    assert ">Needs Further Work</text>" in chart.svg and ">Share of ratings (%)</text>" in chart.svg
    assert chart.data_uri.startswith("data:image/svg+xml;base64,")


def test_the_same_figures_are_drawn_once_and_different_figures_again():
    cache.clear()
    first = ratings_chart()
    assert len(cache._cache) == 1  # the locmem cache's own store: one chart kept
    assert ratings_chart() == first
    assert len(cache._cache) == 1
    other = charts.bars(title="Reviews each month", alt="Bar chart.", categories=["Jan 26"], series=[("Expected", [3])])
    assert other != first and len(cache._cache) == 2
