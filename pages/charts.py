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
from matplotlib.axes import Axes
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
        "font.size": 10,
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
# Inches: about a phone's width at 10-point text (see figure_with_axes).
WIDTH = 5.0
# Two columns of legend fit the longest stance ("Demand accountability") at a phone's width.
LEGEND_COLUMNS = 2
# Longer names are cut in the chart; the table beside it gives them whole.
NAME_CHARS = 22
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


def figure_with_axes(
    height: float, *, left: float, right: float, top: float, bottom: float
) -> tuple[Figure, Axes]:
    """A figure as wide as a phone's screen at the text's size, with margins in inches.

    Drawn at a phone's width, the chart keeps its text readable when it is
    scaled to the page's column; wider screens show it larger, up to the CSS's cap.
    """
    figure = Figure(figsize=(WIDTH, height))
    axes = figure.add_axes(
        (left / WIDTH, bottom / height, 1 - (left + right) / WIDTH, 1 - (top + bottom) / height)
    )
    return figure, axes


def lines_over_time(
    periods: Sequence[str],
    series: Mapping[str, Sequence[int]],
    *,
    label: str,
    ylabel: str,
) -> SafeString:
    """One line per series over ``periods`` (its labels, in order), the legend below."""
    legend_rows = -(-len(series) // LEGEND_COLUMNS)
    figure, axes = figure_with_axes(
        3.2 + 0.22 * legend_rows, left=0.6, right=0.15, top=0.15, bottom=0.75 + 0.22 * legend_rows
    )
    positions = range(len(periods))
    for colour, (name, values) in zip(PALETTE * 2, series.items(), strict=False):
        axes.plot(positions, values, label=name, color=colour, linewidth=1.5)
    # About eight labelled ticks, however many periods.
    step = max(1, -(-len(periods) // 8))
    axes.set_xticks(list(positions)[::step], list(periods)[::step], rotation=45, ha="right")
    axes.set_ylabel(ylabel)
    axes.set_ylim(bottom=0)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.75 / (3.2 - 0.9)),
        ncols=LEGEND_COLUMNS,
        frameon=False,
        fontsize="small",
        handlelength=1.5,
    )
    return to_svg(figure, label)


def paired_bars(
    names: Sequence[str],
    pairs: Mapping[str, Sequence[int]],
    *,
    label: str,
    xlabel: str,
) -> SafeString:
    """Horizontal bars, one group per name (top to bottom), one bar per series in ``pairs``."""
    figure, axes = figure_with_axes(
        0.9 + 0.3 * max(len(names), 1), left=2.0, right=0.2, top=0.35, bottom=0.55
    )
    height = 0.8 / max(len(pairs), 1)
    for index, (colour, (series, values)) in enumerate(zip(PALETTE, pairs.items(), strict=False)):
        offsets = [row + index * height for row in range(len(names))]
        axes.barh(offsets, values, height=height, label=series, color=colour)
    axes.set_yticks(
        [row + height * (len(pairs) - 1) / 2 for row in range(len(names))],
        [name if len(name) <= NAME_CHARS else name[: NAME_CHARS - 1] + "…" for name in names],
    )
    axes.tick_params(axis="y", labelsize="small")
    axes.invert_yaxis()
    axes.set_xlabel(xlabel)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=len(pairs), frameon=False)
    return to_svg(figure, label)
