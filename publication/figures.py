"""The public page's figures: published periods' frozen figures only, cached.

Nothing here is computed from live data: every number is read from a published period's
snapshot (reports.figures.frozen_figures). The cache key holds the publication state (the newest
publication act), so publishing or withdrawing shows at the next request, on every worker.
"""

from django.core.cache import caches
from django.db.models import Max

from publication.models import PublicationEvent, PublishedPeriod
from reports.figures import LISTED, CLASSES, area_tasks, done_share, frozen_figures, unit_kinds

CACHE_SECONDS = 60 * 60 * 24
OVERDUE_SHOWN = 100  # on a period's public page; the open data carry every row
UNITS_SHOWN = 50
TASKS_SHOWN = 10  # per reform area and class on a period's public page; the JSON has them all


def state() -> int:
    """The publication state: the newest act's id (one query)."""
    return PublicationEvent.objects.aggregate(last=Max("pk"))["last"] or 0


def _cached(key: str, build, version: int | None = None):
    full = f"public:{state() if version is None else version}:{key}"
    # The process's own cache: the public page answers anonymous visitors under load, and its
    # key holds the publication state, so every worker's copy is exact.
    local = caches["local"]
    value = local.get(full)
    if value is None:
        value = build()
        local.set(full, value, CACHE_SECONDS)
    return value


def _zero() -> dict:
    return dict.fromkeys(("total", *CLASSES), 0)


def _row(row: dict, **extra) -> dict:
    counts = {k: row[k] for k in ("total", *CLASSES)}
    shares = {f"{k}_share": round(100 * row[k] / row["total"], 1) if row["total"] else 0.0
              for k in CLASSES}
    segments, offset = [], 0.0
    for key in CLASSES:
        segments.append({"kind": key, "x": round(offset, 1), "width": shares[f"{key}_share"]})
        offset += shares[f"{key}_share"]
    return {**extra, **counts, **shares, "done_share": done_share(row), "segments": segments}


def period_summary(published: PublishedPeriod) -> dict | None:
    """A published period's figures as the public sees them (plain data)."""
    figures = frozen_figures(published.period)
    if figures is None:
        return None
    data = figures.data
    kinds = unit_kinds(data)
    groups: dict[str, dict] = {}
    for unit in data["by_unit"]:
        group = groups.setdefault(kinds.get(unit["id"], "other"), {**_zero(), "units": 0})
        group["units"] += 1
        for key in ("total", *CLASSES):
            group[key] += unit[key]
    period = published.period
    return {
        "id": period.pk,
        "kind": period.kind,
        "plan_id": period.plan_id,
        "plan_year": period.plan.year,
        "plan_title": data["plan"]["title"],
        "plan_document": data["plan"]["document_number"],
        "start_date": data["period"]["start_date"],
        "end_date": data["period"]["end_date"],
        "as_of": data["as_of"],
        "frozen_at": period.closed_at.isoformat(),
        "published_at": published.published_at.isoformat(),
        "totals": _row(data["totals"]),
        "by_area": [_row(r, number=r["number"], label=r["label"]) for r in data["by_area"]],
        "by_unit": [_row(r, code=r["code"], label=r["label"], kind=kinds.get(r["id"], "other"))
                    for r in data["by_unit"]],
        "by_group": [_row(g, kind=k, units=g["units"]) for k, g in sorted(groups.items())],
        "overdue": [
            {"task_code": r["task_code"], "task_title": r["task_title"],
             "unit_code": r["unit_code"], "unit_name": r["unit_name"], "role": r["role"],
             "due_date": r["due_date"], "days_late": r["days_late"]}
            for r in data["overdue"]
        ],
        "indicators": figures.indicators,
        "tasks_kept": "task_lists" in data,
        "tasks": _tasks(data),
        "cells": _cells(data, kinds),
        "text": published.narrative,
    }


def _tasks(data: dict) -> list[dict]:
    """The tasks done on time, done late and overdue by reform area, with their lead units
    (public bodies, named): the frozen task lists, nothing else of the task."""
    lists = area_tasks(data) or {}
    rows = []
    for area in data["areas"]:
        for kind in LISTED:
            for task in lists.get(area["id"], {}).get(kind, []):
                rows.append({"area_number": area["number"], "area_name": area["label"],
                             "result": kind, "task_code": task["task_code"],
                             "task_title": task["task_title"],
                             "lead_units": [n for n in task["unit_names"] if n]})
    return rows


