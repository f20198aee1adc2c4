"""HTML to tagged PDF with WeasyPrint, never fetching anything but our own static files.

Everything in our PDFs is escaped, but the fetcher is the second wall: a `file:` or network URL
that slipped into a template would otherwise be read and embedded (server files, internal hosts)."""

from __future__ import annotations

import mimetypes

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

# Relative links in our templates resolve against this made-up origin, so that only URLs we wrote
# ourselves (/static/...) can ever match it.
BASE_URL = "https://qaportal.invalid/"


class StaticOnlyFetcher(URLFetcher):
    """Serves data: URIs and files under STATIC_URL from the static finders; refuses everything else
    (WeasyPrint then leaves the resource out and logs a warning)."""

    def fetch(self, url: str, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        prefix = BASE_URL.rstrip("/") + settings.STATIC_URL
        if url.startswith(prefix):
            relative = url[len(prefix) :].split("?", 1)[0].split("#", 1)[0]
            if ".." not in relative.split("/"):
                path = finders.find(relative)
                if path:
                    with open(path, "rb") as handle:
                        body = handle.read()
                    mime = mimetypes.guess_type(path)[0] or "application/octet-stream"
                    return URLFetcherResponse(url, body=body, headers={"Content-Type": mime})
        raise ValueError(f"QA Portal PDFs do not load {url[:80]}")


def html_to_pdf(html: str) -> bytes:
    """A PDF/UA-1 document: structure tree, language and title, so screen readers can use it."""
    return HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher()).write_pdf(pdf_variant="pdf/ua-1")
