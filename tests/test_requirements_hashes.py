"""Installs are verified: every pin carries the hashes of its files, and installs demand them.

`make install` and `make install-test` pass --require-hashes, so pip refuses any file whose hash
is not listed, and any package (a dependency too) that is not pinned. `make lock` writes both
files from requirements.in and requirements-dev.in with pip-compile --generate-hashes.
"""

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
LOCKED = {"requirements.txt": "requirements.in", "requirements-dev.txt": "requirements-dev.in"}
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)$")
HASH = re.compile(r"^--hash=sha256:[0-9a-f]{64}$")


def normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def entries(text: str) -> list[str]:
    """Each requirement with its continuation lines joined, comments and blank lines left out."""
    joined = re.sub(r"\\\n", " ", text)
    return [
        line.split(" #")[0].strip()
        for line in joined.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


def unverified(text: str) -> list[str]:
    """Every entry that pip --require-hashes would refuse: not an exact pin, or without a hash."""
    refused = []
    for entry in entries(text):
        requirement, *options = entry.split()
        if not PIN.match(requirement) or not options or not all(HASH.match(option) for option in options):
            refused.append(requirement)
    return refused


def pins(text: str) -> dict[str, str]:
    return {normalised(m.group(1)): m.group(2) for entry in entries(text) if (m := PIN.match(entry.split()[0]))}


@pytest.mark.parametrize("locked", sorted(LOCKED))
def test_every_pin_carries_its_hashes(locked):
    text = (REPO / locked).read_text()
    assert pins(text), f"{locked} pins nothing"
    assert unverified(text) == [], f"{locked}: pins without hashes; add them to {LOCKED[locked]} and run `make lock`"


@pytest.mark.parametrize("locked", sorted(LOCKED))
def test_every_top_level_name_is_locked(locked):
    sources = [LOCKED[locked], "requirements.in"] if locked == "requirements-dev.txt" else [LOCKED[locked]]
    wanted = set()
    for source in sources:
        for line in (REPO / source).read_text().splitlines():
            line = line.split("#")[0].strip()
            if line and not line.startswith("-"):
                wanted.add(normalised(re.split(r"[\[<>=!~;\s]", line, maxsplit=1)[0]))
    assert wanted - set(pins((REPO / locked).read_text())) == set(), f"run `make lock`: {locked} is older than its .in"


def test_the_test_tools_use_the_runtime_pins():
    runtime = pins((REPO / "requirements.txt").read_text())
    dev = pins((REPO / "requirements-dev.txt").read_text())
    assert {name: dev.get(name) for name in runtime} == runtime


def test_installs_require_the_hashes():
    makefile = (REPO / "Makefile").read_text()
    installs = [line.strip() for line in makefile.splitlines() if "pip install" in line]
    assert len(installs) == 2 and all("--require-hashes" in line for line in installs), installs


def test_the_check_finds_a_pin_without_its_hash():
    """The control: the check above does refuse what pip --require-hashes would."""
    text = (
        "django==5.2.19 \\\n    --hash=sha256:" + "a" * 64 + "\n"
        "celery==5.7.0\n"
        "redis>=8 \\\n    --hash=sha256:" + "b" * 64 + "\n"
        "-e git+https://example.com/x.git#egg=x\n"
    )
    assert unverified(text) == ["celery==5.7.0", "redis>=8", "-e"]
