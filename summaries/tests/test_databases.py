import pytest
from django.core.exceptions import ImproperlyConfigured

from core.databases import require_sqlite_with_returning


def test_an_sqlite_without_update_returning_stops_start_up_with_the_reason():
    with pytest.raises(ImproperlyConfigured, match=r"SQLite 3\.34\.1 is too old: 3\.35 or newer"):
        require_sqlite_with_returning((3, 34, 1))


@pytest.mark.parametrize("version", [(3, 35, 0), (3, 40, 1), (4, 0, 0)])
def test_an_sqlite_with_update_returning_is_accepted(version):
    require_sqlite_with_returning(version)
