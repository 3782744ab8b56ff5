"""first_row_as(): a statement's first row as a model instance, as Model.objects.raw() gives it."""

from datetime import UTC, datetime

import pytest
from django.db import connection

from summaries.models import Submission
from summaries.services.row_updates import column, first_row_as, table
from summaries.tests.factories import make_submission

pytestmark = pytest.mark.django_db


def _select(columns: list[str]) -> str:
    return f"SELECT {', '.join(column(Submission, name) for name in columns)} FROM {table(Submission)} WHERE id = %s"


def _fields(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in Submission._meta.concrete_fields}


def test_a_row_in_the_tables_own_column_order_reads_like_raw():
    row = make_submission(lease_until=datetime(2026, 3, 14, 9, 26, 53, tzinfo=UTC), attempts=3)
    sql = f"SELECT * FROM {table(Submission)} WHERE id = %s"

    read = first_row_as(Submission, sql, [row.pk])

    assert _fields(read) == _fields(next(iter(Submission.objects.raw(sql, [row.pk]))))
    # The converters ran: on SQLite a datetime arrives as text.
    assert read.lease_until == datetime(2026, 3, 14, 9, 26, 53, tzinfo=UTC)
    assert read._state.adding is False and read._state.db == connection.alias


def test_columns_in_another_order_go_to_their_own_fields():
    row = make_submission(attempts=5, name="Grace Hopper")
    read = first_row_as(Submission, _select(["name", "attempts", "id", "email"]), [row.pk])

    assert (read.pk, read.name, read.attempts, read.email) == (row.pk, "Grace Hopper", 5, row.email)
    # The columns left out are deferred, as raw() leaves them, and read when asked for.
    assert "about" in read.get_deferred_fields()
    assert read.about == row.about


def test_no_row_is_none():
    assert first_row_as(Submission, _select(["id"]), [0]) is None


def test_a_row_without_its_primary_key_is_refused():
    row = make_submission()
    with pytest.raises(ValueError, match="primary key"):
        first_row_as(Submission, _select(["name", "email"]), [row.pk])
