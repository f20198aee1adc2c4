"""PDFs load our own static files and nothing else: no local files, no network."""

import pytest

from qaportal.pdf import BASE_URL, StaticOnlyFetcher, html_to_pdf


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://169.254.169.254/latest/meta-data/",
        "https://example.org/logo.png",
        f"{BASE_URL}static/../../../etc/passwd",
        "ftp://example.org/x",
    ],
)
def test_anything_but_our_static_files_is_refused(url):
    with pytest.raises(ValueError):
        StaticOnlyFetcher().fetch(url)


def test_our_static_files_and_data_uris_are_served():
    response = StaticOnlyFetcher().fetch(f"{BASE_URL}static/build/favicon.ico")
    assert response.status == 200
    data = StaticOnlyFetcher().fetch("data:text/plain,hello")
    assert data.read() == b"hello"


def test_a_pdf_with_a_file_url_renders_without_reading_the_file(tmp_path):
    secret = tmp_path / "secret.svg"
    secret.write_text('<svg xmlns="http://www.w3.org/2000/svg"><text>TOP-SECRET-MARKER</text></svg>')
    html = (
        '<html lang="en"><head><title>x</title></head>'
        f'<body><img src="file://{secret}" alt="x"><p>Body</p></body></html>'
    )
    pdf = html_to_pdf(html)
    assert pdf.startswith(b"%PDF") and b"TOP-SECRET-MARKER" not in pdf
