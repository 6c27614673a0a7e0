"""What the inspection form costs a phone to load: bytes of HTML, CSS and JS, raw and
gzip-compressed (level 6, as a typical nginx `gzip on` setup sends them), for a first visit and
for a repeat visit.

The app runs in-process over a temporary SQLite file seeded with the county, signed in as an
inspector. The first visit fetches the form page and every stylesheet and script it links; the
repeat visit re-fetches only what the responses' caching headers do not let the phone keep (the
static files carry a content hash and `max-age`, so only the page itself). Every link must point
at the app itself: nothing may come from another host. Aims (issue 21): first visit ≤ 25 KB
compressed, a repeat visit ≤ 3 KB. The rules, calculations, the form's body and its scripts are
two content-named files (app/views/inspect/form_assets.py), so a repeat visit is the page alone,
which carries only the village's own (app/templates/inspect/form.html, static/js/form-body.js).
tests/inspections/test_form_weight.py guards the figures reached.
"""

import gzip
import re
import tempfile
from pathlib import Path

from app import create_app
from app.extensions import db
from app.geography import county
from app.models import Township, User

BUDGET = 25 * 1024
REPEAT_BUDGET = 3 * 1024
VILLAGE = "140225101200"
ASSET = re.compile(r'<(?:link[^>]*\bhref|script[^>]*\bsrc)="([^"]+)"')
ANY_URL = re.compile(r'\b(?:href|src|action)="([^"]*)"')


def gzipped(body: bytes) -> int:
    return len(gzip.compress(body, compresslevel=6, mtime=0))


def cacheable(headers) -> bool:
    """True when the phone may reuse the response without asking again (max-age > 0)."""
    match = re.search(r"max-age=(\d+)", headers.get("Cache-Control", ""))
    return bool(match and int(match.group(1)) > 0 and "no-cache" not in headers["Cache-Control"])


def signed_in_client(folder: Path):
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
            "SECRET_KEY": "bench-form-weight-" + "x" * 32,
        }
    )
    app.instance_path = str(folder / "instance")
    with app.app_context():
        db.create_all()
        county.seed()
        township = db.session.execute(
            db.select(Township).where(Township.code == "140225101")
        ).scalar_one()
        user = User(username="bench", role="inspector", township=township)
        user.set_password("bench password")
        db.session.add(user)
        db.session.commit()
    client = app.test_client()
    login_page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page).group(1)
    response = client.post(
        "/login", data={"username": "bench", "password": "bench password", "csrf_token": token}
    )
    assert response.status_code == 302, response.status_code
    return app, client


def visit(client, path: str) -> list[tuple[str, bytes, object]]:
    """The page and every asset it links: (url, body, headers)."""
    page = client.get(path)
    assert page.status_code == 200, (path, page.status_code)
    html = page.get_data(as_text=True)
    offsite = [u for u in ANY_URL.findall(html) if re.match(r"(?:[a-z]+:)?//", u)]
    assert not offsite, f"links to another host: {offsite}"
    fetched = [(path, page.get_data(), page.headers)]
    for url in ASSET.findall(html):
        if url.startswith("data:"):
            continue
        with client.get(url) as asset:  # closed: a file response holds the file open
            assert asset.status_code == 200, (url, asset.status_code)
            fetched.append((url, asset.get_data(), asset.headers))
    return fetched


def report(title: str, rows) -> tuple[int, int]:
    raw = sum(len(body) for _url, body, _h in rows)
    packed = sum(gzipped(body) for _url, body, _h in rows)
    print(f"{title}: {raw:,} B raw, {packed:,} B gzipped")
    for url, body, _headers in rows:
        print(f"    {url:<48} {len(body):>7,} B raw {gzipped(body):>7,} B gzipped")
    return raw, packed


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        app, client = signed_in_client(Path(folder))
        form = visit(client, f"/inspect/{VILLAGE}")
        for url, _body, headers in form[1:]:
            print(
                f"    caching of {url}: {headers.get('Cache-Control', '(none)')}, "
                f"ETag {'yes' if headers.get('ETag') else 'no'}"
            )
        _raw, first_gz = report("first visit to the form (HTML + CSS + JS + icon)", form)
        # The page is always fetched again; an asset only when its headers do not let it be kept.
        page_again = visit(client, f"/inspect/{VILLAGE}")[0]
        repeat = [page_again] + [row for row in form[1:] if not cacheable(row[2])]
        _raw, repeat_gz = report("repeat visit (what caching does not keep)", repeat)
        report("sign-in page, first visit", visit(app.test_client(), "/login"))
        print(
            f"first visit / 25 KB aim: {first_gz / BUDGET:.2f} "
            f"({'within' if first_gz <= BUDGET else 'OVER'} the aim)"
        )
        print(
            f"repeat visit / 3 KB aim: {repeat_gz / REPEAT_BUDGET:.2f} "
            f"({'within' if repeat_gz <= REPEAT_BUDGET else 'OVER'} the aim)"
        )
        print(f"repeat visit / first visit (gzipped): {repeat_gz / first_gz:.2f}")
        print("requests to other hosts: 0 (every link is the app's own)")
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
