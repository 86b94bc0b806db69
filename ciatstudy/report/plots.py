"""Charts with one colour per segment (Okabe–Ito, colour-blind safe), French labels, fixed output."""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")  # no screen in batch runs; also keeps output identical across machines

import matplotlib.pyplot as plt  # noqa: E402

from . import labels  # noqa: E402
from .typography import french_text  # noqa: E402

if TYPE_CHECKING:
    import pandas as pd

# Okabe & Ito (2008): distinguishable with the common colour-vision deficiencies.
SEGMENT_COLOURS = {"tous": "#555555", "mda": "#E69F00", "non_mda": "#0072B2"}
# Lines, not dots: a dotted hatch is thousands of tiny paths in the SVG twin of every chart.
SEGMENT_HATCHES = {"tous": "", "mda": "//", "non_mda": "\\\\"}

plt.rcParams.update(
    {
        "font.family": "DejaVu Sans",  # ships with matplotlib, renders French accents
        "font.size": 10,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "svg.hashsalt": "ciatstudy",
        "axes.formatter.use_locale": False,
    }
)


def colour(segment: str, index: int = 0) -> str:
    fallback = ["#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442"]
    return SEGMENT_COLOURS.get(segment, fallback[index % len(fallback)])


def fr_number(value: float, decimals: int = 0) -> str:
    from ..data.rounding import format_fr

    return format_fr(value, decimals)


def _reading(fig, text: str):
    """Attach the chart's « Lecture : » sentence and hand it to the next :func:`render.figure_html`."""
    from . import render

    fig.ciatstudy_reading = text
    render.remember_reading(text)
    return fig


def _short(text: str, width: int = 80) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1].rsplit(" ", 1)[0] + " …"


def _value_text(value: float, percent: bool) -> str:
    return fr_number(value * 100, 0) + "\u00a0%" if percent else fr_number(value, 0)


