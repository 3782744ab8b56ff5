"""The summary PDF is tagged for screen readers and claims and meets PDF/UA-1 and PDF/A-3 at once,
in every script a person may write in and in every favourite colour (tests/pdf_standards.py checks)."""

import pytest
from django.utils import translation

from summaries.models import Color
from summaries.services.rendering import html_to_pdf, render_summary_pdf, summary_html
from summaries.tests.factories import build_submission
from tests.pdf_standards import check

SCRIPTS = {
    "latin": {"name": "Zoë Ångström", "about": "Crème brûlée, naïve façade.", "saying": "Carpe diem."},
    "arabic": {"name": "محمد الخوارزمي", "about": "أكتب برامج للآلات.", "saying": "العلم نور"},
    "cjk": {"name": "王小明 山田はなこ 김민준", "about": "我写程序。日本語も。한국어도.", "saying": "温故知新"},
    "emoji": {"name": "Ada 👩🏽‍💻 🎉", "about": "Rockets 🚀 and hearts ❤️ 🇫🇷", "saying": "✨ Shine ✨"},
}


@pytest.mark.parametrize("colour", Color.values)
@pytest.mark.parametrize("script", SCRIPTS)
def test_every_summary_meets_what_the_checker_checks(script, colour):
    report = check(render_summary_pdf(build_submission(color=colour, **SCRIPTS[script])))

    assert report.problems == []
    assert report.xmp["pdfaid:part"] == "3"
    assert report.xmp["pdfuaid:part"] == "1"


def test_a_summary_over_two_pages_is_still_tagged_and_marked_throughout():
    about = "A long story about myself. " * 400
    report = check(render_summary_pdf(build_submission(about=about)))

    assert report.problems == []


def test_the_structure_has_headings_a_table_of_answers_and_the_saying_as_a_quotation():
    report = check(render_summary_pdf(build_submission()))
    document = report.structure.children[0]
    roles = report.roles()

    assert roles.count("H1") == 1
    assert roles.index("H1") < roles.index("H2")
    table = next(element for element in document.walk() if element.role == "Table")
    table_roles = [element.role for element in table.walk()]
    # Hobby, colour and dream job: a label and its value each.
    assert table_roles.count("TH") == table_roles.count("TD") == 3
    quote = next(element for element in document.walk() if element.role == "BlockQuote")
    assert [child.role for child in quote.children] == ["P"]


def test_the_table_cells_name_their_column_headers():
    # What lets a screen reader say "Favourite hobby: Mathematics" on the value's cell.
    import io

    import pikepdf

    with pikepdf.open(io.BytesIO(render_summary_pdf(build_submission()))) as pdf:
        cells = [e for e in pdf.objects if isinstance(e, pikepdf.Dictionary) and e.get("/S") == "/TD"]
        header_ids = {str(e.ID) for e in pdf.objects if isinstance(e, pikepdf.Dictionary) and e.get("/S") == "/TH"}
        assert cells
        for cell in cells:
            assert {str(header) for header in cell.A.Headers} <= header_ids
            assert len(cell.A.Headers) == 1


def test_the_document_language_is_the_language_active_for_the_job():
    with translation.override("fr"):
        html = summary_html(build_submission())
    assert '<html lang="fr" dir="ltr">' in html
    assert '<html lang="en" dir="ltr">' in summary_html(build_submission())


def test_the_xmp_title_is_the_title_a_viewer_shows():
    report = check(render_summary_pdf(build_submission(name="Zoë")))

    assert report.xmp["dc:title"] == "Personal Summary: Zoë"


def test_the_checker_finds_what_an_untagged_pdf_lacks():
    problems = " ".join(check(html_to_pdf(summary_html(build_submission()))).problems)

    for lack in ("XMP", "MarkInfo", "DisplayDocTitle", "StructTreeRoot", "output intent"):
        assert lack in problems


def test_the_checker_finds_a_glyph_no_font_has():
    # A private-use character: no installed font draws it, so the PDF holds a missing-glyph box.
    problems = check(render_summary_pdf(build_submission(hobby="Knitting \ue000"))).problems

    assert any(".notdef" in problem for problem in problems)


def _stock_render(**options) -> bytes:
    from weasyprint import CSS, HTML

    from summaries.services.pdf_fetcher import BundledAssetsOnlyFetcher
    from summaries.services.rendering import STYLESHEET

    fetcher = BundledAssetsOnlyFetcher()
    document = HTML(string=summary_html(build_submission()), base_url=fetcher.root.as_uri() + "/", url_fetcher=fetcher)
    rendered = document.render(stylesheets=[CSS(filename=STYLESHEET)], **options)
    return rendered, options


def test_the_checker_refuses_a_second_rdf_packet_and_an_undeclared_pdfuaid():
    # WeasyPrint's xmp_metadata appends whole rdf:RDF elements: the shortcut validators reject.
    rendered, options = _stock_render(pdf_variant="pdf/a-3a")
    rendered.metadata.xmp_metadata = [
        b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" '
        b'xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/" pdfuaid:part="1"/></rdf:RDF>'
    ]
    problems = " ".join(check(rendered.write_pdf(**options)).problems)

    assert "exactly one rdf:RDF" in problems
    assert "extension schema" in problems


def test_the_checker_sees_that_weasyprints_pdf_ua_variant_alone_claims_no_pdf_a():
    rendered, options = _stock_render(pdf_variant="pdf/ua-1")
    problems = " ".join(check(rendered.write_pdf(**options)).problems)

    assert "does not claim PDF/A-3a or 3u" in problems
    assert "output intent" in problems


def test_the_checker_runs_qpdf_on_the_file():
    pdf = render_summary_pdf(build_submission())
    broken = pdf.replace(b"startxref", b"startxreg")

    assert any(problem.startswith("qpdf --check") for problem in check(broken).problems)
