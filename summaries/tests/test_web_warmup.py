"""A web process warms up as the WSGI application loads, and never loads the renderer."""

import json

import pytest

from summaries import web_warmup
from summaries.tests.fresh_process import run_manage, run_python

# Loads the WSGI application as gunicorn does, serves the public pages once, and reports what it loaded.
WEB_PROCESS = """
import json, sys
import core.wsgi
from django.template import engines
from django.test import Client
loader = engines["django"].engine.template_loaders[0]
compiled_at_load = sorted(key for key in loader.get_template_cache if key.startswith("summaries/"))
client = Client()
form = client.get("/")
answers = {"email": "ada@example.com", "name": "Ada", "about": "Engines.", "hobby": "Maths", "color": "Blue"}
status = client.get(client.post("/", answers)["Location"])
health = client.get("/healthz")
# cffi itself is not in the list: Celery's billiard imports it, and the web loads the Celery app.
loaded = sorted(name for name in ("weasyprint", "pydyf", "fontTools", "tinycss2") if name in sys.modules)
with open("/proc/self/maps") as maps:
    libraries = {line.rsplit("/", 1)[-1].split(".so")[0] for line in maps if "/lib" in line}
loaded += sorted(name for name in libraries if name.startswith(("libpango", "libharfbuzz")))
print(json.dumps({"codes": [form.status_code, status.status_code, health.status_code],
                  "compiled_at_load": compiled_at_load, "loaded": loaded}))
"""


@pytest.mark.integration  # starts real processes: migrate, collectstatic and the web process itself
def test_a_web_process_serves_the_pages_without_loading_the_renderer(tmp_path):
    variables = {
        "SECRET_KEY": "test",
        "HTTPS": "0",
        "ALLOWED_HOSTS": "testserver",
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    for command in (["migrate", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        done = run_manage(tmp_path, *command, **variables)
        assert done.returncode == 0, done.stderr[-3000:]
    run = run_python(tmp_path, WEB_PROCESS, **variables)
    assert run.returncode == 0, run.stderr[-3000:]
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    assert seen["codes"][:2] == [200, 200]
    assert seen["loaded"] == [], "WeasyPrint and what it brings belong to the worker only"
    assert {"summaries/form.html", "summaries/status.html"} <= set(seen["compiled_at_load"])


def test_a_failed_web_warm_up_is_logged_not_raised(monkeypatch, caplog):
    def broken_template(name):
        raise OSError("templates unreadable")

    monkeypatch.setattr(web_warmup, "get_template", broken_template)
    web_warmup.warm_up_web()
    assert "web warm-up failed" in caplog.text
