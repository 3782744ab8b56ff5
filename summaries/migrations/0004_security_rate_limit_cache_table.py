# The table of the default cache (core/caches.py), where the rate limits keep their counts.
# Created here so that `migrate`, which every deployment runs, is all it takes.

from django.core.management import call_command
from django.db import migrations

from core.caches import DATABASE_CACHE_TABLE


def create_table(apps, schema_editor):
    call_command("createcachetable", DATABASE_CACHE_TABLE, database=schema_editor.connection.alias, verbosity=0)


def drop_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(DATABASE_CACHE_TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("summaries", "0003_security_double_opt_in")]

    operations = [migrations.RunPython(create_table, drop_table)]
