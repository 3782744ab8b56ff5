"""`manage.py check` names a SQLite too old for the claims' UPDATE ... RETURNING."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from summaries.checks import check_sqlite_has_returning


def test_a_sqlite_without_returning_is_named_with_its_version():
    [error] = check_sqlite_has_returning(version=(3, 34, 1))
    assert error.id == "summaries.E001"
    assert "SQLite 3.34.1 is too old" in error.msg


@pytest.mark.parametrize("version", [(3, 35, 0), (3, 45, 1)])
def test_a_sqlite_with_returning_passes(version):
    assert check_sqlite_has_returning(version=version) == []


def test_manage_py_check_runs_it(monkeypatch):
    monkeypatch.setattr("summaries.checks.sqlite3.sqlite_version_info", (3, 30, 0))
    monkeypatch.setattr(check_sqlite_has_returning, "__defaults__", (None, (3, 30, 0)))
    with pytest.raises(SystemCheckError, match="summaries.E001"):
        call_command("check")
