"""Rendering a submission's summary as a PDF with WeasyPrint.

Most of a stock `HTML(string=...).write_pdf()` call is not layout: each call builds a new font
configuration (Fontconfig reads its list of fonts again and Pango's caches start empty) and
parses the stylesheet again. Both are the same for every job, so each process prepares them
once, on first use, and every render reuses them. A worker process does it before its first job
(`warm_up`, called from summaries/worker_process.py), so that its first job is as fast as its tenth.

Summaries are written as PDF/A-3a and PDF/UA-1 at once (services/pdf_standards.py says how):
tagged for screen readers, and fit for an archive. Any other HTML (`html_to_pdf`) is written
as WeasyPrint's plain PDF.

Renders go through summaries/compat/frame_stack.py: on the Python versions that need it, a render
started deep in a worker's stack would otherwise map and unmap frame-stack memory at every dip.
"""

import os
import threading
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from summaries.compat.frame_stack import call_with_stack_room
from summaries.models import Submission
from summaries.services.pdf_colours import palette_for
from summaries.services.pdf_fetcher import PDF_ASSETS_DIR, BundledAssetsOnlyFetcher
from summaries.services.pdf_standards import PDF_VARIANT, claim_pdf_ua

TEMPLATE = "summaries/summary_pdf.html"
STYLESHEET = PDF_ASSETS_DIR / "summary.css"

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
# The first render's big buffers (each render copies the fonts it uses, 10 MB for the emoji
# font) come from fresh memory mappings; only the renders after it reuse the grown heap.
WARM_UP_RENDERS = 2


@dataclass
class _ProcessRenderer:
    """What every render in one process shares. Never shared across a fork: see _renderer()."""

    pid: int
    font_config: FontConfiguration = field(default_factory=FontConfiguration)
    fetcher: BundledAssetsOnlyFetcher = field(default_factory=BundledAssetsOnlyFetcher)
    images: dict = field(default_factory=dict)
    # Pango and Fontconfig objects are not thread-safe: one render at a time per process.
    lock: threading.Lock = field(default_factory=threading.Lock)
    warmed_up: bool = False

    def __post_init__(self) -> None:
        # The template is ours and links no stylesheet: its one stylesheet is parsed here, once.
        self.summary_stylesheet = CSS(filename=STYLESHEET, url_fetcher=self.fetcher, font_config=self.font_config)

    def render(
        self,
        html: str,
        *,
        stylesheets: list[CSS],
        fetcher: BundledAssetsOnlyFetcher | None = None,
        archival_accessible: bool = False,
    ) -> bytes:
        fetcher = fetcher or self.fetcher
        document = HTML(string=html, base_url=fetcher.root.as_uri() + "/", url_fetcher=fetcher)
        with self.lock:
            return call_with_stack_room(
                self._write, document, stylesheets=stylesheets, archival_accessible=archival_accessible
            )

    def _write(self, document: HTML, *, stylesheets: list[CSS], archival_accessible: bool) -> bytes:
        options = {"pdf_variant": PDF_VARIANT} if archival_accessible else {}
        rendered = document.render(font_config=self.font_config, stylesheets=stylesheets, cache=self.images, **options)
        if archival_accessible:
            claim_pdf_ua(rendered)
        return rendered.write_pdf(**options)


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
    return render_to_string(TEMPLATE, {"submission": submission, "palette": palette_for(submission.color)})


def render_summary_pdf(submission: Submission) -> bytes:
    renderer = _renderer()
    return renderer.render(
        summary_html(submission), stylesheets=[renderer.summary_stylesheet], archival_accessible=True
    )


def html_to_pdf(html: str, *, fetcher: BundledAssetsOnlyFetcher | None = None) -> bytes:
    """Any HTML as a PDF, styled only by itself; every render loads through the restricted fetcher."""
    return _renderer().render(html, stylesheets=[], fetcher=fetcher)


def warm_up() -> bool:
    """Prepare this process and render a sample summary; False when it was done already."""
    renderer = _renderer()
    if renderer.warmed_up:
        return False
    # Dated like a stored submission, so the sample renders everything a real one does.
    sample = Submission(**WARM_UP_ANSWERS, created_at=timezone.now())
    for _ in range(WARM_UP_RENDERS):
        render_summary_pdf(sample)
    renderer.warmed_up = True
    return True
