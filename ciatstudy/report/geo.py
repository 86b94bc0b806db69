"""Respondents by département: counts and a map drawn with matplotlib, from outlines shipped in the package.

The outlines (``ciatstudy/resources/departements.geojson``, read by :mod:`ciatstudy.data.departements`) are a compact copy derived by
``tools/derive_departements.py`` from IGN Admin Express (COG 2018) via france-geojson, Licence Ouverte:
the map needs no tiles, no network and nothing outside the package. Metropolitan France is drawn with the
five overseas départements and Île-de-France as insets; each segment has its own colour *and* marker
shape, with the number of respondents written in the marker, so that colour is never the only cue.
"""

from __future__ import annotations


import numpy as np
import pandas as pd

from ..data.departements import departement_name, normalise_code, outlines

OVERSEAS = ("971", "972", "973", "974", "976")
ILE_DE_FRANCE = ("75", "77", "78", "91", "92", "93", "94", "95")
SEGMENT_MARKERS = {"tous": "o", "mda": "s", "non_mda": "D"}
FALLBACK_MARKERS = ("o", "^", "v", "P", "X")


def respondents_by_departement(
    frame: pd.DataFrame, *, departement: str, segment: str, segments: list[str]
) -> pd.DataFrame:
    """Number of respondents per département and segment (tidy; départements without respondents left out).

    Rows with no département are left out; an unknown code raises ``ValueError`` naming the row.

    >>> df = pd.DataFrame({"dpt": [13, "13", "973"], "seg": ["a", "b", "a"]})
    >>> respondents_by_departement(df, departement="dpt", segment="seg", segments=["a", "b"]).to_dict("list")
    {'departement': ['13', '13', '973'], 'nom': ['Bouches-du-Rhône', 'Bouches-du-Rhône', 'Guyane'], 'segment': ['a', 'b', 'a'], 'count': [1, 1, 1]}
    """
    for role, name in (("departement", departement), ("segment", segment)):
        if name not in frame.columns:
            raise ValueError(f"{role} column {name!r} not found; columns are {list(frame.columns)}")
    present = frame[frame[departement].notna() & (frame[departement].astype(str).str.strip() != "")]
    codes = []
    for index, value in present[departement].items():
        try:
            codes.append(normalise_code(value))
        except ValueError as exc:
            raise ValueError(f"row {index}, column {departement!r}: {exc}") from None
    tidy = pd.DataFrame({"departement": codes, "segment": present[segment].to_numpy()})
    unknown = set(tidy["segment"]) - set(segments)
    if unknown:
        raise ValueError(f"segments {sorted(unknown)} are not in {segments}")
    counts = tidy.groupby(["departement", "segment"]).size().rename("count").reset_index()
    order = {s: i for i, s in enumerate(segments)}
    counts = counts.assign(_o=counts["segment"].map(order)).sort_values(["departement", "_o"]).drop(columns="_o")
    counts.insert(1, "nom", [departement_name(c) for c in counts["departement"]])
    return counts.reset_index(drop=True).astype({"count": "int64"})


def _centre(polygons: list) -> tuple[float, float]:
    """Area-weighted centre of the largest polygon's outer ring."""

    def area_centroid(ring):
        x, y = ring[:, 0], ring[:, 1]
        cross = x[:-1] * y[1:] - x[1:] * y[:-1]
        area = cross.sum() / 2
        if abs(area) < 1e-12:
            return abs(area), (x.mean(), y.mean())
        return abs(area), (((x[:-1] + x[1:]) * cross).sum() / (6 * area), ((y[:-1] + y[1:]) * cross).sum() / (6 * area))

    return max((area_centroid(p[0]) for p in polygons), key=lambda a: a[0])[1]


def _text_colour(hex_colour: str) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return "black" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.45 else "white"


def _draw_shapes(ax, codes, counts: pd.DataFrame, *, lat0: float) -> None:
    """The départements' outlines, shaded where someone answered; the view then fits them."""
    from matplotlib.collections import PolyCollection

    shapes = outlines()["departements"]
    scale = np.cos(np.radians(lat0))
    with_respondents = set(counts["departement"])
    verts, faces = [], []
    for code in codes:
        for polygon in shapes[code][1]:
            ring = polygon[0]
            verts.append(np.column_stack([ring[:, 0] * scale, ring[:, 1]]))
            faces.append("#e4e4e4" if code in with_respondents else "white")
    ax.add_collection(PolyCollection(verts, facecolors=faces, edgecolors="#8a8a8a", linewidths=0.35))
    ax.autoscale_view()
    ax.set_aspect("equal")
    ax.set_axis_off()


