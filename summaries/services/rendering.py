"""Rendering a submission's summary as a PDF with WeasyPrint."""

from django.template.loader import render_to_string
from weasyprint import HTML

from summaries.models import Submission
from summaries.services.pdf_fetcher import PDF_ASSETS_DIR, BundledAssetsOnlyFetcher


def summary_html(submission: Submission) -> str:
    return render_to_string("summaries/summary_pdf.html", {"submission": submission})


def html_to_pdf(html: str, fetcher: BundledAssetsOnlyFetcher | None = None) -> bytes:
    """Every PDF goes through here, so every render uses the restricted fetcher."""
    fetcher = fetcher or BundledAssetsOnlyFetcher()
    return HTML(string=html, base_url=fetcher.root.as_uri() + "/", url_fetcher=fetcher).write_pdf()


def render_summary_pdf(submission: Submission) -> bytes:
    return html_to_pdf(summary_html(submission), BundledAssetsOnlyFetcher(PDF_ASSETS_DIR))
