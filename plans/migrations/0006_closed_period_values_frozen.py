"""A closed period's indicator actuals are corrected with a reason, and never deleted.

Entering an actual that was not known when the period closed is a first entry, not a
correction, and needs no reason. Changing one (or moving it to another period) after closing
needs a non-empty correction_reason: the value's history (plans/0005) keeps each version with
its reason. Deleting a closed period's value is refused: it is part of the record.
PostgreSQL only, like the other triggers (plans/0004, solutions/0005).
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION portal_refuse_closed_value_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND EXISTS (
        SELECT 1 FROM plans_reportingperiod WHERE id = OLD.period_id AND closed_at IS NOT NULL
    ) THEN
        IF TG_OP = 'DELETE' THEN
            RAISE EXCEPTION 'an actual of a closed reporting period cannot be deleted'
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF NEW IS DISTINCT FROM OLD AND btrim(NEW.correction_reason) = '' THEN
            RAISE EXCEPTION 'an actual of a closed reporting period is corrected with a reason'
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
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
    schema_editor.execute(FUNCTION, params=None)
    schema_editor.execute(
        "CREATE TRIGGER plans_indicatorvalue_closed_frozen BEFORE UPDATE OR DELETE"
        " ON plans_indicatorvalue FOR EACH ROW"
        " EXECUTE FUNCTION portal_refuse_closed_value_change()"
    )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "DROP TRIGGER IF EXISTS plans_indicatorvalue_closed_frozen ON plans_indicatorvalue")
    schema_editor.execute("DROP FUNCTION IF EXISTS portal_refuse_closed_value_change()")


class Migration(migrations.Migration):
    dependencies = [("plans", "0005_indicator_history")]

    operations = [migrations.RunPython(forward, backward)]
