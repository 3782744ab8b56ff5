"""The renderer a worker process prepares once still renders each job exactly as stock WeasyPrint."""

import io
import multiprocessing

from pypdf import PdfReader
from weasyprint import HTML

from summaries.models import Submission
from summaries.services import rendering
from summaries.services.rendering import BASE_URL, render_html, render_summary_pdf, summary_html
from summaries.tests.factories import ANSWERS


def _pages(pdf: bytes) -> list[tuple]:
    """What each page draws and where: its size and its decompressed content stream."""
    return [(tuple(page.mediabox), page.get_contents().get_data()) for page in PdfReader(io.BytesIO(pdf)).pages]


def _text(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


def test_a_prepared_render_draws_the_same_pages_as_stock_weasyprint():
    html = summary_html(Submission(**ANSWERS))
    stock = HTML(string=html, base_url=BASE_URL).write_pdf()
    assert _pages(render_html(html)) == _pages(stock)


def test_each_job_gets_its_own_answers_from_the_shared_renderer():
    first = _text(render_summary_pdf(Submission(**ANSWERS)))
    second = _text(render_summary_pdf(Submission(**{**ANSWERS, "name": "Grace Hopper", "hobby": "Compilers"})))
    assert "Ada Lovelace" in first and "Mathematics" in first
    assert "Grace Hopper" in second and "Compilers" in second
    assert "Ada Lovelace" not in second and "Mathematics" not in second


def test_a_changed_stylesheet_is_used_not_the_cached_one():
    red = render_html("<style>p { color: #ff0000 }</style><p>Hello</p>")
    blue = render_html("<style>p { color: #0000ff }</style><p>Hello</p>")
    assert b"1 0 0 rg" in _pages(red)[0][1]
    assert b"0 0 1 rg" in _pages(blue)[0][1]
    assert b"1 0 0 rg" not in _pages(blue)[0][1]


def test_a_document_styled_other_ways_too_renders_as_stock_weasyprint():
    # An inline !important must still beat the stylesheet, as it does in the document's own cascade.
    html = '<style>p { color: #ff0000 !important }</style><p style="color: #00ff00 !important">Hi</p>'
    assert _pages(render_html(html)) == _pages(HTML(string=html, base_url=BASE_URL).write_pdf())


def _warm_up_in_child(results) -> None:
    results.put((rendering.warm_up(), rendering.warm_up()))


def test_warm_up_renders_once_per_process_and_again_in_a_forked_child():
    rendering.warm_up()
    assert rendering.warm_up() is False

    context = multiprocessing.get_context("fork")
    results = context.Queue()
    child = context.Process(target=_warm_up_in_child, args=(results,))
    child.start()
    first, second = results.get(timeout=60)
    child.join(60)
    assert (first, second) == (True, False)


def test_fonts_are_subset_by_harfbuzz_not_the_slow_fonttools_fallback(caplog):
    # WeasyPrint falls back to fontTools, with this warning, when libharfbuzz-subset0 is missing.
    render_html("<p>Subset me, with HarfBuzz</p>")
    assert "Using fontTools instead of HarfBuzz-Subset" not in caplog.text