def grouped_barh(
    frame,
    *,
    category: str = "item",
    value: str = "value",
    segment: str = "segment",
    segment_labels: dict[str, str] | None = None,
    category_labels: dict[str, str] | None = None,
    xlabel: str = "",
    percent: bool = False,
    order: list[str] | None = None,
    width: float = 8.0,
    legend_single: bool = False,
    low: str | None = None,
    high: str | None = None,
):
    """Horizontal grouped bars, one colour (and hatch) per segment, value printed at each bar end.

    Each category gets the room its wrapped label needs, so long labels never overlap. With ``low`` and
    ``high``, the 95 % interval is a thin line of the segment's colour just under its bar, not a whisker
    drawn through it. The figure carries a « Lecture : » sentence on its largest bar (``fig.ciatstudy_reading``).

    The defaults read the design's tidy question table (``selection_rates``,
    ``agreement_scores``): one bar per ``item`` and ``segment``, length ``value``.

    Parameters
    ----------
    frame : pandas.DataFrame
        Long table, one row per category × segment.
    category, value, segment : str
        Columns holding the bar's category (one row of bars each), its length and its segment.
    segment_labels : dict, optional
        Legend text per segment code (default: the codes themselves).
    category_labels : dict, optional
        Axis text per category (default: the categories themselves), wrapped at 48 characters.
    xlabel : str
        Title of the value axis.
    percent : bool
        Values are shares in 0..1: axis and bar labels in French percent style (``79 %``).
    order : list of str, optional
        Categories from top to bottom (default: order of first appearance).
    width : float
        Figure width in inches; the height follows the number of bars.
    legend_single : bool
        Show the legend even for a single segment.
    low, high : str, optional
        Columns of the interval's bounds, drawn as a thin line under each bar.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"item": ["8A", "8A", "8B", "8B"], "segment": ["mda", "non_mda"] * 2,
    ...                       "value": [0.5, 0.25, 0.75, 1.0]})
    >>> fig = grouped_barh(table, percent=True)
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    ['mda', 'non_mda']
    >>> plt.close(fig)
    """
    segment_labels = segment_labels or {}
    categories = order or list(dict.fromkeys(frame[category]))
    segments = list(dict.fromkeys(frame[segment]))
    names = [_wrap((category_labels or {}).get(c, c)) for c in categories]
    lines = max((n.count("\n") + 1 for n in names), default=1)
    slot = max(0.22 * max(len(segments), 1.5), 0.17 * lines + 0.12)  # inches per category
    height = 0.8 / max(len(segments), 1)
    bar = height * (0.62 if low and high else 0.95)
    fig, ax = plt.subplots(figsize=(width, 1.2 + slot * len(categories)))
    best = None
    for j, seg in enumerate(segments):
        sub = frame[frame[segment] == seg].set_index(category).reindex(categories)
        ys = [i + (j - (len(segments) - 1) / 2) * height for i in range(len(categories))]
        vals = sub[value].astype(float).tolist()  # NaN: no bar (a value told in a note), never a bar of 0
        bar_ys = [y - (height - bar) / 2 for y in ys] if low and high else ys
        ax.barh(
            bar_ys,
            vals,
            height=bar,
            color=colour(seg, j),
            hatch=SEGMENT_HATCHES.get(seg, ""),
            edgecolor="white",
            linewidth=0.5,
            label=segment_labels.get(seg, seg),
        )
        if low and high:
            lo, hi = sub[low].astype(float).tolist(), sub[high].astype(float).tolist()
            line_ys = [y + height / 2 - (height - bar) / 2 for y in ys]
            ax.hlines(line_ys, lo, hi, color=colour(seg, j), linewidth=1.4)
            ax.plot(lo + hi, line_ys + line_ys, "|", color=colour(seg, j), markersize=4)
        for y, v, c in zip(bar_ys, vals, categories):
            if v != v:
                continue
            ax.text(v, y, " " + _value_text(v, percent), va="center", fontsize=7)
            if best is None or v > best[0]:
                best = (v, c, seg)
    ax.set_yticks(range(len(categories)))
    ax.set_yticklabels(names)
    ax.set_ylim(len(categories) - 0.5, -0.5)
    ax.set_xlabel(french_text(xlabel))
    if percent:
        ax.set_xlim(0, 1.12)
        ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda x, _: f"{x * 100:.0f}\u00a0%"))
    elif frame[value].dropna().astype(float).apply(float.is_integer).all():
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))  # counts: no « 0.5 » tick
    if len(segments) > 1 or legend_single:
        ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=len(segments), frameon=False, borderaxespad=0.3)
    fig.tight_layout()
    if best is not None:
        v, c, seg = best
        _reading(
            fig,
            labels.text(
                "report_body",
                "reading_bars",
                category=_short((category_labels or {}).get(c, c)),
                segment=segment_labels.get(seg, seg),
                value=_value_text(v, percent),
            ),
        )
    return fig


def _wrap(text: str, width: int = 48) -> str:
    r"""A label set in French typography, then wrapped (the no-break spaces keep « : » with its word).

    >>> _wrap("La volonté d'un « leader d'opinion » : oui", 30)
    'La volonté d’un «\u202fleader\nd’opinion\u202f»\u202f: oui'
    """
    import textwrap

    text = french_text(str(text))
    return "\n".join(textwrap.wrap(text, width)) or text


