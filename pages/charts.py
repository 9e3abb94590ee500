"""Charts drawn on the server as inline SVG: no script, no font or file to fetch.

matplotlib's object-oriented API (``Figure``), never ``pyplot``: pyplot keeps
the current figure in global state, which threads serving requests would
share (matplotlib's documentation, "Embedding in a web application server").
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence

import matplotlib
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

# Set once, at import, and never changed: rcParams are global to the process.
matplotlib.rcParams.update(
    {
        # Text stays text (small, searchable, read by screen readers), drawn in
        # the reader's own sans-serif font rather than as embedded glyph paths.
        "svg.fonttype": "none",
        "font.family": "sans-serif",
        # The same data draws the same bytes (element ids are otherwise random).
        "svg.hashsalt": "tracker",
        # Names are data: "$" in an actor's name is a dollar sign, not TeX.
        "text.parse_math": False,
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
)

# Colour-blind-safe (Okabe and Ito), then greys and a dark blue for the twelfth line.
PALETTE = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#F0E442",
    "#000000",
    "#999999",
    "#8C564B",
    "#555555",
    "#1F3A93",
)
# Everything before the <svg> element: the XML declaration and the doctype
# (which names the W3C's DTD by URL) have no place inside an HTML page.
PROLOGUE = re.compile(r"\A.*?(?=<svg\b)", re.DOTALL)
# The fixed size in points: the page's CSS sizes the chart to its column.
FIXED_SIZE = re.compile(r'\s(?:width|height)="[^"]*pt"')
NO_METADATA = {"Creator": None, "Date": None, "Format": None, "Type": None}


def to_svg(figure: Figure, label: str) -> SafeString:
    """The figure as an ``<svg>`` element to put in a page, described by ``label``."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata=NO_METADATA)
    svg = FIXED_SIZE.sub("", PROLOGUE.sub("", buffer.getvalue()), count=2)
    # matplotlib escapes the text it writes, and ``label`` is escaped here.
    return mark_safe(svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1))


def lines_over_time(
    periods: Sequence[str],
    series: Mapping[str, Sequence[int]],
    *,
    label: str,
    ylabel: str,
) -> SafeString:
    """One line per series over ``periods`` (its labels, in order)."""
    figure = Figure(figsize=(8, 3.6))
    axes = figure.add_axes((0.07, 0.14, 0.68, 0.8))
    positions = range(len(periods))
    for colour, (name, values) in zip(PALETTE * 2, series.items(), strict=False):
        axes.plot(positions, values, label=name, color=colour, linewidth=1.5)
    # About a dozen labelled ticks, however many periods.
    step = max(1, len(periods) // 12)
    axes.set_xticks(list(positions)[::step], list(periods)[::step], rotation=45, ha="right")
    axes.set_ylabel(ylabel)
    axes.set_ylim(bottom=0)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    return to_svg(figure, label)


def paired_bars(
    names: Sequence[str],
    pairs: Mapping[str, Sequence[int]],
    *,
    label: str,
    xlabel: str,
) -> SafeString:
    """Horizontal bars, one group per name (top to bottom), one bar per series in ``pairs``."""
    count = max(len(names), 1)
    figure = Figure(figsize=(8, 1.2 + 0.32 * count))
    axes = figure.add_axes((0.3, 0.9 / (1.2 + 0.32 * count), 0.66, 1 - 1.3 / (1.2 + 0.32 * count)))
    height = 0.8 / max(len(pairs), 1)
    for index, (colour, (series, values)) in enumerate(zip(PALETTE, pairs.items(), strict=False)):
        offsets = [row + index * height for row in range(len(names))]
        axes.barh(offsets, values, height=height, label=series, color=colour)
    axes.set_yticks([row + height * (len(pairs) - 1) / 2 for row in range(len(names))], list(names))
    axes.invert_yaxis()
    axes.set_xlabel(xlabel)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=len(pairs), frameon=False)
    return to_svg(figure, label)