def spread(centres, widths, height: float, *, iterations: int = 500) -> list[tuple[float, float]]:
    """Box centres moved apart until no two boxes (``widths[i]`` × ``height``) overlap, each moved little.

    Each overlapping pair is pushed apart along the axis where it overlaps least, half each way.

    >>> spread([(0, 0), (1, 0)], [4, 4], 2)
    [(0.0, -1.0), (1.0, 1.0)]
    >>> spread([(0, 0), (10, 0)], [4, 4], 2)  # apart already: unchanged
    [(0.0, 0.0), (10.0, 0.0)]
    """
    points = [[float(x), float(y)] for x, y in centres]
    for _ in range(iterations):
        moved = False
        for i in range(len(points)):
            for j in range(i + 1, len(points)):
                dx, dy = points[j][0] - points[i][0], points[j][1] - points[i][1]
                over_x = (widths[i] + widths[j]) / 2 - abs(dx)
                over_y = height - abs(dy)
                if over_x <= 1e-9 or over_y <= 1e-9:
                    continue
                axis, over, delta = (0, over_x, dx) if over_x <= over_y else (1, over_y, dy)
                sign = 1.0 if delta >= 0 else -1.0
                points[i][axis] -= sign * over / 2
                points[j][axis] += sign * over / 2
                moved = True
        if not moved:
            break
    return [(x, y) for x, y in points]


def _draw_markers(ax, codes, counts: pd.DataFrame, *, colours: dict, markers: dict, lat0: float, marker_size: float):
    """One marker per segment of each département, side by side at its centre; the groups of
    neighbouring départements (Paris and its inner ring) are moved apart until none overlaps,
    with a thin line back to the département when a group had to move."""
    from matplotlib.transforms import offset_copy

    shapes = outlines()["departements"]
    scale = np.cos(np.radians(lat0))
    wanted = set(codes)
    by_code: dict[str, list] = {}
    for code, segment, count in zip(counts["departement"], counts["segment"], counts["count"]):
        if code in wanted:
            by_code.setdefault(code, []).append((segment, int(count)))
    if not by_code:
        return
    # Positions are worked out on the page (pixels), where marker sizes are fixed, then brought back.
    ax.set_xlim(ax.get_xlim()), ax.set_ylim(ax.get_ylim())
    ax.apply_aspect()
    slot = marker_size * 1.1 * ax.figure.dpi / 72
    centres = [(_centre(shapes[code][1])[0] * scale, _centre(shapes[code][1])[1]) for code in by_code]
    on_page = ax.transData.transform(centres)
    gap = slot * 0.7  # white space between groups, so that two groups never read as one
    placed = spread(on_page, [slot * len(rows) + gap for rows in by_code.values()], slot + gap)
    back = ax.transData.inverted().transform(placed)
    for (code, rows), (x0, y0), (px0, py0), (px, py), (x, y) in zip(by_code.items(), centres, on_page, placed, back):
        if np.hypot(px - px0, py - py0) > slot / 2:
            ax.plot([x0, x], [y0, y], color="#555555", linewidth=0.5, zorder=2)
        for i, (segment, count) in enumerate(rows):
            # Side by side in points, not degrees: markers never overlap, whatever the inset's zoom.
            shift = offset_copy(
                ax.transData, fig=ax.figure, x=(i - (len(rows) - 1) / 2) * marker_size * 1.1, units="points"
            )
            c = colours[segment]
            ax.plot(
                x,
                y,
                marker=markers[segment],
                color=c,
                markersize=marker_size,
                transform=shift,
                markeredgecolor="white",
                markeredgewidth=0.6,
                linestyle="none",
                zorder=3,
            )
            ax.text(
                x,
                y,
                str(count),
                ha="center",
                va="center",
                fontsize=6.5,
                transform=shift,
                fontweight="bold",
                color=_text_colour(c),
                zorder=4,
            )


def _frame(ax) -> None:
    ax.set_axis_on()
    ax.set_xticks([]), ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(True)
        spine.set_color("#666666")
        spine.set_linewidth(0.6)