def dot_intervals(
    frame,
    *,
    category: str = "item",
    value: str = "value",
    low: str = "ci_low",
    high: str = "ci_high",
    segment: str = "segment",
    segment_labels: dict[str, str] | None = None,
    order: list[str] | None = None,
    category_labels: dict[str, str] | None = None,
    xlabel: str = "",
    xlim: tuple[float, float] = (1.0, 3.0),
    width: float = 8.5,
):
    """Dots with 95 % intervals, one row per item, one marker shape and colour per segment.

    The defaults read the design's tidy table of 3/2/1 mean scores (``agreement_scores``).

    Parameters
    ----------
    frame : pandas.DataFrame
        Long table, one row per category × segment.
    category, value, low, high, segment : str
        Columns of the row's category, the dot, the interval's bounds and the segment.
    segment_labels : dict, optional
        Legend text per segment code (default: the codes).
    order : list of str, optional
        Categories from top to bottom (default: order of first appearance).
    category_labels : dict, optional
        Text printed after each category's code (default: none).
    xlabel : str
        Title of the value axis.
    xlim : (float, float)
        Range of the value axis (default: the 1 to 3 score scale).
    width : float
        Figure width in inches.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"item": ["1A", "1B"], "segment": ["tous", "tous"], "value": [2.5, 1.8],
    ...                       "ci_low": [2.1, 1.5], "ci_high": [2.8, 2.2]})
    >>> fig = dot_intervals(table)
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
    ['1A – 1A', '1B – 1B']
    >>> plt.close(fig)
    """
    segment_labels = segment_labels or {}
    order = order or list(dict.fromkeys(frame[category]))
    category_labels = category_labels or {}
    segments = list(dict.fromkeys(frame[segment]))
    markers = {"tous": "o", "mda": "s", "non_mda": "D"}
    step = 0.8 / max(len(segments), 1)
    names = [_wrap(f"{c} – {category_labels.get(c, c)}", 60) for c in order]
    lines = max((n.count("\n") + 1 for n in names), default=1)
    fig, ax = plt.subplots(figsize=(width, 1.2 + max(0.5, 0.13 * lines + 0.1) * len(order)))
    for j, seg in enumerate(segments):
        sub = frame[frame[segment] == seg].set_index(category).reindex(order)
        ys = [i + (j - (len(segments) - 1) / 2) * step for i in range(len(order))]
        xs = sub[value].astype(float).to_numpy()
        err = [xs - sub[low].astype(float).to_numpy(), sub[high].astype(float).to_numpy() - xs]
        ax.errorbar(
            xs,
            ys,
            xerr=err,
            fmt=markers.get(seg, "o"),
            color=colour(seg, j),
            ecolor=colour(seg, j),
            elinewidth=1.2,
            capsize=2.5,
            markersize=5,
            label=segment_labels.get(seg, seg),
        )
    ax.set_yticks(range(len(order)))
    ax.set_yticklabels(names, fontsize=8)
    ax.invert_yaxis()
    pad = 0.02 * (xlim[1] - xlim[0])  # a score of exactly 1 or 3 (item 1B) keeps its whole marker
    ax.set_xlim(xlim[0] - pad, xlim[1] + pad)
    ax.xaxis.set_major_locator(matplotlib.ticker.MultipleLocator(0.5))
    ax.set_xlabel(french_text(xlabel))
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda x, _: fr_number(x, 1)))
    ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=len(segments), frameon=False, borderaxespad=0.3)
    fig.tight_layout()
    if order and segments:
        top = frame[(frame[segment] == segments[0]) & (frame[category] == order[0])].iloc[0]
        n = int(top["n"]) if "n" in frame.columns else len(frame)
        _reading(
            fig,
            labels.text(
                "report_body",
                "reading_dots",
                category=_short(f"{order[0]} – {category_labels.get(order[0], order[0])}"),
                value=fr_number(top[value], 2),
                segment=segment_labels.get(segments[0], segments[0]),
                n=n,
                low=fr_number(top[low], 2),
                high=fr_number(top[high], 2),
            ),
        )
    return fig


AGREEMENT_COLOURS = {1: "#D55E00", 2: "#56B4E9", 3: "#0072B2"}  # Okabe–Ito: disagree vs agree


