"""Warm each Celery worker process up as it starts, so its first job is as fast as its tenth.

A prefork worker forks its child processes before any job arrives; each child prepares its
own renderer (fonts, stylesheets, template) and renders one sample summary here, while no
one is waiting on it. Celery sends worker_process_init in the child before it reports ready,
which is why CELERY_WORKER_PROC_ALIVE_TIMEOUT leaves room for it.
"""

import logging
import time

from celery.signals import worker_process_init

from summaries.services import rendering

logger = logging.getLogger("summaries.warmup")


@worker_process_init.connect(dispatch_uid="summaries.worker_warmup.warm_up_renderer")
def warm_up_renderer(**_signal) -> bool:
    started = time.perf_counter()
    try:
        warmed = rendering.warm_up()
    except Exception:  # noqa: BLE001 - a failed warm-up only costs the first job its speed
        logger.exception("render warm-up failed; the first job will prepare the renderer")
        return False
    if warmed:
        logger.info("render warm-up done in %.0f ms", (time.perf_counter() - started) * 1000)
    return warmed
