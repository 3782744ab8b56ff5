# The table of the default cache, where the rate limits kept their counts until 0006.
# Created here so that `migrate`, which every deployment runs, is all it takes.

from django.core.management import call_command
from django.db import migrations

# Named here, not imported: core/caches.py no longer uses this table (0006 drops it).
DATABASE_CACHE_TABLE = "summaries_rate_limit_cache"


def create_table(apps, schema_editor):
    call_command("createcachetable", DATABASE_CACHE_TABLE, database=schema_editor.connection.alias, verbosity=0)


def drop_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(DATABASE_CACHE_TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("summaries", "0003_security_double_opt_in")]

    operations = [migrations.RunPython(create_table, drop_table)]
