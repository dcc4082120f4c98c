"""Progress reports, verifications and deadline extensions are append-only.

The application offers no edit or delete; on PostgreSQL the database itself refuses UPDATE and
DELETE on these tables, so no code path, admin action or hand-written SQL can rewrite history.
(TRUNCATE, used by test teardown and by a deliberate purge, is not a row change and still works.)
"""

from django.db import migrations

TABLES = ["solutions_progressentry", "solutions_verification", "solutions_deadlineextension"]

FUNCTION = """
CREATE OR REPLACE FUNCTION portal_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% rows are append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION portal_refuse_change()"
        )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS portal_refuse_change()")


class Migration(migrations.Migration):
    dependencies = [("solutions", "0004_deadlineextension_historicalassignment_and_more")]

    operations = [migrations.RunPython(forward, backward)]
