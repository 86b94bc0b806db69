"""Word clouds drawn from a frequency table, identical run after run."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from .tokens import _check_frame

DEFAULT_SEED = 2014
#: Okabe & Ito (2008) hues, darkest first, far from the segment colours of
#: :mod:`ciatstudy.report.plots` (orange = MDA, blue = Non-MDA; vermillion, too close
#: to orange, is left out): in a cloud the colour only helps tell neighbouring
#: words apart and must not suggest a segment.
CLOUD_PALETTE = ("#000000", "#009E73", "#CC79A7")


def cloud_font() -> Path:
    """DejaVu Sans from matplotlib's own data (a pinned package): renders French accents and œ."""
    import matplotlib

    path = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
    if not path.is_file():
        raise FileNotFoundError(f"DejaVuSans.ttf not found in matplotlib's data folder ({path.parent})")
    return path


def word_cloud(
    freqs: pd.DataFrame,
    *,
    path: str | Path,
    seed: int = DEFAULT_SEED,
    width: int = 800,
    height: int = 400,
    lemma: str = "lemma",
    count: str = "count",
    palette: Iterable[str] = CLOUD_PALETTE,
) -> Path:
    """Draw a word cloud from a frequency table and write it as a PNG, identical run after run.

    Font size follows ``count`` and equal counts get equal sizes (the largest
    font that lets every word fit is searched for: left alone, WordCloud
    shrinks the words that come late, so that one answer's words, all used
    once, range from huge to tiny). Colours (``palette``, cycled in rank order)
    only tell neighbouring words apart. Words are set horizontally, in DejaVu
    Sans (:func:`cloud_font`). The layout is fixed by ``seed``; the PNG is
    written by Pillow with no date or software chunk, through a temporary file
    moved into place (:func:`ciatstudy.data.io.atomic_path`).

    Parameters
    ----------
    freqs : DataFrame
        E.g. :func:`ciatstudy.text.frequencies.word_frequencies`, in rank order.
    path : path
        Where to write the PNG (folders are created).
    seed : int
        Layout seed.
    width, height : int
        Size in pixels.

    Returns
    -------
    Path
        ``path``.
    """
    from ..data.io import atomic_path

    path = _check_cloud_args(freqs, path, seed, width, height, lemma, count)
    palette = [palette] if isinstance(palette, str) else list(palette)
    if not palette:
        raise ValueError("palette is empty")
    frequencies = _frequencies(freqs, lemma, count)
    colours = {w: palette[i % len(palette)] for i, w in enumerate(frequencies)}
    image = _fair_cloud(frequencies, colours, seed=seed, width=width, height=height).to_image()
    with atomic_path(path) as tmp:
        image.save(tmp, format="PNG", optimize=False, compress_level=9)
    return path


def _check_cloud_args(freqs, path, seed, width, height, lemma: str, count: str) -> Path:
    """The PNG's path, once the table, the path, the seed and the size are checked."""
    _check_frame(freqs, {"lemma": lemma, "count": count}, what="freqs")
    if path is None or str(path) == "":
        raise ValueError("path is required: where to write the PNG")
    path = Path(path)
    if path.suffix.lower() != ".png":
        raise ValueError(f"path must end in .png, got {path.name!r}")
    for name, value in (("seed", seed), ("width", width), ("height", height)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise ValueError(f"{name} must be an integer, got {value!r}")
    if width < 50 or height < 50:
        raise ValueError(f"width and height must be at least 50 pixels, got {width}×{height}")
    if seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed}")
    return path


def _frequencies(freqs: pd.DataFrame, lemma: str, count: str) -> dict[str, float]:
    """Each word's count, checked: a non-empty table, every word once, every count positive."""
    if freqs.empty:
        raise ValueError("nothing to draw: the frequency table is empty")
    if freqs[lemma].duplicated().any():
        raise ValueError(f"freqs: lemmas {freqs.loc[freqs[lemma].duplicated(), lemma].tolist()[:5]} appear twice")
    values = pd.to_numeric(freqs[count], errors="coerce")
    if values.isna().any() or (values <= 0).any():
        raise ValueError(f"freqs: {count!r} must hold positive numbers")
    return {str(w): float(v) for w, v in zip(freqs[lemma], values)}


def _fair_cloud(frequencies: dict[str, float], colours: dict[str, str], *, seed: int, width: int, height: int):
    """The laid-out WordCloud with the largest font that gives every word a place and equal counts equal sizes.

    WordCloud shrinks the font whenever a word no longer fits, so equal counts can end up in
    very different sizes (one answer's words: the first huge, the last tiny). The largest fair
    font is searched by bisection: fairness only improves as the font shrinks, and each layout
    is deterministic.
    """
    from wordcloud import WordCloud

    def colour(word, **_):
        return colours[word]

    def layout(max_font: int):
        cloud = WordCloud(
            font_path=str(cloud_font()),
            width=int(width),
            height=int(height),
            background_color="white",
            mode="RGB",
            prefer_horizontal=1.0,
            max_words=len(frequencies),
            min_font_size=12,
            max_font_size=max_font,
            margin=6,
            relative_scaling=0.5,
            random_state=int(seed),
            color_func=colour,
            normalize_plurals=False,
            collocations=False,
            repeat=False,
        )
        cloud.generate_from_frequencies(frequencies)
        sizes: dict[float, set[int]] = {}
        for (_, freq), size, *_ in cloud.layout_:
            sizes.setdefault(freq, set()).add(size)
        return cloud, len(cloud.layout_) == len(frequencies) and all(len(v) == 1 for v in sizes.values())

    low, high = 12, int(height)
    cloud, fair = layout(high)
    if fair:
        return cloud
    best, _ = layout(low)
    while high - low > 2:
        middle = (low + high) // 2
        candidate, fair = layout(middle)
        if fair:
            low, best = middle, candidate
        else:
            high = middle
    return best
