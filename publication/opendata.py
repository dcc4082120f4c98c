"""Open data: each published period as CSV and JSON, with a data dictionary and a licence."""

import csv
import io
import json

from django.utils.translation import gettext_lazy as _

LICENCE = {
    "name": "Creative Commons Attribution 4.0 International (CC BY 4.0)",
    "url": "https://creativecommons.org/licenses/by/4.0/",
    "attribution": "Ủy ban nhân dân tỉnh Nghệ An, Cổng theo dõi Kế hoạch cải cách hành chính",
}

# The CSV's columns, in order, and what each means (shown on the data dictionary page).
COLUMNS = [
    ("period_id", _("The period's number on this portal (stable: it names the file).")),
    ("plan_year", _("The year of the reform plan.")),
    ("period_kind", _("q1 first quarter, h1 six months, q3 third quarter, year the year.")),
    ("data_from", _("First day of the period's data (yyyy-mm-dd).")),
    ("data_to", _("Last day of the period's data; the classes are judged as of this day.")),
    ("unit_code", _("The unit's code (the national administrative code for localities).")),
    ("unit_name", _("The unit (a public body) assigned the tasks.")),
    ("unit_kind", _("provincial agency, district, commune or other.")),
    ("area_number", _("The reform area's number (1 to 6; 0 direction and management).")),
    ("area_name", _("The reform area.")),
    ("total", _("Assignments of this unit in this area due in the period (their due date, or "
                "the plan's end for an ongoing task, within the period).")),
    ("on_time", _("Of these, completed on or before their due date.")),
    ("late", _("Completed after their due date, by the period's last day.")),
    ("in_progress", _("Not completed, due later than the period's last day.")),
    ("overdue", _("Not completed, due before the period's last day.")),
]


# The JSON's "tasks": the tasks done on time, done late and overdue, by reform area.
TASK_FIELDS = [
    ("area_number", _("The reform area's number.")),
    ("area_name", _("The reform area.")),
    ("result", _("on_time: done by all its lead units, each on or before its due date; late: "
                 "done by all, at least one after its due date; overdue: at least one lead unit "
                 "had not completed it by its due date, before the period's last day.")),
    ("task_code", _("The task's code in the plan.")),
    ("task_title", _("The task, as the plan words it.")),
    ("lead_units", _("The lead units (public bodies) it is counted for: for an overdue task, "
                     "those overdue.")),
]


def csv_bytes(summary: dict) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([name for name, _meaning in COLUMNS])
    for row in summary["cells"]:
        values = [summary["id"], summary["plan_year"], summary["kind"], summary["start_date"],
                  summary["end_date"], row["unit_code"], row["unit_name"], row["unit_kind"],
                  row["area_number"], row["area_name"], row["total"], row["on_time"],
                  row["late"], row["in_progress"], row["overdue"]]
        # A cell starting with = + - @ would run as a formula in a spreadsheet.
        writer.writerow([f"'{v}" if isinstance(v, str) and v[:1] in "=+-@" else v
                         for v in values])
    # A BOM so that spreadsheets read the Vietnamese letters as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def json_bytes(summary: dict, *, dictionary_url: str) -> bytes:
    document = {
        "licence": LICENCE,
        "data_dictionary": dictionary_url,
        "columns": {name: str(meaning) for name, meaning in COLUMNS},
        "period": {key: summary[key] for key in (
            "id", "kind", "plan_year", "plan_title", "plan_document", "start_date", "end_date",
            "as_of", "frozen_at", "published_at")},
        "totals": summary["totals"],
        "by_area": summary["by_area"],
        "by_unit_kind": summary["by_group"],
        "by_unit": summary["by_unit"],
        "overdue": summary["overdue"],
        "indicators": summary["indicators"],
        "task_fields": {name: str(meaning) for name, meaning in TASK_FIELDS},
        "tasks": summary["tasks"] if summary["tasks_kept"] else None,
        "rows": summary["cells"],
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")
