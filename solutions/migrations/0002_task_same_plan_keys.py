"""A task's area and solution belong to the task's own plan: composite foreign keys.

Django has no composite foreign keys, so PostgreSQL (production, tests) gets them here in SQL;
on the embedded SQLite the rule is kept by Task.clean() alone.
"""

from django.db import migrations

FORWARD = [
    "ALTER TABLE plans_reformarea ADD CONSTRAINT area_unique_id_plan UNIQUE (id, plan_id)",
    "ALTER TABLE solutions_solution ADD CONSTRAINT solution_unique_id_plan UNIQUE (id, plan_id)",
    "ALTER TABLE solutions_task ADD CONSTRAINT task_area_same_plan FOREIGN KEY (area_id, plan_id)"
    " REFERENCES plans_reformarea (id, plan_id) DEFERRABLE INITIALLY DEFERRED",
    "ALTER TABLE solutions_task ADD CONSTRAINT task_solution_same_plan"
    " FOREIGN KEY (solution_id, plan_id)"
    " REFERENCES solutions_solution (id, plan_id) DEFERRABLE INITIALLY DEFERRED",
]
BACKWARD = [
    "ALTER TABLE solutions_task DROP CONSTRAINT task_solution_same_plan",
    "ALTER TABLE solutions_task DROP CONSTRAINT task_area_same_plan",
    "ALTER TABLE solutions_solution DROP CONSTRAINT solution_unique_id_plan",
    "ALTER TABLE plans_reformarea DROP CONSTRAINT area_unique_id_plan",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("solutions", "0001_initial"), ("plans", "0001_initial")]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
