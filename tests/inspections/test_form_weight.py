"""What the form costs a phone, in bytes (a deterministic guard beside `python -m bench
form_weight`): the form page and every file it links, gzip-compressed as the bench counts them,
on a first visit and a repeat one, and nothing from another host.

Budgets written beside the test, from the figures measured when the rules and the form's code
moved into content-named files (issue 21 item 2: 30.1 KB and 4.6 KB, down from 40.9 KB and
8.6 KB). The same round's other work then added 2.6 KB of script to the form (the XPath
constraints of issue 22, the far-fix warning, thousands separators and photo list of issue 20,
the entry times of issue 24): 33.1 KB and 5.1 KB when merged.

Then (2026-12-07) the page of a new inspection kept only its village's own (the form's body
moved into the form's data file, kept a year) and the code's local names were shortened
(calmjs.parse): 30.9 KB and 1.6 KB (30,899 B and 1,564 B). The repeat visit is within the
issue's 3 KB aim with room for what the page may still gain; the first visit is not within its
25 KB aim (docs/performance.md says where the bytes are): the budget is what is reached.

Then (2026-12-07) the code a new inspection never runs left its code file: the offline shell's
filling-in and a correction's part of the queue, in a second file that only the shell and a
correction's page link: 30.7 KB and 1.7 KB (30,675 B and 1,668 B). What the form page still runs
is more than the 25 KB aim leaves for it (docs/performance.md)."""

import json
import re
from html import unescape
from pathlib import Path

from bench.bench_form_weight import cacheable, gzipped, visit

# 30,675 B reached (2026-12-07, the shell's and a correction's code out), 300 B for the page to
# vary by (its CSRF token, the day); the aim is 25 KB
FIRST_VISIT_BUDGET = 30_976
REPEAT_VISIT_BUDGET = 2 * 1024  # 1,668 B reached (2026-12-07); the aim is 3 KB
VILLAGE = "140225101200"


def test_the_form_weighs_within_its_budget(seeded, client, make_user):
    make_user("inspector", township="140225101", username="wang", password="pw-field-2026")
    client.post("/login", data={"username": "wang", "password": "pw-field-2026"})
    first = visit(client, f"/inspect/{VILLAGE}")  # asserts every link is the app's own
    first_bytes = sum(gzipped(body) for _url, body, _headers in first)
    # The page again, and only what the files' caching headers do not let the phone keep.
    repeat = [visit(client, f"/inspect/{VILLAGE}")[0]]
    repeat += [row for row in first[1:] if not cacheable(row[2])]
    repeat_bytes = sum(gzipped(body) for _url, body, _headers in repeat)
    assert first_bytes <= FIRST_VISIT_BUDGET, first_bytes
    assert repeat_bytes <= REPEAT_VISIT_BUDGET, repeat_bytes
    # The rules and calculations are no longer in the page: only the page comes again.
    assert [url for url, _body, _headers in repeat] == [f"/inspect/{VILLAGE}"]


def test_the_page_of_a_new_inspection_takes_its_body_from_the_data_file(seeded, client, make_user):
    """The page carries the village's own figures; the data file (the same for every village)
    carries the body that the page with its body written in (?plain=1) has, field for field."""
    make_user("inspector", township="140225101", username="wang", password="pw-field-2026")
    client.post("/login", data={"username": "wang", "password": "pw-field-2026"})
    page = client.get(f"/inspect/{VILLAGE}").get_data(as_text=True)
    assert 'name="sections.' not in page  # no section of the form in the page itself
    tag = re.search(
        r"<script src=\"(/inspect/form-data/zh/[0-9a-f]{16}\.js)\" data-body='([^']*)'>", page
    )
    own = json.loads(unescape(tag.group(2)))
    # 西坊城村委会: its households as the county's register has them, no location recorded.
    today = re.search(r'data-today="([0-9-]{10})"', page).group(1)  # the county's, by its clock
    assert own == {"location": None, "values": {"households": "", "inspected_on": today}}
    data = client.get(tag.group(1))
    assert data.headers["Cache-Control"] == "private, max-age=31536000, immutable"
    text = data.get_data(as_text=True)
    body = json.loads(re.search(r"self\.CunjianFormBody=(\".*?\");\n", text, re.S).group(1))
    assert today not in body and VILLAGE not in body  # nothing of a day or a village
    plain = client.get(f"/inspect/{VILLAGE}?plain=1").get_data(as_text=True)
    fields = re.compile(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"')
    labels = re.compile(r'<label for="([^"]+)"')
    written = plain.split('name="form_versions"')[1]  # the page's own inputs end with it
    assert fields.findall(body) == fields.findall(written)
    assert labels.findall(body) == labels.findall(written)
    assert re.findall(r'data-step="(\w+)"', body) == re.findall(r'data-step="(\w+)"', plain)
    # Without JavaScript the page sends the phone to the one with its body written in.
    assert (
        f'<noscript><meta http-equiv="refresh" content="0; url=/inspect/{VILLAGE}?plain=1">' in page
    )


def test_the_minified_code_is_kept_on_disk_for_the_next_worker(
    seeded, app, client, make_user, monkeypatch
):
    """The first worker parses the scripts once and keeps each result in the instance folder;
    a worker started later (an empty per-process memo) serves the same file without parsing."""
    from app.views.inspect import form_assets

    monkeypatch.setattr(form_assets, "_CODE", {})
    make_user("inspector", township="140225101", username="wang", password="pw-field-2026")
    client.post("/login", data={"username": "wang", "password": "pw-field-2026"})
    page = client.get(f"/inspect/{VILLAGE}").get_data(as_text=True)
    url = re.search(r'src="(/inspect/code/[0-9a-f]{16}\.js)"', page).group(1)
    first = client.get(url).get_data()
    kept = sorted((Path(app.instance_path) / "minified").glob("*.js"))
    # the form's scripts and the offline shell's (the page names both files)
    assert len(kept) == len(form_assets.FORM_SCRIPTS) + len(form_assets.SHELL_SCRIPTS)

    def parse_again(_source):
        raise AssertionError("parsed again although the result was kept")

    monkeypatch.setattr(form_assets, "_CODE", {})  # a new worker
    monkeypatch.setattr(form_assets, "_minified", parse_again)
    again = client.get(f"/inspect/{VILLAGE}").get_data(as_text=True)
    assert url in again and client.get(url).get_data() == first
