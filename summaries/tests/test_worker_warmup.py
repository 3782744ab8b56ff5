"""A Celery worker child warms the renderer up when it starts, once."""

from celery.signals import worker_process_init

from summaries.services import rendering
from summaries.worker_warmup import warm_up_renderer


def _answers_of_warm_up_receiver(responses) -> list:
    return [answer for receiver, answer in responses if receiver is warm_up_renderer]


def test_worker_process_init_warms_the_renderer_up_once(monkeypatch):
    monkeypatch.setattr(rendering, "_current", None)
    assert _answers_of_warm_up_receiver(worker_process_init.send(sender=None)) == [True]
    assert rendering._renderer().warmed_up
    assert _answers_of_warm_up_receiver(worker_process_init.send(sender=None)) == [False]


def test_a_failed_warm_up_leaves_the_worker_running(monkeypatch, caplog):
    def broken_renderer():
        raise OSError("no fonts")

    monkeypatch.setattr(rendering, "_renderer", broken_renderer)
    assert warm_up_renderer() is False
    assert "render warm-up failed" in caplog.text
