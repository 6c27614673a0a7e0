"""Static files are linked by content hash and cached for a year; unversioned ones revalidate."""

import re


def test_pages_link_versioned_static_files_that_are_cached_a_year(client):
    html = client.get("/login").get_data(as_text=True)
    css = re.search(r'href="(/static/css/app\.css\?v=([0-9a-f]{10}))"', html)
    assert css, "the stylesheet link carries a content hash"
    with client.get(css.group(1)) as response:  # closed: a file response holds the file open
        assert response.status_code == 200
        # 31536000 s = 365 days
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert response.headers["ETag"]


def test_unversioned_static_files_revalidate_with_their_etag(client):
    with client.get("/static/js/inspect.js") as first:
        assert "max-age=31536000" not in first.headers.get("Cache-Control", "")
    with client.get(
        "/static/js/inspect.js", headers={"If-None-Match": first.headers["ETag"]}
    ) as again:  # a 304 still holds the file it did not send
        assert again.status_code == 304
