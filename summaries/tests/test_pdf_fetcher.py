"""Real WeasyPrint renders of hostile HTML: nothing is fetched from the network or read from disk.

A local HTTP server counts every request it gets; a canary file outside the assets folder holds
a secret. After each render the server must have seen nothing, and neither the canary nor
/etc/passwd may appear in the PDF's text, images or attachments.
"""

import base64
import io
import re
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from pypdf import PdfReader
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from summaries.models import Submission
from summaries.services.pdf_fetcher import PDF_ASSETS_DIR, BundledAssetsOnlyFetcher
from summaries.services.rendering import html_to_pdf, render_summary_pdf

CANARY = "CANARY-7f3a-SECRET"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


class CountingServer:
    """Answers every GET with a tiny PNG (or a redirect to a local file) and counts the hits."""

    def __init__(self):
        self.hits: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                outer.hits.append(self.path)
                if self.path.startswith("/redirect"):
                    self.send_response(302)
                    self.send_header("Location", "file:///etc/passwd")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.end_headers()
                self.wfile.write(PNG)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def server():
    with CountingServer() as running:
        yield running


@pytest.fixture(scope="module")
def canary(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("outside") / "secret.txt"
    path.write_text(CANARY)
    return path


@pytest.fixture(scope="module")
def assets(tmp_path_factory, canary) -> Path:
    """An assets folder with one real stylesheet and symlinks that point out of it."""
    root = tmp_path_factory.mktemp("assets")
    (root / "allowed.css").write_text('body::after { content: "ASSET-LOADED"; }')
    (root / "passwd.css").symlink_to("/etc/passwd")
    (root / "canary.txt").symlink_to(canary)
    (root / "outside").symlink_to(canary.parent, target_is_directory=True)
    return root


class RecordingFetcher(BundledAssetsOnlyFetcher):
    """The product's fetcher, noting every URL it actually served during a real render."""

    def __init__(self, root: Path):
        super().__init__(root)
        self.served: list[str] = []

    def fetch(self, url, headers=None):
        response = super().fetch(url, headers)
        self.served.append(url)
        return response


def stream_bytes(pdf: bytes) -> bytes:
    """Every stream of the PDF, inflated where compressed: where an embedded file would hide."""
    chunks = []
    for raw in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, flags=re.S):
        try:
            chunks.append(zlib.decompress(raw))
        except zlib.error:
            chunks.append(raw)
    return b"".join(chunks)


def rendered(pdf: bytes) -> dict:
    reader = PdfReader(io.BytesIO(pdf))
    return {
        "streams": stream_bytes(pdf),
        "text": " ".join(page.extract_text() for page in reader.pages),
        "images": sum(len(page.images) for page in reader.pages),
        "attachments": dict(reader.attachments),
    }


def payloads(http: str, canary: Path) -> dict[str, str]:
    secret = canary.as_uri()
    svg_with_fetch = base64.b64encode(
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">'
        f'<image xlink:href="{http}/svg-data" href="{http}/svg-data" width="10" height="10"/></svg>'.encode()
    ).decode()
    return {
        "img http": f'<img src="{http}/img.png">',
        "img file": '<img src="file:///etc/passwd">',
        "img canary": f'<img src="{secret}">',
        "link stylesheet": f'<link rel="stylesheet" href="{http}/style.css">',
        "link stylesheet file": f'<link rel="stylesheet" href="{secret}">',
        "@import": f'<style>@import url("{http}/import.css");</style>',
        "@import file": f'<style>@import "{secret}";</style>',
        "background url()": f'<style>body {{ background: url("{http}/bg.png") }}</style>',
        "content url()": f'<style>p::before {{ content: url("{http}/content.png") }}</style><p>x</p>',
        "list-style-image": f'<style>li {{ list-style-image: url("{http}/li.png") }}</style><ul><li>x</li></ul>',
        "@font-face": f'<style>@font-face {{ font-family: x; src: url("{http}/f.woff") }}</style>'
        '<p style="font-family: x">text</p>',
        "object": f'<object data="{http}/object.png" type="image/png"></object>',
        "object file": '<object data="file:///etc/passwd" type="text/plain"></object>',
        "embed": f'<embed src="{http}/embed.png" type="image/png">',
        "iframe": f'<iframe src="{secret}"></iframe>',
        "attachment a": f'<a rel="attachment" href="{secret}">file</a>',
        "attachment link": '<link rel="attachment" href="file:///etc/passwd">',
        "inline svg image": f'<svg width="9" height="9"><image href="{http}/inline-svg" width="9" height="9"/></svg>',
        "svg in data: url": f'<img src="data:image/svg+xml;base64,{svg_with_fetch}">',
        "data: image": f'<img src="data:image/png;base64,{base64.b64encode(PNG).decode()}">',
        "data: css": f'<link rel="stylesheet" href="data:text/css,body%7Bbackground:url({http}/data-css)%7D">',
        "base href": f'<base href="{http}/base/"><img src="relative.png">',
        "redirect to file": f'<img src="{http}/redirect">',
        "relative traversal": '<img src="../../../../../../../../etc/passwd">',
        "absolute traversal": f'<link rel="stylesheet" href="{PDF_ASSETS_DIR.as_uri()}/../../../../../../etc/passwd">',
        "encoded traversal": f'<link rel="stylesheet" href="{PDF_ASSETS_DIR.as_uri()}/%2e%2e/%2e%2e/%2e%2e/x">',
        "file://localhost": '<img src="file://localhost/etc/passwd">',
        "FILE uppercase": '<img src="FILE:///etc/passwd">',
        "file: no slashes": '<img src="file:/etc/passwd">',
        "remote file host": '<img src="file://127.0.0.1/etc/passwd">',
        "symlink to /etc/passwd": '<link rel="stylesheet" href="passwd.css">',
        "symlink to canary": '<link rel="attachment" href="canary.txt">',
        "symlinked folder": '<link rel="attachment" href="outside/secret.txt">',
        "unc path": '<img src="\\\\127.0.0.1\\share\\x.png">',
        "ftp": '<img src="ftp://127.0.0.1/x.png">',
    }


