"""Rendering a submission's summary as a PDF with WeasyPrint.

Most of a stock `HTML(string=...).write_pdf()` call is not layout: each call builds a new font
configuration (Fontconfig reads its list of fonts again and Pango's font caches start empty)
and parses the template's stylesheet again. Both are the same for every job, so each worker
process prepares them once and every render reuses them; `warm_up` does it when the process
starts, so that its first job is as fast as its tenth (see summaries/worker_warmup.py).
"""

import os
import re
import threading
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from summaries.models import Submission
from summaries.services.pdf_fetcher import PDF_ASSETS_DIR, BundledAssetsOnlyFetcher

TEMPLATE = "summaries/summary_pdf.html"
BASE_URL = PDF_ASSETS_DIR.as_uri() + "/"

# Plain <style> blocks are parsed once and handed to WeasyPrint ready-made. The template's
# HTML escapes every answer, so these tags can only come from the template itself.
_STYLE_BLOCK = re.compile(r"<style(?:\s+type=[\"']text/css[\"'])?\s*>(.*?)</style>", re.DOTALL | re.IGNORECASE)
# Ready-made stylesheets join the cascade as user stylesheets, which behave exactly like the
# document's own only when nothing else styles the document: otherwise render it as it is.
_OTHER_STYLING = re.compile(r"<style\b|<link\b[^>]*\bstylesheet\b|!important", re.IGNORECASE)
_STYLESHEET_CACHE_SIZE = 8

WARM_UP_RENDERS = 2
# What the warm-up renders: typical answers, so the fonts and code paths of a real job are loaded.
WARM_UP_ANSWERS = {
    "email": "warm-up@example.com",
    "name": "Warm Up",
    "about": "A sample summary rendered once when a worker process starts.",
    "hobby": "Typesetting",
    "color": "Blue",
    "saying": "Measure twice, cut once.",
    "dream_job": "Printer",
}


@dataclass
class _ProcessRenderer:
    """What every render in one process shares. Never shared across a fork: see _renderer()."""

    pid: int
    font_config: FontConfiguration = field(default_factory=FontConfiguration)
    url_fetcher: BundledAssetsOnlyFetcher = field(default_factory=BundledAssetsOnlyFetcher)
    stylesheets: dict[str, CSS] = field(default_factory=dict)
    images: dict = field(default_factory=dict)
    # Pango and Fontconfig objects are not thread-safe: one render at a time per process.
    lock: threading.Lock = field(default_factory=threading.Lock)
    warmed_up: bool = False

    def stylesheet(self, text: str) -> CSS:
        sheet = self.stylesheets.get(text)
        if sheet is None:
            if len(self.stylesheets) >= _STYLESHEET_CACHE_SIZE:
                # Only a changed template produces new text; drop the stale ones.
                self.stylesheets.clear()
            sheet = CSS(string=text, base_url=BASE_URL, url_fetcher=self.url_fetcher, font_config=self.font_config)
            self.stylesheets[text] = sheet
        return sheet

    def render(self, html: str) -> bytes:
        blocks = _STYLE_BLOCK.findall(html)
        remainder = _STYLE_BLOCK.sub("", html)
        if blocks and not _OTHER_STYLING.search(remainder):
            html, stylesheets = remainder, [self.stylesheet(text) for text in blocks]
        else:
            stylesheets = []
        document = HTML(string=html, base_url=BASE_URL, url_fetcher=self.url_fetcher)
        return document.write_pdf(font_config=self.font_config, stylesheets=stylesheets, cache=self.images)


_current: _ProcessRenderer | None = None
_creating = threading.Lock()


def _renderer() -> _ProcessRenderer:
    """This process's renderer, made on first use; a forked child makes its own."""
    global _current
    with _creating:
        if _current is None or _current.pid != os.getpid():
            _current = _ProcessRenderer(pid=os.getpid())
        return _current


def summary_html(submission: Submission) -> str:
    return render_to_string(TEMPLATE, {"submission": submission})


def render_html(html: str) -> bytes:
    renderer = _renderer()
    with renderer.lock:
        return renderer.render(html)


def render_summary_pdf(submission: Submission) -> bytes:
    return render_html(summary_html(submission))


def warm_up() -> bool:
    """Prepare this process and render one sample summary; False when it was done already."""
    renderer = _renderer()
    with renderer.lock:
        if renderer.warmed_up:
            return False
        html = summary_html(Submission(**WARM_UP_ANSWERS))
        # Twice: the first render's big buffers (each render copies the fonts it uses, 10 MB for
        # the emoji font) come from fresh mappings; only from the second on are they served from
        # the heap already grown. Measured: 2,900 page faults in the first job after one warm-up
        # render, 160 after two, 85 in any later job.
        for _ in range(WARM_UP_RENDERS):
            renderer.render(html)
        renderer.warmed_up = True
    return True
