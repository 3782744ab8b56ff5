"""Every variable the settings read is listed in .env.example and in the README's table."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READ_CALL = re.compile(r"""env_(?:str|bool|int|float|list|rate)\(\s*["']([A-Z0-9_]+)["']""")


def _variables_read() -> set[str]:
    names = set()
    for path in (ROOT / "core").glob("*.py"):
        names |= set(READ_CALL.findall(path.read_text()))
    return names - {"READ_DOTENV"}  # a switch for test runs, not a setting


def test_the_settings_read_some_variables():
    assert {"SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL", "EMAIL_HOST"} <= _variables_read()


def test_every_variable_is_in_env_example():
    example = (ROOT / ".env.example").read_text()
    listed = set(re.findall(r"^([A-Z0-9_]+)=", example, flags=re.MULTILINE))
    assert _variables_read() - listed == set()


def test_every_variable_is_in_the_readme_table():
    readme = (ROOT / "README.md").read_text()
    in_table = set(re.findall(r"^\| `([A-Z0-9_]+)` \|", readme, flags=re.MULTILINE))
    assert _variables_read() - in_table == set()
