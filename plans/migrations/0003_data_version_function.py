"""Formerly created portal_data_version(), a PL/pgSQL function for a page cache since removed.

Kept as a step so that databases that applied it keep a consistent history; it does nothing
now, and 0005 drops the function where an earlier version of this step created it.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("plans", "0002_periods_and_indicators")]

    operations = []
