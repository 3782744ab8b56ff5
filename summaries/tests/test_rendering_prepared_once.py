"""The renderer a worker process prepares once renders each job exactly as stock WeasyPrint would."""

import io
import multiprocessing

from pypdf import PdfReader
from weasyprint import CSS, HTML

from summaries.services import rendering
from summaries.services.pdf_fetcher import BundledAssetsOnlyFetcher
from summaries.services.pdf_standards import PDF_VARIANT
from summaries.services.rendering import html_to_pdf, render_summary_pdf, summary_html
from summaries.tests.factories import build_submission


def _pages(pdf: bytes) -> list[tuple]:
    """What each page draws and where: its size and its decompressed content stream."""
    return [(tuple(page.mediabox), page.get_contents().get_data()) for page in PdfReader(io.BytesIO(pdf)).pages]


def _text(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


def _stock(html: str, fetcher: BundledAssetsOnlyFetcher, stylesheets=(), **options) -> bytes:
    return HTML(string=html, base_url=fetcher.root.as_uri() + "/", url_fetcher=fetcher).write_pdf(
        stylesheets=list(stylesheets), **options
    )


def test_a_prepared_render_draws_the_same_pages_as_stock_weasyprint():
    html = summary_html(build_submission())
    stock = _stock(
        html, BundledAssetsOnlyFetcher(), stylesheets=[CSS(filename=rendering.STYLESHEET)], pdf_variant=PDF_VARIANT
    )
    assert _pages(render_summary_pdf(build_submission())) == _pages(stock)


def test_the_summary_is_styled_by_its_stylesheet():
    unstyled = _stock(summary_html(build_submission()), BundledAssetsOnlyFetcher())
    assert _pages(render_summary_pdf(build_submission())) != _pages(unstyled)


def test_each_job_gets_its_own_answers_from_the_shared_renderer():
    first = _text(render_summary_pdf(build_submission()))
    second = _text(render_summary_pdf(build_submission(name="Grace Hopper", hobby="Compilers")))
    assert "Ada Lovelace" in first and "Mathematics" in first
    assert "Grace Hopper" in second and "Compilers" in second
    assert "Ada Lovelace" not in second and "Mathematics" not in second


def test_a_changed_style_block_is_used_not_the_cached_one():
    red = html_to_pdf("<style>p { color: #ff0000 }</style><p>Hello</p>")
    blue = html_to_pdf("<style>p { color: #0000ff }</style><p>Hello</p>")
    assert b"1 0 0 rg" in _pages(red)[0][1]
    assert b"0 0 1 rg" in _pages(blue)[0][1]
    assert b"1 0 0 rg" not in _pages(blue)[0][1]


def test_a_changed_stylesheet_file_is_read_again(tmp_path):
    fetcher = BundledAssetsOnlyFetcher(tmp_path)
    html = '<link rel="stylesheet" href="style.css"><p>Hello</p>'
    (tmp_path / "style.css").write_text("p { color: #ff0000 }")
    red = html_to_pdf(html, fetcher=fetcher)
    (tmp_path / "style.css").write_text("p { color: #0000ff }")
    blue = html_to_pdf(html, fetcher=fetcher)
    assert b"1 0 0 rg" in _pages(red)[0][1]
    assert b"0 0 1 rg" in _pages(blue)[0][1]


def test_any_document_renders_as_stock_weasyprint():
    html = '<style>p { color: #ff0000 !important }</style><p style="color: #00ff00 !important">Hi</p>'
    assert _pages(html_to_pdf(html)) == _pages(_stock(html, BundledAssetsOnlyFetcher()))


def test_fonts_are_subset_by_harfbuzz_not_the_slow_fonttools_fallback(caplog):
    # WeasyPrint falls back to fontTools, with this warning, when libharfbuzz-subset0 is missing.
    html_to_pdf("<p>Subset me, with HarfBuzz</p>")
    assert "Using fontTools instead of HarfBuzz-Subset" not in caplog.text


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


def test_the_fetcher_is_built_once_per_process_not_per_job(monkeypatch):
    render_summary_pdf(build_submission())
    built = []
    real_init = BundledAssetsOnlyFetcher.__init__
    monkeypatch.setattr(
        BundledAssetsOnlyFetcher, "__init__", lambda self, *args, **kwargs: built.append(1) or real_init(self, *args)
    )
    for name in ("Grace Hopper", "Katherine Johnson"):
        assert name in _text(render_summary_pdf(build_submission(name=name)))
    assert built == []
