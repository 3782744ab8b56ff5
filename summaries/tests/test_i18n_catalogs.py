"""The catalogs: every message of the product translated in every language, none fuzzy, all compiled.

`makemessages` runs on a copy of the code, into a scratch folder, so that a string added to a
template or module without its translation fails here rather than showing up in English.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.utils.translation import to_locale

from summaries.i18n.checks import check_catalogs_compiled, stale_catalogs

ROOT = Path(__file__).resolve().parents[2]
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def _po(folder: Path, code: str) -> Path:
    return folder / "locale" / to_locale(code) / "LC_MESSAGES" / "django.po"


def _gettext(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def refreshed(tmp_path_factory) -> Path:
    """A copy of the code whose catalogs makemessages has brought up to date with the source."""
    copy = tmp_path_factory.mktemp("makemessages")
    for name in ("manage.py", "core", "summaries", "locale"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("tests", "__pycache__", "*.mo"))
        else:
            shutil.copy(source, copy / name)
    locales = [arg for code in TRANSLATED for arg in ("-l", to_locale(code))]
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", *locales, "--no-location", "--no-obsolete"],
        cwd=copy,
        env={"PATH": "/usr/bin:/bin", "DEBUG": "true", "READ_DOTENV": "0", "DATA_DIR": str(copy / "var")},
        check=True,
        capture_output=True,
    )
    return copy


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_message_in_the_code_is_translated(refreshed, code):
    catalog = _po(refreshed, code)
    untranslated = _gettext("msgattrib", "--untranslated", "--no-wrap", str(catalog))
    assert untranslated == "", f"messages without a {code} translation:\n{untranslated}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_no_translation_is_fuzzy(refreshed, code):
    # makemessages marks a message fuzzy when the English changed under an old translation.
    fuzzy = _gettext("msgattrib", "--only-fuzzy", "--no-wrap", "--no-obsolete", str(_po(refreshed, code)))
    assert fuzzy == "", f"fuzzy {code} translations:\n{fuzzy}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_the_kept_catalog_is_the_refreshed_one(refreshed, code):
    """What is committed already has every message makemessages finds, and no stale ones."""

    def messages(path: Path) -> set[str]:
        listed = _gettext("msgcat", "--no-wrap", "--sort-output", "--no-location", str(path))
        return {line for line in listed.splitlines() if line.startswith(("msgid ", "msgid_plural "))}

    assert messages(_po(ROOT, code)) == messages(_po(refreshed, code))


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_placeholder_survives_translation(code):
    # msgfmt --check compares each translation's %(name)s placeholders with the English.
    _gettext("msgfmt", "--check", "--output-file=/dev/null", str(_po(ROOT, code)))


def test_every_language_has_a_catalog():
    assert sorted(path.parent.parent.name for path in (ROOT / "locale").glob("*/LC_MESSAGES/django.po")) == sorted(
        to_locale(code) for code in TRANSLATED
    )


def test_the_system_check_warns_about_a_catalog_not_compiled(tmp_path):
    folder = tmp_path / "ja" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "django.po").write_text("")
    assert stale_catalogs(tmp_path, [("ja", "日本語")]) == ["ja"]
    (folder / "django.mo").write_bytes(b"")
    assert stale_catalogs(tmp_path, [("ja", "日本語")]) == []


def test_the_catalogs_here_are_compiled():
    assert check_catalogs_compiled() == []
