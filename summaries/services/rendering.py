"""Rendering a submission's summary as a PDF with WeasyPrint."""

from django.template.loader import render_to_string
from weasyprint import HTML

from summaries.models import Submission
from summaries.services.pdf_fetcher import PDF_ASSETS_DIR, BundledAssetsOnlyFetcher


def summary_html(submission: Submission) -> str:
    return render_to_string("summaries/summary_pdf.html", {"submission": submission})


def render_summary_pdf(submission: Submission) -> bytes:
    document = HTML(
        string=summary_html(submission),
        base_url=PDF_ASSETS_DIR.as_uri() + "/",
        url_fetcher=BundledAssetsOnlyFetcher(),
    )
    return document.write_pdf()
