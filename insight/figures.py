"""The figures every page of insight shows, each defined once.

A row of figures (the whole plan, an area, a solution, a unit) counts assignments by the four
classes of timeliness and its flags, all from AssignmentQuerySet.with_timeliness(). The done
share and the order "worst first" are defined here and nowhere else: the dashboard, the unit
list, the period report, its exports and the official report all sort and divide the same way.
"""

from dataclasses import dataclass, field

from solutions.models import FLAGS, Timeliness

CLASSES = [c.value for c in Timeliness]
KEYS = ("total", *CLASSES, *FLAGS)


def done_share(row) -> float:
    """Done (on time or late) as a percentage of the row's assignments, one decimal."""
    total = row["total"]
    return round(100 * (row["on_time"] + row["late"]) / total, 1) if total else 0.0


def worst_first(row) -> tuple:
    """The sort key of units worst first: most overdue, then most without a report for
    STALE_DAYS, then most due soon, then the smallest share done, then by name and code.
    A period report's rows count no flags: for them the key is overdue, done share, name."""
    return (-row["overdue"], -row.get("stale", 0), -row.get("due_soon", 0), done_share(row),
            row["label"], row.get("code", ""))


@dataclass
class Figures:
    """Counts of one row of the dashboard (the whole plan, an area, a solution or a unit)."""

    total: int = 0
    on_time: int = 0
    late: int = 0
    in_progress: int = 0
    overdue: int = 0
    due_soon: int = 0
    stale: int = 0
    awaiting: int = 0
    extended: int = 0
    extended_late: int = 0
    label: str = ""
    filter: dict = field(default_factory=dict)

    @classmethod
    def from_row(cls, row: dict, **extra) -> "Figures":
        return cls(**{k: row.get(k) or 0 for k in KEYS}, **extra)

    @property
    def done(self) -> int:
        return self.on_time + self.late

    def share(self, count: int) -> float:
        return round(100 * count / self.total, 1) if self.total else 0.0

    @property
    def shares(self) -> dict[str, float]:
        return {key: self.share(getattr(self, key)) for key in (*CLASSES, "due_soon", "stale")}

    @property
    def done_share(self) -> float:
        return done_share(self.__dict__)

    @property
    def segments(self) -> list[tuple[str, int, float, float]]:
        """(class, count, percent, offset in percent) for a stacked bar."""
        result, offset = [], 0.0
        for cls in CLASSES:
            count = getattr(self, cls)
            share = 100 * count / self.total if self.total else 0.0
            result.append((cls, count, round(share, 2), round(offset, 2)))
            offset += share
        return result