PAYLOAD_NAMES = list(payloads("http://x", Path("/x")))


@pytest.mark.parametrize("name", PAYLOAD_NAMES)
def test_a_hostile_document_fetches_nothing_and_leaks_nothing(server, canary, assets, name):
    server.hits.clear()
    html = f"<html><body><h1>Summary</h1>{payloads(server.url, canary)[name]}</body></html>"
    fetcher = RecordingFetcher(assets)
    result = rendered(html_to_pdf(html, fetcher=fetcher))
    assert server.hits == []
    assert fetcher.served == []
    assert CANARY.encode() not in result["streams"] and b"root:x:0" not in result["streams"]
    assert CANARY not in result["text"] and "root:" not in result["text"]
    assert result["images"] == 0
    assert result["attachments"] == {}
    assert "ASSET-LOADED" not in result["text"]


def test_the_counting_server_does_see_a_fetch_by_weasyprints_default_fetcher(server):
    """The control for the test above: without our fetcher, the same payload is fetched."""
    server.hits.clear()
    HTML(string=f'<img src="{server.url}/img.png">', url_fetcher=URLFetcher()).write_pdf()
    assert server.hits == ["/img.png"]


def test_a_bundled_asset_is_still_loaded(assets):
    fetcher = RecordingFetcher(assets)
    result = rendered(html_to_pdf('<link rel="stylesheet" href="allowed.css"><p>x</p>', fetcher=fetcher))
    assert "ASSET-LOADED" in result["text"]
    assert fetcher.served == [(assets / "allowed.css").as_uri()]


def test_the_fetcher_answers_only_for_regular_files_inside_its_root(assets, canary):
    fetcher = BundledAssetsOnlyFetcher(assets)
    assert fetcher.bundled_path((assets / "allowed.css").as_uri()) == (assets / "allowed.css").resolve()
    for url in [
        (assets / "passwd.css").as_uri(),
        (assets / "outside" / "secret.txt").as_uri(),
        assets.as_uri(),
        canary.as_uri(),
        "data:text/css,p{}",
        "http://127.0.0.1/allowed.css",
        "allowed.css",
        f"file://evil.example{assets / 'allowed.css'}",
        "file:///\x00",
    ]:
        assert fetcher.bundled_path(url) is None, url


@pytest.mark.django_db
def test_answers_that_look_like_markup_are_printed_as_text_and_fetch_nothing(server):
    server.hits.clear()
    submission = Submission.objects.create(
        email="ada@example.com",
        name=f'<img src="{server.url}/name.png">',
        about=f'</div><link rel="stylesheet" href="{server.url}/a.css"><style>@import "{server.url}/i.css";</style>',
        hobby='<a rel="attachment" href="file:///etc/passwd">x</a>',
        color="Red",
        saying="{{ submission.email }}",
        dream_job="&lt;escaped&gt;",
    )
    result = rendered(render_summary_pdf(submission))
    plain = rendered(render_summary_pdf(Submission(name="Ada", about="x", hobby="y", color="Red")))
    assert server.hits == []
    # The template's own emoji is the only image, as in a summary with plain answers.
    assert result["images"] == plain["images"]
    assert result["attachments"] == {}
    assert f'<img src="{server.url}/name.png">' in result["text"].replace("\n", "")
    assert "{{ submission.email }}" in result["text"]
    assert "&lt;escaped&gt;" in result["text"]
    assert "ada@example.com" not in result["text"]
