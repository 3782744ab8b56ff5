import pytest
from django.core.exceptions import ImproperlyConfigured

from core.env import env_bool, env_float, env_int, env_list, env_str


def test_a_missing_required_value_names_the_variable(monkeypatch):
    monkeypatch.delenv("SOME_REQUIRED", raising=False)
    with pytest.raises(ImproperlyConfigured, match="SOME_REQUIRED"):
        env_str("SOME_REQUIRED")


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("true", True), ("No", False), ("0", False), ("", True)])
def test_booleans_are_read_strictly(monkeypatch, raw, expected):
    monkeypatch.setenv("FLAG", raw)
    assert env_bool("FLAG", True) is expected


def test_a_boolean_that_is_neither_true_nor_false_stops_start_up(monkeypatch):
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="FLAG"):
        env_bool("FLAG", False)


def test_numbers_and_lists(monkeypatch):
    monkeypatch.setenv("N", "12")
    monkeypatch.setenv("F", "0.5")
    monkeypatch.setenv("L", "a.example, b.example,")
    assert env_int("N", 1) == 12
    assert env_float("F", 1.0) == 0.5
    assert env_list("L", []) == ["a.example", "b.example"]
    monkeypatch.setenv("N", "twelve")
    with pytest.raises(ImproperlyConfigured, match="N must be a whole number"):
        env_int("N", 1)
