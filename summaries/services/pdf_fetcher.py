"""What a summary PDF may load while rendering: only the project's own bundled assets.

Answers are escaped into the template, so they cannot add markup; this fetcher is the second
wall in case something ever does. It never opens a network connection and never delegates to
urllib: it reads a file itself, and only a regular file whose real path (symlinks and ".."
resolved) lies inside the assets folder. Everything else, data: URLs included, is refused, and
WeasyPrint leaves the resource out.
"""

import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger("summaries.rendering")

PDF_ASSETS_DIR = Path(__file__).resolve().parent.parent / "static" / "summaries" / "pdf"


class RefusedURL(ValueError):
    pass


class BundledAssetsOnlyFetcher(URLFetcher):
    def __init__(self, root: Path = PDF_ASSETS_DIR):
        super().__init__(allowed_protocols=("file",), allow_redirects=False)
        self.root = root.resolve()

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        path = self.bundled_path(url)
        if path is None:
            # The URL may come from a payload: log only its scheme, never the rest.
            logger.warning("PDF render refused a %s: URL", urlsplit(url).scheme or "relative")
            raise RefusedURL("Summaries load only their own bundled assets.")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": content_type})

    def bundled_path(self, url: str) -> Path | None:
        """The asset file `url` names, or None when it is anything but a file under the root."""
        try:
            parts = urlsplit(url)
        except ValueError:
            return None
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            return None
        path = Path(unquote(parts.path))
        if not path.is_absolute():
            return None
        try:
            real = path.resolve(strict=True)
        except (OSError, RuntimeError, ValueError):
            return None
        if real.is_relative_to(self.root) and real.is_file():
            return real
        return None
