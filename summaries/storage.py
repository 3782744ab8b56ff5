"""A Django storage backend that keeps files in the database.

Rendered PDFs are small (tens of kilobytes), and every web and worker process already shares
the database: keeping them there means any web process serves a PDF whichever machine
rendered it, with no shared disk or object store to run.
"""

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.utils.deconstruct import deconstructible


@deconstructible
class DatabaseStorage(Storage):
    """Saving under a taken name replaces that file: a retried render leaves no copies behind."""

    def _open(self, name, mode="rb"):
        from summaries.models import StoredFile

        stored = StoredFile.objects.get(name=name)
        return ContentFile(bytes(stored.content), name=name)

    def _save(self, name, content):
        from summaries.models import StoredFile

        data = content.read()
        # One INSERT ... ON CONFLICT DO UPDATE: inserts the file, or replaces the one of that name.
        StoredFile.objects.bulk_create(
            [StoredFile(name=name, content=data, size=len(data))],
            update_conflicts=True,
            unique_fields=["name"],
            update_fields=["content", "size"],
        )
        return name

    def get_available_name(self, name, max_length=None):
        if max_length and len(name) > max_length:
            raise SuspiciousFileOperation(f"Storage can not find an available filename for {name!r}.")
        return name

    def exists(self, name):
        from summaries.models import StoredFile

        return StoredFile.objects.filter(name=name).exists()

    def delete(self, name):
        from summaries.models import StoredFile

        StoredFile.objects.filter(name=name).delete()

    def delete_many(self, names: list[str]) -> None:
        """The retention job's batch of files, in one statement."""
        from summaries.models import StoredFile

        StoredFile.objects.filter(name__in=names).delete()

    def size(self, name):
        from summaries.models import StoredFile

        return StoredFile.objects.values_list("size", flat=True).get(name=name)

    def url(self, name):
        raise NotImplementedError("Stored PDFs are served by the status page's download view.")