def respondent_map(
    counts: pd.DataFrame,
    *,
    segments: list[str],
    segment_labels: dict[str, str],
    legend_label: str,
    idf_title: str,
    attribution_prefix: str,
    width: float = 8.0,
):
    """Map of respondents per département: metropolitan France, overseas départements and Île-de-France as insets.

    ``counts`` is :func:`respondents_by_departement`'s table. One marker per segment present in a
    département (colour and shape per segment, number of respondents inside); départements with
    respondents are shaded. The source attribution is written under the map.
    """
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle

    from .plots import colour

    colours = {s: colour(s, i) for i, s in enumerate(segments)}
    markers = {s: SEGMENT_MARKERS.get(s, FALLBACK_MARKERS[i % len(FALLBACK_MARKERS)]) for i, s in enumerate(segments)}
    shapes = outlines()["departements"]
    metro = [c for c in shapes if c not in OVERSEAS]
    fig = plt.figure(figsize=(width, width * 0.95))
    main = fig.add_axes((0.2, 0.1, 0.8, 0.88))
    main_counts = counts[~counts["departement"].isin(ILE_DE_FRANCE)]
    _draw_shapes(main, metro, main_counts, lat0=46.5)
    _draw_markers(main, metro, main_counts, colours=colours, markers=markers, lat0=46.5, marker_size=11)
    scale = np.cos(np.radians(46.5))
    main.add_patch(
        Rectangle(
            (1.42 * scale, 48.1),
            (3.56 - 1.42) * scale,
            1.17,
            fill=False,
            edgecolor="#333333",
            linewidth=0.6,
            linestyle="--",
        )
    )
    idf = fig.add_axes((0.19, 0.1, 0.21, 0.28))  # in the Bay of Biscay, where the main map is empty
    idf_counts = counts[counts["departement"].isin(ILE_DE_FRANCE)]
    _draw_shapes(idf, list(ILE_DE_FRANCE), idf_counts, lat0=48.8)
    # Paris and its inner ring are small: the inset zooms on them, the outer départements are cut at its edges.
    idf_scale = np.cos(np.radians(48.8))
    idf.set_xlim(1.85 * idf_scale, 3.05 * idf_scale)
    idf.set_ylim(48.42, 49.2)
    _draw_markers(idf, list(ILE_DE_FRANCE), idf_counts, colours=colours, markers=markers, lat0=48.8, marker_size=11)
    _frame(idf)
    idf.set_title(idf_title, fontsize=8)
    height = 0.86 / len(OVERSEAS)
    for i, code in enumerate(OVERSEAS):
        ax = fig.add_axes((0.01, 0.96 - (i + 1) * height, 0.15, height * 0.8))
        lat = float(np.mean(shapes[code][1][0][0][:, 1]))
        _draw_shapes(ax, [code], counts, lat0=lat)
        _draw_markers(ax, [code], counts, colours=colours, markers=markers, lat0=lat, marker_size=11)
        _frame(ax)
        ax.set_title(shapes[code][0], fontsize=8)
    totals = counts.groupby("segment")["count"].sum()
    handles = [
        Line2D(
            [],
            [],
            marker=markers[s],
            color=colours[s],
            markeredgecolor="white",
            linestyle="none",
            markersize=9,
            label=f"{segment_labels.get(s, s)} ({int(totals.get(s, 0))})",
        )
        for s in segments
    ]
    fig.legend(
        handles=handles,
        loc="lower center",
        ncol=len(segments),
        frameon=False,
        bbox_to_anchor=(0.6, 0.035),
        title=legend_label,
        title_fontsize=8,
        fontsize=8,
    )
    fig.text(
        0.5,
        0.005,
        f"{attribution_prefix} : {outlines()['attribution']}",
        ha="center",
        va="bottom",
        fontsize=7,
        color="#444444",
    )
    return fig


def map_reading(counts: pd.DataFrame, *, segment_labels: dict[str, str], sentence, part) -> str | None:
    """The map's « Lecture : » sentence: the département with the most respondents, by segment.

    ``sentence(nom=, code=, total=, n=, parts=)`` and ``part(count=, segment=)`` write the words
    (e.g. ``lambda **f: labels.text("report_body", "map_reading", **f)``).

    >>> c = pd.DataFrame({"departement": ["13", "13", "75"], "nom": ["B", "B", "P"], "segment": ["a", "b", "a"],
    ...                   "count": [3, 2, 1]})
    >>> map_reading(c, segment_labels={"a": "A", "b": "B"}, sentence="{nom} ({code}) : {total}/{n}, {parts}".format,
    ...             part="{count} {segment}".format)
    'B (13) : 5/6, 3 A et 2 B'
    """
    if counts.empty:
        return None
    totals = counts.groupby("departement", sort=True)["count"].sum()
    code = totals.idxmax()
    sub = counts[counts["departement"] == code]
    parts = [part(count=int(r.count), segment=segment_labels.get(r.segment, r.segment)) for r in sub.itertuples()]
    joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " et " + parts[-1]
    return sentence(
        nom=sub["nom"].iloc[0], code=code, total=int(totals[code]), n=int(counts["count"].sum()), parts=joined
    )
