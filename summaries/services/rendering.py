"""Rendering a submission's summary as a PDF with WeasyPrint.

Most of a stock `HTML(string=...).write_pdf()` call is not layout: each call builds a new font
configuration (Fontconfig reads its list of fonts again and Pango's font caches start empty)
and parses the template's stylesheets again. Both are the same for every job, so each worker
process prepares them once and every render reuses them; `warm_up` does it when the process
starts, so that its first job is as fast as its tenth (see summaries/worker_process.py).

Two costs that WeasyPrint pays again and again in a worker are removed around it: Python mapping
and unmapping its frame stack when a render starts deep in Celery's stack
(services/stack_room.py), and cffi parsing a new C type for each new glyph count
(services/weasyprint_arrays.py).
"""

import os
import re
import threading
from dataclasses import dataclass, field
from urllib.parse import urljoin

from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from summaries.models import Submission
from summaries.services.pdf_fetcher import BundledAssetsOnlyFetcher
from summaries.services.stack_room import call_with_stack_room
from summaries.services.weasyprint_arrays import use_open_arrays

TEMPLATE = "summaries/summary_pdf.html"

# Before any render, in every process that renders (summaries/services/weasyprint_arrays.py).
use_open_arrays()

# The document's stylesheets, in order: plain <style> blocks and <link rel="stylesheet" href>.
# They are parsed once and handed to WeasyPrint ready-made. The template escapes every answer,
# so these tags can only come from the template itself.
_STYLESHEET_TAG = re.compile(
    r"<style(?:\s+type=[\"']text/css[\"'])?\s*>(?P<text>.*?)</style>"
    r"|<link\s+rel=[\"']stylesheet[\"']\s+href=[\"'](?P<href>[^\"'<>]+)[\"']\s*/?>",
    re.DOTALL | re.IGNORECASE,
)
# Ready-made stylesheets join the cascade as user stylesheets, which behave exactly like the
# document's own only when nothing else styles the document: otherwise render it as it is.
_OTHER_STYLING = re.compile(r"<style\b|<link\b[^>]*\bstylesheet\b|!important", re.IGNORECASE)
_STYLESHEET_CACHE_SIZE = 16

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


def _base_url(fetcher: BundledAssetsOnlyFetcher) -> str:
    return fetcher.root.as_uri() + "/"


@dataclass
class _ProcessRenderer:
    """What every render in one process shares. Never shared across a fork: see _renderer()."""

    pid: int
    font_config: FontConfiguration = field(default_factory=FontConfiguration)
    # Holds no state between fetches; building one costs more than half a millisecond (urllib
    # handlers, the proxy settings read from the environment), so it is built once too.
    fetcher: BundledAssetsOnlyFetcher = field(default_factory=BundledAssetsOnlyFetcher)
    stylesheets: dict[tuple, CSS] = field(default_factory=dict)
    images: dict = field(default_factory=dict)
    # Pango and Fontconfig objects are not thread-safe: one render at a time per process.
    lock: threading.Lock = field(default_factory=threading.Lock)
    warmed_up: bool = False

    def _parsed(self, text: str, base_url: str, fetcher: BundledAssetsOnlyFetcher) -> CSS:
        # Same text, same place, same kind of fetcher: the same stylesheet. A changed template
        # or stylesheet file gives new text and is parsed anew.
        key = (text, base_url, type(fetcher), fetcher.root)
        sheet = self.stylesheets.get(key)
        if sheet is None:
            if len(self.stylesheets) >= _STYLESHEET_CACHE_SIZE:
                self.stylesheets.clear()
            sheet = CSS(string=text, base_url=base_url, url_fetcher=fetcher, font_config=self.font_config)
            self.stylesheets[key] = sheet
        return sheet

    def _lift_stylesheets(self, html: str, fetcher: BundledAssetsOnlyFetcher) -> tuple[str, list[CSS]] | None:
        """The document without its stylesheets, and them parsed; None to render it as it is."""
        tags = list(_STYLESHEET_TAG.finditer(html))
        remainder = _STYLESHEET_TAG.sub("", html)
        if not tags or _OTHER_STYLING.search(remainder):
            return None
        sheets = []
        for tag in tags:
            if tag["href"] is None:
                sheets.append(self._parsed(tag["text"], _base_url(fetcher), fetcher))
                continue
            url = urljoin(_base_url(fetcher), tag["href"])
            try:
                # Fetched each time, through the same fetcher (a small file); parsed only when its text is new.
                text = fetcher.fetch(url).read().decode("utf-8")
            except (ValueError, OSError):
                # Refused, missing or not UTF-8: WeasyPrint itself reports it and renders without it.
                return None
            sheets.append(self._parsed(text, url, fetcher))
        return remainder, sheets

    def render(self, html: str, fetcher: BundledAssetsOnlyFetcher) -> bytes:
        lifted = self._lift_stylesheets(html, fetcher)
        html, stylesheets = lifted if lifted is not None else (html, [])
        document = HTML(string=html, base_url=_base_url(fetcher), url_fetcher=fetcher)
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


def html_to_pdf(html: str, fetcher: BundledAssetsOnlyFetcher | None = None) -> bytes:
    """Every PDF goes through here, so every render uses the restricted fetcher."""
    renderer = _renderer()
    with renderer.lock:
        return call_with_stack_room(renderer.render, html, fetcher or renderer.fetcher)


def render_summary_pdf(submission: Submission) -> bytes:
    return html_to_pdf(summary_html(submission))


def warm_up() -> bool:
    """Prepare this process and render a sample summary; False when it was done already."""
    renderer = _renderer()
    with renderer.lock:
        if renderer.warmed_up:
            return False
        # Dated like a stored submission, so the sample renders everything a real one does.
        html = summary_html(Submission(**WARM_UP_ANSWERS, created_at=timezone.now()))
        # Twice: the first render's big buffers (each render copies the fonts it uses, 10 MB for
        # the emoji font) come from fresh mappings; only from the second on are they served from
        # the heap already grown. Measured: 2,900 page faults in the first job after one warm-up
        # render, 160 after two, 85 in any later job; with services/stack_room.py, 10 to 12 in the
        # first job after two, 6 in a later one.
        for _ in range(WARM_UP_RENDERS):
            call_with_stack_room(renderer.render, html, renderer.fetcher)
        renderer.warmed_up = True
    return True
