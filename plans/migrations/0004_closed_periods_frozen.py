"""A closed reporting period and its frozen report cannot change, down to PostgreSQL.

Closing a period (plans.services.close_period) writes its report as a PeriodSnapshot. The admin
already shows a closed period read-only and offers no delete; here the database refuses too,
whatever the path: a closed period's row may not change or go, and a snapshot is append-only
like the reports it froze (portal_refuse_change(), the same function solutions/0005 uses for
the progress reports: created here too, so that plans need not wait for solutions). Saving a closed period
unchanged still works (the admin's Save). PostgreSQL only, like the other triggers.
"""

from django.db import migrations

REFUSE_CHANGE = """
CREATE OR REPLACE FUNCTION portal_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% rows are append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""

FUNCTION = """
CREATE OR REPLACE FUNCTION portal_refuse_closed_period_change() RETURNS trigger AS $$
BEGIN
    IF OLD.closed_at IS NOT NULL AND (TG_OP = 'DELETE' OR NEW IS DISTINCT FROM OLD) THEN
        RAISE EXCEPTION 'a closed reporting period is frozen: % refused', TG_OP
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(REFUSE_CHANGE, params=None)
    schema_editor.execute(FUNCTION, params=None)
    schema_editor.execute(
        "CREATE TRIGGER plans_reportingperiod_closed_frozen BEFORE UPDATE OR DELETE"
        " ON plans_reportingperiod FOR EACH ROW"
        " EXECUTE FUNCTION portal_refuse_closed_period_change()"
    )
    schema_editor.execute(
        "CREATE TRIGGER plans_periodsnapshot_frozen BEFORE UPDATE OR DELETE"
        " ON plans_periodsnapshot FOR EACH ROW EXECUTE FUNCTION portal_refuse_change()"
    )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "DROP TRIGGER IF EXISTS plans_periodsnapshot_frozen ON plans_periodsnapshot")
    schema_editor.execute(
        "DROP TRIGGER IF EXISTS plans_reportingperiod_closed_frozen ON plans_reportingperiod")
    schema_editor.execute("DROP FUNCTION IF EXISTS portal_refuse_closed_period_change()")


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0003_data_version_function"),
    ]

    operations = [migrations.RunPython(forward, backward)]
