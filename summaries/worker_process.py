"""What each Celery worker process does around its jobs, so that every job runs like the tenth.

Connected from the Celery app (core/celery.py) when a worker starts, never in a web process,
which so never loads WeasyPrint.

When a child process starts (Celery's worker_process_init, sent in the child before it reports
ready, which is why CELERY_WORKER_PROC_ALIVE_TIMEOUT leaves room for it):
- it applies the workarounds a rendering process needs (summaries/compat/);
- it prepares its renderer (fonts, stylesheet, template) and renders a sample summary, while
  no one is waiting on it;
- it hides everything loaded so far from Python's cycle collector (gc.freeze): those objects
  live as long as the process, and a collection need not walk them again after every job.

Around each job (task_prerun and task_postrun, in the child):
- its database connections are kept by Django's rules (DATABASE_CONN_MAX_AGE, health checks),
  not opened anew for every job;
- after the job, its garbage is collected at once. A render leaves its document and its copies
  of the fonts it used (10 MB for the colour emoji font) in reference cycles, which are otherwise
  freed only when the collector's thresholds say so, sometimes in the middle of the next render:
  two renders' buffers alive at once would grow the heap for good.

When it exits, it lets go of the connection to the mail server it kept for the next email.
"""

import gc
import logging
import time

from celery.signals import task_postrun, task_prerun, worker_process_init, worker_process_shutdown
from django.db import connections

from summaries import compat
from summaries.services import mail_connections, rendering

logger = logging.getLogger("summaries.worker_process")

# Set once this process has been prepared as a worker child: only then is a collection after each
# job cheap (everything long-lived frozen), so a test process running tasks eagerly is left alone.
_prepared = False


@worker_process_init.connect(dispatch_uid="summaries.worker_process.prepare_worker_process")
def prepare_worker_process(**_signal) -> None:
    global _prepared
    compat.apply_in_worker_process()
    warm_up_renderer()
    gc.collect()
    gc.freeze()
    _prepared = True


@task_prerun.connect(dispatch_uid="summaries.worker_process.check_database_connections_before")
@task_postrun.connect(dispatch_uid="summaries.worker_process.check_database_connections_after")
def check_database_connections(task=None, **_signal) -> None:
    """Django's rules for keeping a database connection, as between two web requests.

    Celery's own Django fixup closes every connection before and after each task unless
    CELERY_DB_REUSE_MAX is set (the settings set it): a new connection for every job, and on
    PostgreSQL a TCP connection and a login. Here a connection older than DATABASE_CONN_MAX_AGE,
    or one that failed, is closed, and a kept one is health-checked before its first use. Not
    for tasks run eagerly in a caller's own transaction.
    """
    if task is not None and getattr(task.request, "is_eager", False):
        return
    for connection in connections.all(initialized_only=True):
        connection.close_if_unusable_or_obsolete()


@task_postrun.connect(dispatch_uid="summaries.worker_process.collect_job_garbage")
def collect_job_garbage(**_signal) -> None:
    if _prepared:
        gc.collect()


@worker_process_shutdown.connect(dispatch_uid="summaries.worker_process.let_go_of_the_mail_server")
def let_go_of_the_mail_server(**_signal) -> None:
    # The connection kept for the next email (services/mail_connections.py) has no next email.
    mail_connections.drop_kept_connection()


def warm_up_renderer() -> bool:
    started = time.perf_counter()
    try:
        warmed = rendering.warm_up()
    except Exception:  # noqa: BLE001 - a failed warm-up only costs the first job its speed
        logger.exception("render warm-up failed; the first job will prepare the renderer")
        return False
    if warmed:
        logger.info("render warm-up done in %.0f ms", (time.perf_counter() - started) * 1000)
    return warmed
