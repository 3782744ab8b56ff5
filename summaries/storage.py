"""A Django storage backend that keeps files in the database.

Rendered PDFs are small (tens of kilobytes), and every web and worker process already shares
the database: keeping them there means any web process serves a PDF whichever machine
rendered it, with no shared disk or object store to run.
"""

from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.core.files.utils import validate_file_name
from django.db import connection
from django.db.models.constants import OnConflict
from django.db.models.sql import InsertQuery
from django.utils.deconstruct import deconstructible


@deconstructible
class DatabaseStorage(Storage):
    def _open(self, name, mode="rb"):
        from summaries.models import StoredFile

        stored = StoredFile.objects.get(name=name)
        return ContentFile(bytes(stored.content), name=name)

    def _save(self, name, content):
        with connection.cursor() as cursor:
            cursor.execute(*self.save_statement(name, content.read()))
        return name

    def save_statement(self, name: str, data: bytes) -> tuple[str, list]:
        """The SQL and parameters that keep `data` under `name`, replacing a file of that name.

        One statement that inserts or replaces (INSERT ... ON CONFLICT DO UPDATE, on SQLite and
        PostgreSQL alike), where update_or_create() takes a savepoint, a SELECT and a write. A
        worker runs it as part of the statement that records the render (services/claims.py).
        """
        from summaries.models import StoredFile

        # What Storage.save() checks before it calls _save(): a name must not climb out of its folder.
        validate_file_name(name, allow_relative_path=True)
        # The query bulk_create(update_conflicts=True) would run, compiled to SQL so that it can also
        # be one part of another statement; the compiler fills created_at and converts the values.
        meta = StoredFile._meta
        query = InsertQuery(
            StoredFile,
            on_conflict=OnConflict.UPDATE,
            update_fields=[meta.get_field("content"), meta.get_field("size")],
            unique_fields=[meta.get_field("name")],
        )
        query.insert_values(
            [field for field in meta.concrete_fields if not field.primary_key],
            [StoredFile(name=name, content=data, size=len(data))],
        )
        [(sql, params)] = query.get_compiler(connection=connection).as_sql()
        return sql, list(params)

    def is_name_available(self, name, max_length=None):
        # _save replaces a file of the same name, so a taken name needs no free alternative
        # (and no query to find out whether it is taken).
        return not (max_length and len(name) > max_length)

    def exists(self, name):
        from summaries.models import StoredFile

        return StoredFile.objects.filter(name=name).exists()

    def delete(self, name):
        from summaries.models import StoredFile

        StoredFile.objects.filter(name=name).delete()

    def size(self, name):
        from summaries.models import StoredFile

        return StoredFile.objects.values_list("size", flat=True).get(name=name)

    def url(self, name):
        raise NotImplementedError("Stored PDFs are served by the status page's download view.")
