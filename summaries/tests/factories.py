from summaries.models import Submission
from summaries.tests.answers import ANSWERS


def make_submission(**overrides) -> Submission:
    return Submission.objects.create(**{**ANSWERS, **overrides})


def build_submission(**overrides) -> Submission:
    """An unsaved submission with a fixed id and date: for rendering and composing without a database."""
    from datetime import UTC, datetime

    fields = {"pk": 42, "created_at": datetime(2026, 3, 14, 9, 26, 53, tzinfo=UTC), **ANSWERS, **overrides}
    return Submission(**fields)
