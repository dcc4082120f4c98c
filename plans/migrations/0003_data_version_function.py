"""portal_data_version(): the data version of plans.caching, as one PL/pgSQL function.

The same statement sent from Python is planned anew on every request (21 subqueries, about
0.5 ms); a PL/pgSQL function keeps its plan for the connection's life. The tables are those of
plans.caching.VERSION_SOURCES and EDITED_TABLES, frozen here: a table added there needs a new
migration replacing the function (tests/test_page_cache.py compares the two).
"""

from django.db import migrations

MAX_IDS = [
    ("solutions_progressentry", "id"),
    ("solutions_verification", "id"),
    ("solutions_deadlineextension", "id"),
    ("solutions_historicalassignment", "history_id"),
    ("solutions_historicaltask", "history_id"),
    ("units_historicalunit", "history_id"),
    ("units_historicalmembership", "history_id"),
]
EDITED = [
    "plans_plan",
    "plans_reformarea",
    "solutions_solution",
    "plans_reportingperiod",
    "plans_periodsnapshot",
    "plans_indicator",
    "plans_indicatorvalue",
]

PARTS = [
    f"COALESCE((SELECT MAX({column}) FROM {table})::text, 'None')" for table, column in MAX_IDS
] + [
    f"(SELECT COUNT(*) || ':' || COALESCE(SUM(xmin::text::bigint), 0) FROM {table})"
    for table in EDITED
]

FUNCTION = f"""
CREATE OR REPLACE FUNCTION portal_data_version() RETURNS text AS $$
BEGIN
    RETURN concat_ws('.', {", ".join(PARTS)});
END;
$$ LANGUAGE plpgsql STABLE;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS portal_data_version()")


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0002_periods_and_indicators"),
        ("solutions", "0006_task_output_help"),
        ("units", "0002_historicalmembership_historicalunit"),
    ]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
