"""LOG_FORMAT=json: one JSON object per line, with the ids that tie a line to a submission.

The ids come from where the code is, not from the message: the submission a job or a request is
working on (job_ids.py), the Celery task running, and the trace id when tracing is on. Messages
already carry no personal data (services/claims.py logs ids only); this formatter adds none.
"""

import json
import logging
from datetime import UTC, datetime

from summaries.observability import job_ids


class CurrentIds(logging.Filter):
    """Puts submission_id, task_id and trace_id on every record (None where there is none)."""

    def filter(self, record: logging.LogRecord) -> bool:
        ids = job_ids.current_ids()
        for name, value in ids.items():
            if not hasattr(record, name):
                setattr(record, name, value)
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "submission_id": getattr(record, "submission_id", None),
            "task_id": getattr(record, "task_id", None),
            "trace_id": getattr(record, "trace_id", None),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        # ensure_ascii: a stray control or non-ASCII character can never break the line in two.
        return json.dumps(entry, ensure_ascii=True, default=str)
