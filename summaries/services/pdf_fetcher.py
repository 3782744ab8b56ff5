"""What a summary PDF may load while rendering: only the project's own bundled assets."""

from pathlib import Path

from weasyprint.urls import URLFetcher

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
