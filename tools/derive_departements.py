"""Derive the compact département outlines shipped with ciatstudy from the reference GeoJSON.

The report's respondent map needs département outlines, drawn by matplotlib with no tiles and no
network. A user's machine has only the package, so the package ships its own small copy,
``ciatstudy/resources/departements.geojson``, derived from IGN Admin Express (COG 2018) via the
france-geojson project (Licence Ouverte / Open Licence, Etalab) by this script:

1. read ``departements-avec-outre-mer.geojson`` (metropolitan France and the five overseas
   départements, simplified 25 % by france-geojson);
2. simplify every ring with the Douglas–Peucker algorithm (``--tolerance`` degrees, default 0.01,
   about 1 km: invisible at the size of a report map);
3. drop the islands smaller than ``--min-area`` square degrees (default 0.0005, about 5 km²) except a
   département's largest piece, so that every département keeps a shape;
4. round coordinates to 3 decimals (about 100 m) and write the features sorted by code, with the source
   file's SHA-256 and the parameters in the collection's ``metadata`` so the copy can be re-derived and checked.

Usage::

    python tools/derive_departements.py /path/to/departements-avec-outre-mer.geojson \
        [--output ciatstudy/resources/departements.geojson] [--tolerance 0.01] [--min-area 0.0005]

The output is byte-identical for the same input and parameters (``tests/test_report_body.py`` checks it
when the reference file is present).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUTPUT = ROOT / "ciatstudy" / "resources" / "departements.geojson"
ATTRIBUTION = "IGN Admin Express (COG 2018), via france-geojson — Licence Ouverte / Open Licence (Etalab)"


def _perpendicular(point, start, end) -> float:
    (x, y), (x1, y1), (x2, y2) = point, start, end
    dx, dy = x2 - x1, y2 - y1
    if dx == 0 and dy == 0:
        return ((x - x1) ** 2 + (y - y1) ** 2) ** 0.5
    return abs(dy * x - dx * y + x2 * y1 - y2 * x1) / (dx * dx + dy * dy) ** 0.5


def douglas_peucker(points: list, tolerance: float) -> list:
    """Keep the points of a line that lie further than ``tolerance`` from the simplified line.

    >>> douglas_peucker([[0, 0], [1, 0.001], [2, 0]], 0.01)
    [[0, 0], [2, 0]]
    """
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:  # iterative: long coastlines would exceed Python's recursion limit
        first, last = stack.pop()
        best, index = 0.0, None
        for i in range(first + 1, last):
            d = _perpendicular(points[i], points[first], points[last])
            if d > best:
                best, index = d, i
        if index is not None and best > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep) if k]


def ring_area(ring: list) -> float:
    """Absolute area of a closed ring (shoelace formula), in square degrees."""
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:]))) / 2


def simplify_ring(ring: list, tolerance: float) -> list | None:
    # A closed ring's first and last points coincide: simplify it as two halves so that the
    # Douglas–Peucker baseline is never a zero-length segment.
    middle = len(ring) // 2
    first = douglas_peucker(ring[: middle + 1], tolerance)
    second = douglas_peucker(ring[middle:], tolerance)
    out = [[round(x, 3), round(y, 3)] for x, y in first[:-1] + second]
    out = [p for i, p in enumerate(out) if i == 0 or p != out[i - 1]]
    return out if len(out) >= 4 else None


def derive(source: dict, *, tolerance: float, min_area: float) -> list[dict]:
    """Simplified features, one per département, sorted by code."""
    features = []
    for feature in source["features"]:
        geometry = feature["geometry"]
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        polygons = sorted(polygons, key=lambda p: -ring_area(p[0]))
        kept = []
        for i, polygon in enumerate(polygons):
            if i > 0 and ring_area(polygon[0]) < min_area:
                continue
            outer = simplify_ring(polygon[0], tolerance)
            if outer is None and i == 0:
                # smaller than the tolerance: keep it unsimplified rather than lose the département
                outer = simplify_ring(polygon[0], 0.0) or [[round(x, 6), round(y, 6)] for x, y in polygon[0]]
            if outer is None:
                continue
            holes = [h for h in (simplify_ring(r, tolerance) for r in polygon[1:] if ring_area(r) >= min_area) if h]
            kept.append([outer, *holes])
        if not kept:
            raise ValueError(f"département {feature['properties']['code']}: nothing left after simplification")
        features.append(
            {
                "type": "Feature",
                "properties": {"code": feature["properties"]["code"], "nom": feature["properties"]["nom"]},
                "geometry": {"type": "MultiPolygon", "coordinates": kept},
            }
        )
    return sorted(features, key=lambda f: f["properties"]["code"])


def render(source_path: Path, *, tolerance: float = 0.01, min_area: float = 0.0005) -> str:
    raw = source_path.read_bytes()
    features = derive(json.loads(raw), tolerance=tolerance, min_area=min_area)
    collection = {
        "type": "FeatureCollection",
        "metadata": {
            "attribution": ATTRIBUTION,
            "source_file": source_path.name,
            "source_sha256": hashlib.sha256(raw).hexdigest(),
            "derived_by": "tools/derive_departements.py",
            "tolerance_degrees": tolerance,
            "min_area_square_degrees": min_area,
        },
        "features": features,
    }
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--tolerance", type=float, default=0.01)
    parser.add_argument("--min-area", type=float, default=0.0005)
    args = parser.parse_args(argv)
    try:
        text = render(args.source, tolerance=args.tolerance, min_area=args.min_area)
    except (OSError, ValueError, KeyError) as exc:
        print(f"{args.source}: {exc}", file=sys.stderr)
        return 2
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    count = len(json.loads(text)["features"])
    print(f"{args.output}: {len(text.encode()) // 1024} KB, {count} départements")
    return 0


if __name__ == "__main__":
    sys.exit(main())
