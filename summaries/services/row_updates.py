"""Conditional UPDATEs that return what they changed (UPDATE ... RETURNING, SQLite 3.35+ and PostgreSQL).

Django's update() returns only a count. A worker that must know which rows its update took (the
relay, several of which may race for a row) or what it wrote (a claim) would read them back with
a second query; building the two in the ORM also took longer than running them (bench/RESULTS.md,
fifth session). The column names, their quoting and the values' conversion still come from the
models and the connection.
"""

import functools

from django.db import connection, connections
from django.db.models.sql import Query


def column(model, name: str) -> str:
    return _quoted_column(model, name, connection.vendor)


@functools.cache
def _quoted_column(model, name: str, vendor: str) -> str:
    # The same few names, quoted the same way, about fifteen times in each of a job's three changes.
    # The vendor is part of the key because the quoting is the backend's.
    return connection.ops.quote_name(model._meta.get_field(name).column)


def table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def db_value(model, name: str, value):
    """A value as the database driver takes it for the field `name` (a datetime, on SQLite, as text)."""
    return model._meta.get_field(name).get_db_prep_save(value, connection)


def update_returning(
    model, values: dict, condition: str, condition_values: list, *, increment: tuple[str, ...] = (), returning="*"
) -> tuple[str, list]:
    """SQL and parameters: write `values` (and add one to each field in `increment`) where `condition` holds."""
    assignments = [f"{column(model, name)} = %s" for name in values]
    assignments += [f"{column(model, name)} = {column(model, name)} + 1" for name in increment]
    sql = f"UPDATE {table(model)} SET {', '.join(assignments)} WHERE {condition} RETURNING {returning}"
    return sql, [db_value(model, name, value) for name, value in values.items()] + condition_values


def first_row_as(model, sql: str, params: list):
    """Run `sql` and return its first row as a `model` instance, as Model.objects.raw() would; or None.

    raw() works out again for every statement which column is which field and how each value is
    converted. Here it is worked out once for each list of columns: a job's three changes took
    1.08 ms of the worker's CPU instead of 1.24 ms (bench/RESULTS.md, ninth session).
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
        if row is None:
            return None
        columns = tuple(description[0] for description in cursor.description)
    names, positions, converters = _reading(model, connection.alias, columns)
    values = list(row)
    for position, (functions, expression) in converters.items():
        for convert in functions:
            values[position] = convert(values[position], expression, connection)
    return model.from_db(connection.alias, names, [values[position] for position in positions])


@functools.cache
def _reading(model, alias: str, columns: tuple[str, ...]) -> tuple[list[str], list[int], dict]:
    """Which fields a row with these columns fills, from which position, and the database's converters.

    What RawModelIterable works out per query: the fields in the model's order, and the same
    converters the ORM applies (on SQLite, a datetime arrives as text).
    """
    database = connections[alias]
    # As raw() does: both sides as the backend compares identifiers (Oracle reports them in upper case).
    to_name = database.introspection.identifier_converter
    columns = [to_name(name) for name in columns]
    fields = [field for field in model._meta.fields if to_name(field.column) in columns]
    if model._meta.pk not in fields:
        raise ValueError(f"a row of {model.__name__} needs its primary key: {columns}")
    positions = [columns.index(to_name(field.column)) for field in fields]
    field_at = dict(zip(positions, fields, strict=True))
    compiler = database.ops.compiler("SQLCompiler")(Query(model), database, alias)
    cols = [
        field_at[position].get_col(model._meta.db_table) if position in field_at else None
        for position in range(len(columns))
    ]
    return [field.attname for field in fields], positions, compiler.get_converters(cols)
