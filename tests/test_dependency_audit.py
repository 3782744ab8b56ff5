"""The dependency audit run by `make test`: real pip-audit, against a local OSV-compatible server.

The advisory database is outside the product, so the tests serve its API themselves: one
server knows an advisory, one knows none, one fails. A last test asks the real OSV database
about a Django release with known advisories, when this machine can reach it.
"""

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from scripts.audit_dependencies import REQUIREMENTS, interpret, main, run

ADVISORY = {
    "id": "GHSA-test-0000-0000",
    "aliases": ["PYSEC-0000-0"],
    "summary": "A made-up advisory for the test",
    "affected": [
        {
            "package": {"name": "weasyprint", "ecosystem": "PyPI"},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "99.0"}]}],
        }
    ],
}


class FakeOsv:
    """Answers POST /v1/query like api.osv.dev: an advisory for the packages in `vulnerable`."""

    def __init__(self, vulnerable: set[str] = frozenset(), status: int = 200):
        self.queries: list[dict] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                query = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.queries.append(query)
                body = {"vulns": [ADVISORY]} if query["package"]["name"] in vulnerable else {}
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps(body).encode())

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1/query"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def osv(request):
    servers = []

    def start(**kwargs) -> FakeOsv:
        servers.append(FakeOsv(**kwargs))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def test_an_advisory_for_a_pinned_package_fails_the_check_and_names_it(osv, tmp_path, capsys):
    server = osv(vulnerable={"weasyprint"})
    assert main(["--osv-url", server.url, "--cache-dir", str(tmp_path)]) == 1
    report = capsys.readouterr().err
    assert "weasyprint 70.0: " in report and "GHSA-test-0000-0000" in report and "(fixed in 99.0)" in report
    # Every pinned package was asked about, the runtime and the test ones.
    asked = {q["package"]["name"] for q in server.queries}
    assert {"django", "weasyprint", "celery", "pytest", "pip-audit"} <= asked


def test_no_advisories_passes_and_says_how_many_packages_were_checked(osv, tmp_path, capsys):
    server = osv()
    assert main(["--osv-url", server.url, "--cache-dir", str(tmp_path)]) == 0
    lines = [line for path in REQUIREMENTS for line in path.read_text().splitlines()]
    pinned = {line.split("==")[0].lower() for line in lines if "==" in line}
    assert f"no known advisories for {len(pinned)} pinned packages" in capsys.readouterr().out
    assert len(server.queries) == len(pinned)


def test_an_unreachable_database_is_reported_and_does_not_fail_the_run(tmp_path, capsys):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{closed.getsockname()[1]}/v1/query"
    assert main(["--osv-url", url, "--cache-dir", str(tmp_path)]) == 0
    assert "NOT RUN, the advisory database could not be reached" in capsys.readouterr().out


def test_a_failing_database_is_reported_and_does_not_fail_the_run(osv, tmp_path):
    audit = run(REQUIREMENTS, ["--osv-url", osv(status=503).url, "--cache-dir", str(tmp_path)])
    assert not audit.failed and audit.error


def test_packages_the_database_could_not_check_are_listed():
    report = {
        "dependencies": [
            {"name": "django", "version": "5.2.19", "vulns": []},
            {"name": "weasyprint", "skip_reason": "Dependency not found on PyPI and could not be audited"},
        ]
    }
    audit = interpret(json.dumps(report), "")
    assert not audit.failed
    assert "1 of 2 pinned packages could NOT be checked" in audit.report() and "weasyprint" in audit.report()


@pytest.mark.integration  # pip-audit against the real OSV database, over the network
def test_the_real_osv_database_knows_an_old_django_is_vulnerable(tmp_path):
    try:
        socket.create_connection(("api.osv.dev", 443), timeout=5).close()
    except OSError:
        pytest.skip("api.osv.dev is not reachable from this machine (the audit then says NOT RUN)")
    old = tmp_path / "requirements.txt"
    old.write_text("Django==4.2.0\n")
    audit = run([old], ["--cache-dir", str(tmp_path / "cache")])
    assert audit.failed, audit.report()
    assert any(advisory.startswith("django 4.2.0: ") for advisory in audit.advisories)
