"""Drop portal_data_version(): the page cache that read it is gone (insight/cache.py)."""

from django.db import migrations


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS portal_data_version()")


class Migration(migrations.Migration):
    dependencies = [("plans", "0006_closed_period_values_frozen")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
