"""A web process warms up as the WSGI application loads, without needing the broker."""

from core.celery import app
from summaries import web_warmup


def test_web_warm_up_does_not_reach_the_broker(settings, caplog):
    # Nothing listens on port 1: any attempt to connect would fail and be logged.
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        web_warmup.warm_up_web()
    finally:
        app.conf.broker_url = settings.CELERY_BROKER_URL
    assert "web warm-up failed" not in caplog.text


def test_a_failed_web_warm_up_is_logged_not_raised(monkeypatch, caplog):
    def broken_template(name):
        raise OSError("templates unreadable")

    monkeypatch.setattr(web_warmup, "get_template", broken_template)
    web_warmup.warm_up_web()
    assert "web warm-up failed" in caplog.text


def test_the_wsgi_application_loads_warmed_up():
    import core.wsgi

    assert callable(core.wsgi.application)
