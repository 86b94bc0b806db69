"""Charts with one colour per segment (Okabe–Ito, colour-blind safe), French labels, fixed output."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # no screen in batch runs; also keeps output identical across machines

import matplotlib.pyplot as plt  # noqa: E402

# Okabe & Ito (2008): distinguishable with the common colour-vision deficiencies.
SEGMENT_COLOURS = {"tous": "#555555", "mda": "#E69F00", "non_mda": "#0072B2"}
SEGMENT_HATCHES = {"tous": "", "mda": "//", "non_mda": ".."}

plt.rcParams.update({
    "font.family": "DejaVu Sans",  # ships with matplotlib, renders French accents
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "svg.hashsalt": "ciatstudy",
    "axes.formatter.use_locale": False,
})


def colour(segment: str, index: int = 0) -> str:
    fallback = ["#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442"]
    return SEGMENT_COLOURS.get(segment, fallback[index % len(fallback)])


def fr_number(value: float, decimals: int = 0) -> str:
    from .rounding import format_fr

    return format_fr(value, decimals)


def grouped_barh(frame, *, category: str, value: str, segment: str, segment_labels: dict[str, str],
                 category_labels: dict[str, str] | None = None, xlabel: str, percent: bool = False,
                 order: list[str] | None = None, width: float = 8.0, legend_single: bool = False):
    """Horizontal grouped bars, one colour (and hatch) per segment, value printed at each bar end."""
    categories = order or list(dict.fromkeys(frame[category]))
    segments = list(dict.fromkeys(frame[segment]))
    height = 0.8 / max(len(segments), 1)
    fig, ax = plt.subplots(figsize=(width, 1.2 + 0.22 * len(categories) * max(len(segments), 1.5)))
    for j, seg in enumerate(segments):
        sub = frame[frame[segment] == seg].set_index(category).reindex(categories)
        ys = [i + (j - (len(segments) - 1) / 2) * height for i in range(len(categories))]
        vals = sub[value].astype(float).fillna(0).tolist()
        ax.barh(ys, vals, height=height * 0.95, color=colour(seg, j), hatch=SEGMENT_HATCHES.get(seg, ""),
                edgecolor="white", linewidth=0.5, label=segment_labels.get(seg, seg))
        for y, v in zip(ys, vals):
            text = fr_number(v * 100, 0) + " %" if percent else fr_number(v, 0)
            ax.text(v, y, " " + text, va="center", fontsize=8)
    ax.set_yticks(range(len(categories)))
    ax.set_yticklabels([_wrap((category_labels or {}).get(c, c)) for c in categories])
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    if percent:
        ax.set_xlim(0, 1.12)
        ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda x, _: f"{x * 100:.0f} %"))
    if len(segments) > 1 or legend_single:
        ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=len(segments), frameon=False, borderaxespad=0.3)
    fig.tight_layout()
    return fig


def _wrap(text: str, width: int = 48) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(str(text), width)) or str(text)