def _tasks_by_area(summary: dict) -> list[dict]:
    """The page's share of the task lists: per area and class the first TASKS_SHOWN."""
    areas = []
    for area in summary["by_area"]:
        lists = []
        for kind in LISTED:
            tasks = [t for t in summary["tasks"]
                     if t["area_number"] == area["number"] and t["result"] == kind]
            if tasks:
                lists.append({"kind": kind, "tasks": tasks[:TASKS_SHOWN], "count": len(tasks)})
        if lists:
            areas.append({"number": area["number"], "label": area["label"], "lists": lists})
    return areas


def _cells(data: dict, kinds: dict) -> list[dict]:
    """The finest published grain: counts per unit and reform area (the open data's rows)."""
    units = {u["id"]: u for u in data["units"]}
    areas = {a["id"]: a for a in data["areas"]}
    merged: dict[tuple, dict] = {}
    for cell in data["cells"]:
        row = merged.setdefault((cell["unit"], cell["area"]), _zero())
        for key in ("total", *CLASSES):
            row[key] += cell[key]
    rows = []
    for (unit_id, area_id), counts in merged.items():
        unit = units.get(unit_id, {"code": "", "label": ""})
        area = areas.get(area_id, {"number": None, "label": ""})
        rows.append({"unit_code": unit["code"], "unit_name": unit["label"],
                     "unit_kind": kinds.get(unit_id, "other"), "area_number": area["number"],
                     "area_name": area["label"], **counts})
    rows.sort(key=lambda r: (r["unit_name"], r["unit_code"], r["area_number"] or 0))
    return rows


OVERVIEW_KEYS = ("id", "kind", "plan_id", "plan_year", "plan_title", "start_date", "end_date",
                 "as_of", "frozen_at", "published_at", "totals", "by_area", "by_group",
                 "indicators")


def _page(summary: dict) -> dict:
    """What a period's public page shows: the worst units and the first overdue rows only.

    The cache keeps this and the open data's bytes, never the full rows for a page: at national
    scale they run to tens of thousands, and every request would unpickle them all.
    """
    page = {k: v for k, v in summary.items()
            if k not in ("cells", "by_unit", "overdue", "tasks")}
    return {**page, "by_unit": summary["by_unit"][:UNITS_SHOWN],
            "tasks_by_area": _tasks_by_area(summary),
            "unit_count": len(summary["by_unit"]),
            "overdue": summary["overdue"][:OVERDUE_SHOWN],
            "overdue_count": len(summary["overdue"])}


def _summary(pk: int) -> dict | None:
    published = PublishedPeriod.objects.public().filter(period_id=pk).first()
    return period_summary(published) if published else None


def published_period(pk: int) -> dict | None:
    def build():
        summary = _summary(pk)
        return _page(summary) if summary else None

    return _cached(f"period:{pk}", build)


def open_data(pk: int, kind: str, render) -> bytes | None:
    """A published period's open data file (kind "csv" or "json"), rendered once per state."""

    def build():
        summary = _summary(pk)
        return render(summary) if summary else None

    return _cached(f"{kind}:{pk}", build)


def _index(version: int) -> list[dict]:
    """The plans with a published period, newest first."""

    def build():
        plans = {}
        for p in PublishedPeriod.objects.public():
            plan = p.period.plan
            plans.setdefault(plan.pk, {"id": plan.pk, "year": plan.year, "title": plan.title})
        return list(plans.values())

    return _cached("index", build, version)


def overview(plan_id: int | None) -> dict:
    """The plan of the year at a glance, from its published periods (the newest plan with one
    unless `plan_id` names another), and the plans the public may choose from."""
    version = state()
    plans = _index(version)
    ids = [p["id"] for p in plans]
    # Only a published plan's id makes a key: a made-up ?plan= cannot fill the cache.
    chosen = plan_id if plan_id in ids else (ids[0] if ids else None)

    def build():
        periods = [{k: s[k] for k in OVERVIEW_KEYS}
                   for p in PublishedPeriod.objects.public().filter(period__plan_id=chosen)
                   if (s := period_summary(p)) is not None]
        latest = max(periods, key=lambda s: (s["end_date"], s["start_date"]), default=None)
        return {"periods": periods, "latest": latest}

    return {"plans": plans, "plan_id": chosen, **_cached(f"overview:{chosen}", build, version)}


__all__ = ["OVERDUE_SHOWN", "TASKS_SHOWN", "UNITS_SHOWN"]
