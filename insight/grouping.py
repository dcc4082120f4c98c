"""Counts of timeliness grouped several ways in one scan of the assignments.

A page that shows figures by area and solution, by unit and by month used to ask PostgreSQL
for each breakdown in turn: one scan of the plan's assignments per breakdown, each evaluating
the timeliness expressions of with_timeliness() again in every COUNT(...) FILTER. On PostgreSQL
counts_by() asks once: an inner query computes each row's classes and flags once (OFFSET 0
keeps the planner from folding it into the outer query, which would copy the expressions back
into every FILTER), and GROUP BY GROUPING SETS counts those booleans for every breakdown in the
same pass. Elsewhere (the newcomer's SQLite) it runs one ordinary aggregate per breakdown; the
results are the same, and tests hold the two together.
"""

from django.db import connections
from django.db.models import F, QuerySet

from solutions.models import TIMELINESS_KEYS, timeliness_aggregates


def counts_by(queryset: QuerySet, groupings: dict[str, list[str]],
              keys: list[str] | None = None) -> dict[str, list[dict]]:
    """{name: rows} for each named grouping (a list of fields or annotations of `queryset`,
    which comes from with_timeliness()). Each row holds its grouping's fields, "total" and a
    count per key in `keys` (default: the four classes and the flags)."""
    keys = list(TIMELINESS_KEYS if keys is None else keys)
    if connections[queryset.db].vendor != "postgresql":
        return {name: _one_grouping(queryset, fields, keys) for name, fields in groupings.items()}

    fields = list(dict.fromkeys(f for group in groupings.values() for f in group))
    alias = {f: f"g{i}" for i, f in enumerate(fields)}
    inner = (
        queryset.annotate(**{alias[f]: F(f) for f in fields})
        .values(*alias.values(), *(f"is_{k}" for k in keys))
        .order_by()
    )
    sql, params = inner.query.sql_with_params()
    columns = ", ".join(f'"{alias[f]}"' for f in fields)
    counts = ", ".join(f'COUNT(*) FILTER (WHERE "is_{k}") AS "{k}"' for k in keys)
    sets = ", ".join("(" + ", ".join(f'"{alias[f]}"' for f in group) + ")"
                     for group in groupings.values())
    # GROUPING(...) is a bit mask: a 1 for each field that is not in the row's grouping set.
    masks = {
        sum(1 << (len(fields) - 1 - i) for i, f in enumerate(fields) if f not in group): name
        for name, group in groupings.items()
    }
    outer = (f'SELECT {columns}, GROUPING({columns}), COUNT(*), {counts} '
             f'FROM ({sql} OFFSET 0) AS "rows" GROUP BY GROUPING SETS ({sets})')
    result: dict[str, list[dict]] = {name: [] for name in groupings}
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(outer, params)
        for values in cursor.fetchall():
            mask, total, *numbers = values[len(fields):]
            name = masks[mask]
            row = {f: values[i] for i, f in enumerate(fields) if f in groupings[name]}
            row["total"] = total
            row.update(zip(keys, numbers, strict=True))
            result[name].append(row)
    return result


def _one_grouping(queryset: QuerySet, fields: list[str], keys: list[str]) -> list[dict]:
    aggregates = {k: v for k, v in timeliness_aggregates().items() if k == "total" or k in keys}
    return list(queryset.values(*fields).annotate(**aggregates).order_by())