def diverging_agreement(
    distribution,
    *,
    order: list[str] | None = None,
    answer_labels: dict[int, str] | None = None,
    segment_labels: dict[str, str] | None = None,
    segments: list[str] | None = None,
    width: float = 10,
):
    """Diverging stacked bars: "Pas d'accord" to the left of zero, agreement to the right, one panel per segment.

    Parameters
    ----------
    distribution : pandas.DataFrame
        Columns ``item``, ``segment``, ``answer`` (3, 2, 1), ``count`` and ``share``
        (``ciatstudy.analysis.distribution.answer_distribution``).
    order : list of str, optional
        Items from top to bottom (default: order of first appearance).
    answer_labels : dict, optional
        Legend text of answers 1, 2 and 3, from the codebook (default: the scores themselves).
    segment_labels : dict, optional
        Panel titles per segment code (default: the codes); each title adds the panel's n.
    segments : list of str, optional
        Segments to draw, one panel each, left to right (default: order of first appearance).
    width : float
        Figure width in inches.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> answers = pd.DataFrame({"item": ["1A"] * 3, "segment": ["mda"] * 3, "answer": [1, 2, 3],
    ...                         "count": [1, 1, 2], "share": [0.25, 0.25, 0.5]})
    >>> fig = diverging_agreement(answers)
    >>> fig.axes[0].get_title()
    'mda (n = 4)'
    >>> plt.close(fig)
    """
    order = order or list(dict.fromkeys(distribution["item"]))
    answer_labels = answer_labels or {1: "1", 2: "2", 3: "3"}
    segment_labels = segment_labels or {}
    segments = segments or list(dict.fromkeys(distribution["segment"]))
    # Items are named by code and wording (the ``label`` column of ``distribution`` when there is one).
    names = dict(zip(distribution["item"], distribution["label"])) if "label" in distribution.columns else {}
    ticks = [_wrap(f"{c} – {names[c]}" if c in names else c, 46) for c in order]
    lines = max((t.count("\n") + 1 for t in ticks), default=1)
    slot = max(0.42, 0.14 * lines + 0.1)
    fig, axes = plt.subplots(1, len(segments), figsize=(width, 1.4 + slot * len(order)), sharey=True, squeeze=False)
    for ax, seg in zip(axes[0], segments):
        sub = distribution[distribution["segment"] == seg]
        share = sub.pivot(index="item", columns="answer", values="share").reindex(order).fillna(0)
        ys = range(len(order))
        ax.barh(
            ys,
            -share.get(1, 0),
            color=AGREEMENT_COLOURS[1],
            label=answer_labels[1],
            hatch="\\\\\\\\",
            edgecolor="white",
            linewidth=0.3,
        )
        ax.barh(
            ys, share.get(2, 0), color=AGREEMENT_COLOURS[2], label=answer_labels[2], edgecolor="white", linewidth=0.3
        )
        ax.barh(
            ys,
            share.get(3, 0),
            left=share.get(2, 0),
            color=AGREEMENT_COLOURS[3],
            label=answer_labels[3],
            edgecolor="white",
            linewidth=0.3,
        )
        ax.axvline(0, color="#333333", linewidth=0.8)
        ax.set_xlim(-1, 1)
        ax.set_xticks([-1, -0.5, 0, 0.5, 1])  # five ticks: the panels are narrow beside the wordings
        ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda x, _: f"{abs(x) * 100:.0f}\u00a0%"))
        n = int(sub.groupby("item")["count"].sum().max()) if len(sub) else 0
        ax.set_title(f"{segment_labels.get(seg, seg)} (n = {n})", fontsize=10)
    axes[0][0].set_yticks(range(len(order)))
    axes[0][0].set_yticklabels(ticks, fontsize=8)
    axes[0][0].invert_yaxis()
    handles, labels_ = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels_, loc="lower center", ncol=3, frameon=False, bbox_to_anchor=(0.5, -0.01))
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    if order and segments:
        sub = distribution[(distribution["segment"] == segments[0]) & (distribution["item"] == order[0])]
        counts = sub.set_index("answer")["count"]
        n, agree = int(counts.sum()), int(counts.get(2, 0) + counts.get(3, 0))
        share = agree / n if n else 0.0
        _reading(
            fig,
            labels.text(
                "report_body",
                "reading_diverging",
                category=_short(f"{order[0]} – {names.get(order[0], order[0])}"),
                agree=_value_text(share, True),
                n=n,
                segment=segment_labels.get(segments[0], segments[0]),
                agree2=answer_labels[2],
                agree3=answer_labels[3],
            ),
        )
    return fig


