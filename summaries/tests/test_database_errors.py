"""Which database errors mean "not now" (a 503, a record tried again) and which mean a bug."""

import psycopg
import pytest
from django.db import DatabaseError, IntegrityError, InternalError, OperationalError, ProgrammingError
from django.urls import reverse

from summaries.database_errors import database_unavailable
from summaries.models import Submission
from summaries.tests.factories import ANSWERS


def wrapped(django_error: type[DatabaseError], driver_error: Exception) -> DatabaseError:
    """What Django's error wrapper raises: its own class, caused by the driver's error."""
    try:
        raise django_error(str(driver_error)) from driver_error
    except DatabaseError as exc:
        return exc


def test_a_read_only_server_is_unavailable_not_a_bug():
    read_only = psycopg.errors.ReadOnlySqlTransaction("cannot execute INSERT in a read-only transaction")
    error = wrapped(InternalError, read_only)
    assert database_unavailable(error)


@pytest.mark.parametrize("error", [OperationalError("server closed the connection"), DatabaseError("gone")])
def test_a_server_that_cannot_be_reached_is_unavailable(error):
    assert database_unavailable(error)


@pytest.mark.parametrize(
    "error",
    [
        wrapped(InternalError, psycopg.errors.InFailedSqlTransaction("current transaction is aborted")),
        wrapped(IntegrityError, psycopg.errors.UniqueViolation("duplicate key")),
        ProgrammingError("no such column"),
        ValueError("not a database error"),
    ],
)
def test_errors_of_the_code_s_own_making_are_not_unavailability(error):
    assert not database_unavailable(error)


@pytest.mark.django_db(transaction=True)
def test_a_submit_to_a_read_only_database_gets_the_clear_503(client, monkeypatch):
    def read_only(*args, **kwargs):
        raise wrapped(InternalError, psycopg.errors.ReadOnlySqlTransaction("cannot execute INSERT"))

    monkeypatch.setattr(Submission.objects, "create", read_only)
    response = client.post(reverse("summaries:form"), ANSWERS)
    assert response.status_code == 503
    assert "Nothing was saved" in response.text
    assert not Submission.objects.exists()
