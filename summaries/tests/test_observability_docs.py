"""docs/observability/: the alert rules pass the real promtool, and every metric the rules and the
dashboard name is one /metrics really exports."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from summaries.tasks import process_submission
from summaries.tests.factories import ANSWERS, make_submission
from tests.integration.services import require

DOCS = Path(__file__).resolve().parents[2] / "docs" / "observability"
METRIC_NAME = re.compile(r"\baboutme_[a-z_]+")


def promtool() -> str:
    path = shutil.which("promtool")
    require("promtool (Debian package prometheus)", path is not None)
    return path


def test_the_alert_rules_are_valid():
    result = subprocess.run(
        [promtool(), "check", "rules", "alerts.yml"], cwd=DOCS, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS: 4 rules found" in result.stdout


def test_the_alert_rules_fire_when_and_only_when_they_should():
    result = subprocess.run(
        [promtool(), "test", "rules", "alerts-test.yml"], cwd=DOCS, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _named_in_docs() -> set[str]:
    dashboard = json.loads((DOCS / "grafana-dashboard.json").read_text())
    expressions = [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]
    return set(METRIC_NAME.findall("\n".join(expressions) + (DOCS / "alerts.yml").read_text()))


@pytest.mark.django_db(transaction=True)
def test_every_metric_the_docs_name_is_exported(client, settings, published):
    settings.METRICS_TOKEN = "docs-token"
    client.post(reverse("summaries:form"), {**ANSWERS, "email": "nope"})  # a refused one
    process_submission(make_submission().pk)
    exported = client.get(reverse("summaries:metrics"), HTTP_AUTHORIZATION="Bearer docs-token").content.decode()
    names = set(re.findall(r"^(aboutme_[a-z_]+)", exported, flags=re.MULTILINE))

    named = _named_in_docs()
    assert len(named) >= 10
    assert named - names == set()
    # And the other way round: the dashboard shows every family the endpoint exports.
    families = set(re.findall(r"^# TYPE (aboutme_[a-z_]+)", exported, flags=re.MULTILINE))
    shown = {re.sub(r"_(total|bucket|count|sum)$", "", name) for name in named}
    assert {re.sub(r"_total$", "", family) for family in families} - shown == set()