def plot_changes(
    comparison: pd.DataFrame,
    *,
    question: str,
    segment_labels: dict[str, str],
    names: tuple[str, str],
    width: float = 8.0,
):
    """Forest plot of one question's changes: one row per item, one marker per segment, 95 % intervals.

    Shares are drawn in percentage points, means in points of the 1–3 scale.
    Segments differ by colour (Okabe–Ito) and by marker shape, and are named in
    the legend.
    """
    from textwrap import shorten

    import numpy as np

    from ..data.rounding import format_fr

    sub = comparison[(comparison["question"] == question) & comparison["change"].notna()]
    if sub.empty:
        raise ValueError(f"no comparable item for {question!r} in the comparison table")
    proportion = sub["interval"].str.startswith("Newcombe").any()
    scale = 100.0 if proportion else 1.0
    items = list(dict.fromkeys(sub["item"]))
    item_labels = {r.item: f"{r.item} — {shorten(r.label, 70, placeholder='…')}" for r in sub.itertuples()}
    segments = list(dict.fromkeys(sub["segment"]))
    markers = ["o", "s", "^", "D", "v"]
    step = 0.8 / max(len(segments), 1)
    fig, ax = plt.subplots(figsize=(width, 1.3 + 0.42 * len(items) * max(1.0, len(segments) / 2)))
    for j, seg in enumerate(segments):
        part = sub[sub["segment"] == seg].set_index("item").reindex(items)
        ys = [i + (j - (len(segments) - 1) / 2) * step for i in range(len(items))]
        x = part["change"].astype(float) * scale
        low = (part["change"] - part["ci_low"]).astype(float) * scale
        high = (part["ci_high"] - part["change"]).astype(float) * scale
        ax.errorbar(
            x,
            ys,
            xerr=[low, high],
            fmt=markers[j % len(markers)],
            color=colour(seg, j),
            ecolor=colour(seg, j),
            elinewidth=1.2,
            capsize=2.5,
            markersize=5,
            label=segment_labels.get(seg, seg),
        )
    ax.axvline(0, color="#333333", linewidth=0.8)
    ax.set_yticks(range(len(items)))
    ax.set_yticklabels([_wrap(item_labels[i], 60) for i in items], fontsize=8)
    ax.invert_yaxis()
    unit = "points de pourcentage" if proportion else "points sur l'échelle 1 à 3"
    ax.set_xlabel(f"Évolution {names[1]} → {names[0]} ({unit}), intervalle à 95 %")
    limit = 100 if proportion else 2
    lo = max(-limit, float(np.nanmin((sub["ci_low"]) * scale)) - 0.05 * limit)
    hi = min(limit, float(np.nanmax((sub["ci_high"]) * scale)) + 0.05 * limit)
    ax.set_xlim(min(lo, -0.1 * limit), max(hi, 0.1 * limit))
    ax.xaxis.set_major_locator(plt.MultipleLocator(20 if proportion else 0.5))
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: format_fr(v, 0 if proportion else 1)))
    ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=len(segments), frameon=False, borderaxespad=0.3)
    fig.tight_layout()
    # The chart's « Lecture : » line (ciatstudy.report.render numbers and shows it): the largest change.
    top = sub.loc[(sub["change"].astype(float)).abs().idxmax()]
    change = float(top["change"]) * scale
    _reading(
        fig,
        labels.text(
            "report_body",
            "reading_change",
            item=item_labels[top["item"]],
            segment=segment_labels.get(top["segment"], top["segment"]),
            change=("+" if change > 0 else "") + format_fr(change, 0 if proportion else 2),
            unit=unit,
            baseline=names[1],
            wave=names[0],
        ),
    )
    return fig
