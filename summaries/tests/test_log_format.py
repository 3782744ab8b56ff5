"""LOG_FORMAT=json: one JSON object per line with the ids of the submission, task and trace."""

import json
import logging

from summaries.observability.job_ids import working_on
from summaries.observability.log_format import CurrentIds, JsonFormatter


def formatted(message: str, *args, exc_info=None) -> str:
    record = logging.LogRecord("summaries.state", logging.INFO, __file__, 1, message, args, exc_info)
    CurrentIds().filter(record)
    return JsonFormatter().format(record)


def test_a_line_is_one_json_object_with_the_submission_it_is_about():
    with working_on(12):
        line = formatted("submission=%s status=%s", 12, "sent")
    entry = json.loads(line)
    assert entry["message"] == "submission=12 status=sent"
    assert entry["submission_id"] == 12
    assert entry["task_id"] is None and entry["trace_id"] is None
    assert entry["level"] == "INFO" and entry["logger"] == "summaries.state"


def test_outside_a_job_there_is_no_submission_id():
    assert json.loads(formatted("heartbeat"))["submission_id"] is None


def test_a_message_with_line_breaks_and_a_traceback_stays_on_one_line():
    try:
        raise ValueError("two\nlines")
    except ValueError:
        import sys

        line = formatted("failed:\n%s", "détail", exc_info=sys.exc_info())
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == "failed:\ndétail"
    assert "ValueError: two\nlines" in entry["exception"]


def test_text_stays_the_default(settings):
    assert settings.LOG_FORMAT == "text"
    assert settings.LOGGING["handlers"]["console"]["formatter"] == "plain"


def test_any_other_log_format_stops_start_up_naming_it():
    import os
    import subprocess
    import sys

    env = {**os.environ, "LOG_FORMAT": "xml", "DJANGO_SETTINGS_MODULE": "core.settings"}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "LOG_FORMAT must be text or json, not 'xml'" in result.stderr
