"""``sort_order``: a table that is not in questionnaire order must be sorted by its whole-sample column."""

from __future__ import annotations

import pandas as pd

from .cells import TableSpec, _Tables
from .findings import _frame, _row
from .footing import _foot_ok


def check_sort_order(published: pd.DataFrame, spec: TableSpec) -> pd.DataFrame:
    """Are tables that are not in questionnaire order sorted by the whole-sample column?

    >>> pub = pd.DataFrame({"question": ["q9"] * 6, "table": ["q9"] * 6,
    ...                     "table_position": [1, 1, 1, 2, 2, 2], "item": ["9B"] * 3 + ["9A"] * 3,
    ...                     "segment": ["tous", "a", "b"] * 2,
    ...                     "printed": ["0,5", "0,5", "0,5", "0,25", "0,25", "0,25"]})
    >>> check_sort_order(pub, TableSpec(kinds={"q9": "multi"}, sizes={"a": 12, "b": 16}))["verdict"].tolist()
    ['consistent']
    """
    t = _Tables(published, spec)
    rows = []
    for (q, table), items in t.tables.items():
        cells = [t.get(i, spec.all_code) for i in items]
        if any(c is None for c in cells) or len(cells) < 2:
            continue
        order = spec.item_order.get(q) or sorted(t.rows[q])
        location = f"Question {q.lstrip('q')}, tableau {table}"
        in_order = [i for i in order if i in items]
        if items == in_order:
            rows.append(
                _row(
                    location=location,
                    figure=f"ordre du tableau {table}",
                    printed=" ; ".join(items),
                    expected="ordre du questionnaire",
                    verdict="consistent",
                    check="sort_order",
                    explanation="tableau imprimé dans l'ordre du questionnaire : aucun tri à vérifier.",
                    question=q,
                )
            )
            continue
        values = [c.value for c in cells]
        desc = sum(a > b for a, b in zip(values, values[1:]))
        asc = sum(a < b for a, b in zip(values, values[1:]))
        descending = desc >= asc
        direction = "décroissant" if descending else "croissant"
        breaks = [(a, b) for a, b in zip(cells, cells[1:]) if (a.value < b.value if descending else a.value > b.value)]
        if not breaks:
            rows.append(
                _row(
                    location=location,
                    figure=f"ordre du tableau {table}",
                    printed=" ; ".join(f"{c.item} {c.printed}" for c in cells),
                    expected=f"ordre {direction} de {spec.label(spec.all_code)}",
                    verdict="consistent",
                    check="sort_order",
                    question=q,
                    explanation=f"lignes triées par {spec.label(spec.all_code)} {direction} (ex aequo admis).",
                )
            )
            continue
        for a, b in breaks:
            feet_ok = all(_foot_ok(t, c.item, {}) for c in (a, b) if t.complete(c.item))
            text = (
                f"tableau trié par {spec.label(spec.all_code)} {direction} sauf {a.item} ({a.printed}) imprimé "
                f"avant {b.item} ({b.printed}) : échanger ces deux lignes voisines rétablit l'ordre"
            )
            if feet_ok:
                text += " ; les deux valeurs se recoupent avec les segments, c'est donc l'ordre qui est faux, pas les valeurs"
            rows.append(
                _row(
                    location=f"{location}, lignes {a.pos}–{b.pos}",
                    figure=f"{a.item} avant {b.item}",
                    printed=f"{a.printed} puis {b.printed}",
                    expected=f"{b.item} avant {a.item}",
                    verdict="inconsistent",
                    cause="out_of_order",
                    check="sort_order",
                    explanation=text + ".",
                    question=q,
                    item=f"{a.item}|{b.item}",
                )
            )
    return _frame(rows)
