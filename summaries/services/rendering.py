"""Rendering a submission's summary as a PDF with WeasyPrint."""

from pathlib import Path

from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from summaries.models import Submission

# The only place a summary may load anything from: the project's own bundled PDF assets.
PDF_ASSETS_DIR = Path(__file__).resolve().parent.parent / "static" / "summaries" / "pdf"


class BundledAssetsOnlyFetcher(URLFetcher):
    """Refuses every URL but data: and files inside PDF_ASSETS_DIR: a summary fetches nothing else."""

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if url.startswith("file://"):
            path = Path(url.removeprefix("file://").split("?")[0].split("#")[0]).resolve()
            if path.is_relative_to(PDF_ASSETS_DIR) and path.is_file():
                return super().fetch(path.as_uri(), headers)
        raise ValueError(f"Summaries may not load {url[:80]!r}")


def summary_html(submission: Submission) -> str:
    return render_to_string("summaries/summary_pdf.html", {"submission": submission})


def render_summary_pdf(submission: Submission) -> bytes:
    document = HTML(
        string=summary_html(submission),
        base_url=PDF_ASSETS_DIR.as_uri() + "/",
        url_fetcher=BundledAssetsOnlyFetcher(),
    )
    return document.write_pdf()
