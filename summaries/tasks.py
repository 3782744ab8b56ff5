"""Celery entry points: thin wrappers that take an id and call the services."""

from celery import shared_task

from summaries.observability import job_ids, tracing
from summaries.services import pipeline, retention, sweep
from summaries.services.publishing import PROCESS_SUBMISSION_TASK


@shared_task(name=PROCESS_SUBMISSION_TASK)
def process_submission(submission_id: int) -> None:
    with job_ids.working_on(submission_id), tracing.span_for_submission("process_submission", submission_id):
        pipeline.process_submission(submission_id)


@shared_task(name="summaries.tasks.sweep_stalled_submissions")
def sweep_stalled_submissions() -> int:
    return sweep.sweep_stalled_submissions()


@shared_task(name="summaries.tasks.delete_expired_submissions")
def delete_expired_submissions() -> int:
    return retention.delete_expired_submissions()
