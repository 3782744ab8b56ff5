"""Conditional UPDATEs that return what they changed (UPDATE ... RETURNING, SQLite 3.35+ and PostgreSQL).

Django's update() returns only a count. A worker that must know which rows its update took (the
relay, several of which may race for a row) or what it wrote (a claim) would read them back with
a second query; building the two in the ORM also took longer than running them (bench/RESULTS.md,
fifth session). The column names, their quoting and the values' conversion still come from the
models and the connection.
"""

from django.db import connection


def column(model, name: str) -> str:
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
