"""The bulletin PDF cannot stall the server (re-test finding 3): made once per content, one at a
time per user, in at most RENDER_SLOTS at once; and the page's PDF link carries only the
bulletin's own parameters (finding 12: `?_method=POST` or `?endpoint=x` gave 500)."""

import re
from pathlib import Path

import pytest

from app.views.dashboard import bulletin_cache
from app.views.dashboard.bulletin_cache import RENDER_SLOTS, Busy, _lock, cached_pdf
from tests import dashboard_scenario as sc
from tests.dashboard.test_bulletin import needs_cjk_font, scenario  # noqa: F401 - fixture
from tests.dashboard_scenario import login


def test_a_pdf_is_made_once_per_content(tmp_path):
    made = []

    def render(body):
        made.append(body)
        return body.encode()

    assert cached_pdf(tmp_path, "<p>84.0%</p>", 1, lambda: render("a")) == b"a"
    assert cached_pdf(tmp_path, "<p>84.0%</p>", 2, lambda: render("b")) == b"a"  # cached
    assert cached_pdf(tmp_path, "<p>85.0%</p>", 1, lambda: render("c")) == b"c"  # a figure moved
    assert made == ["a", "c"]
    assert len(list(tmp_path.glob("*.pdf"))) == 2


def test_a_user_has_one_pdf_made_at_a_time(tmp_path):
    """While user 7's first PDF is being made, their second is refused (per_user); another
    user's goes ahead in the other slot."""
    seen = {}

    def first():
        with pytest.raises(Busy) as second:
            cached_pdf(tmp_path, "<p>other page</p>", 7, lambda: b"never")
        seen["per_user"] = second.value.per_user
        seen["other user"] = cached_pdf(tmp_path, "<p>third</p>", 8, lambda: b"8")
        return b"7"

    assert cached_pdf(tmp_path, "<p>first</p>", 7, first) == b"7"
    assert seen == {"per_user": True, "other user": b"8"}


def test_no_free_slot_means_busy_and_a_cached_pdf_needs_none(tmp_path):
    cached_pdf(tmp_path, "<p>made before</p>", 1, lambda: b"old")
    held = [_lock(tmp_path / f"slot-{n}.lock") for n in range(RENDER_SLOTS)]
    assert [lock.__enter__() for lock in held] == [True] * RENDER_SLOTS
    try:
        with pytest.raises(Busy) as busy:
            cached_pdf(tmp_path, "<p>new</p>", 1, lambda: b"never")
        assert busy.value.per_user is False
        assert cached_pdf(tmp_path, "<p>made before</p>", 1, lambda: b"never") == b"old"
    finally:
        for lock in held:
            lock.__exit__(None, None, None)
    assert cached_pdf(tmp_path, "<p>new</p>", 1, lambda: b"new") == b"new"


def test_old_pdfs_are_pruned(tmp_path, monkeypatch):
    monkeypatch.setattr(bulletin_cache, "KEEP", 3)
    for n in range(5):
        cached_pdf(tmp_path, f"<p>{n}</p>", 1, lambda n=n: str(n).encode())
    assert len(list(tmp_path.glob("*.pdf"))) == 3


def test_the_pdf_link_carries_only_the_bulletins_parameters(scenario, client):  # noqa: F811
    login(client, "viewer")
    page = client.get(
        f"/dashboard/bulletin?period={sc.PERIOD}&_method=POST&endpoint=x&lang=en&x-y=1"
    )
    assert page.status_code == 200
    link = re.search(r'href="([^"]*)" id="bulletin-pdf"', page.get_data(as_text=True)).group(1)
    assert link == f"/dashboard/bulletin.pdf?period={sc.PERIOD}&amp;lang=en"


@needs_cjk_font
def test_the_second_request_for_a_bulletin_is_served_from_the_cache(scenario, client):  # noqa: F811
    login(client, "viewer")
    first = client.get(f"/dashboard/bulletin.pdf?period={sc.PERIOD}")
    again = client.get(f"/dashboard/bulletin.pdf?period={sc.PERIOD}")
    assert (first.status_code, again.status_code) == (200, 200)
    assert first.data == again.data
    folder = Path(scenario.instance_path) / "bulletins"
    assert len(list(folder.glob("*.pdf"))) == 1
