"""What a phone keeps to open every form offline (issue 20) and the form's two content-named
files (issue 21): who may fetch them, what they hold, and that a change is never served stale."""

import re
import uuid

from app.extensions import db
from app.models import Inspection, Village
from tests.browser.test_corrections_browser import stored_inspection

XIFANGCHENG = "140225101"  # 西坊城镇: 11 villages
OWN, OTHER_TOWNSHIP = "140225101201", "140225100216"


def sign_in(client, make_user, role="inspector", township=XIFANGCHENG, username="wang"):
    make_user(role, township=township, username=username, password="pw-field-2026")
    answer = client.post("/login", data={"username": username, "password": "pw-field-2026"})
    assert answer.status_code == 302


def set_households(app, code, count):
    with app.app_context():
        village = db.session.execute(db.select(Village).where(Village.code == code)).scalar_one()
        village.households = count
        db.session.commit()


def test_offline_data_holds_the_townships_villages_and_the_returned_inspections(
    seeded, client, make_user
):
    sign_in(client, make_user)
    make_user("inspector", township=XIFANGCHENG, username="li", password="pw-li-2026xx")
    set_households(seeded, OWN, 463)
    mine = stored_inspection(seeded, village=OWN, households=300, status="returned")
    stored_inspection(seeded, village="140225101202", username="li", status="returned")
    stored_inspection(seeded, village="140225101203", status="submitted")
    with seeded.app_context():
        db.session.get(Inspection, mine).review_comment = "请核实户数"
        db.session.commit()
    answer = client.get("/inspect/offline-data")
    assert answer.status_code == 200
    data = answer.get_json()
    codes = [v["code"] for v in data["villages"]]
    assert len(codes) == 11 and all(c.startswith(XIFANGCHENG) for c in codes)
    assert OTHER_TOWNSHIP not in codes
    own = next(v for v in data["villages"] if v["code"] == OWN)
    assert own["township"] == "西坊城镇" and own["register"] == {"households": 463}
    # Only this inspector's returned inspection (not li's, not a submitted one).
    assert [r["id"] for r in data["returned"]] == [mine]
    returned = data["returned"][0]
    assert returned["revision"] == 1 and returned["comment"] == "请核实户数"
    assert returned["village_code"] == OWN and returned["township"] == "西坊城镇"
    assert returned["values"]["households"] == "300"
    assert returned["values"]["sections.sewage.households_treated"] == "30"
    assert returned["values"]["sections.sewage.facility_running"] == "true"
    assert returned["stored_sections"] == ["heating", "manure", "sewage"]
    assert uuid.UUID(returned["client_uuid"])


def test_offline_data_is_never_stale_after_a_register_change(seeded, client, make_user):
    sign_in(client, make_user)
    set_households(seeded, OWN, 463)
    first = client.get("/inspect/offline-data")
    assert first.headers["Cache-Control"] == "private, no-cache"
    again = {"If-None-Match": first.headers["ETag"]}
    assert client.get("/inspect/offline-data", headers=again).status_code == 304
    set_households(seeded, OWN, 470)
    changed = client.get("/inspect/offline-data", headers=again)
    assert changed.status_code == 200
    own = next(v for v in changed.get_json()["villages"] if v["code"] == OWN)
    assert own["register"] == {"households": 470}


def test_offline_pages_say_who_may_have_them(seeded, client, make_user):
    for path in ("/inspect/offline-data", "/inspect/shell/0", "/inspect/form-data/zh/0.js"):
        assert client.get(path).status_code in (302, 401), path
    sign_in(client, make_user, role="township_lead", username="sun")
    for path in ("/inspect/offline-data", "/inspect/shell/0", "/inspect/form-data/zh/0.js"):
        assert client.get(path).status_code == 403, path
    # A lead's pages carry no offline forms to keep.
    assert 'name="cunjian-offline"' not in client.get("/").get_data(as_text=True)


def test_the_shell_has_no_village_and_is_versioned(seeded, client, make_user):
    sign_in(client, make_user)
    page = client.get(f"/inspect/{OWN}").get_data(as_text=True)
    shell_url = re.search(r'data-shell="([^"]+)"', page).group(1)
    shell = client.get(shell_url)
    assert shell.status_code == 200 and shell.headers["Cache-Control"] == "private, max-age=86400"
    html = shell.get_data(as_text=True)
    assert '<script type="application/json" id="offline-target"></script>' in html
    assert 'data-village-code=""' in html and 'data-shell="1"' in html
    assert '<h1 id="form-title"></h1>' in html
    assert "西坊城" not in html.split("</header>")[1]  # no village, no township in the form
    assert client.get("/inspect/shell/0000").headers["Cache-Control"] == "no-cache"
    missing = client.get("/inspect/offline-missing").get_data(as_text=True)
    words = re.sub(r"<[^>]+>", "", missing.split("<main")[1])  # the text, not the markup
    assert "此页未在本机离线保存" in words and "offline" not in words.lower()


def test_the_form_page_links_its_rules_and_code_instead_of_embedding_them(
    seeded, client, make_user
):
    sign_in(client, make_user)
    page = client.get(f"/inspect/{OWN}").get_data(as_text=True)
    assert 'id="form-rules"' not in page and 'id="calculations"' not in page
    data_url = re.search(r'src="(/inspect/form-data/zh/[0-9a-f]{16}\.js)"', page).group(1)
    data = client.get(data_url)
    assert data.headers["Cache-Control"] == "private, max-age=31536000, immutable"
    body = data.get_data(as_text=True)
    assert body.startswith("self.CunjianFormData={") and '"today"' not in body
    assert '"households"' in body and '"coefficients"' in body
    # Another day's page asks for the same file: the county's today is on the page.
    assert re.search(r'data-today="\d{4}-\d{2}-\d{2}"', page)
    english = client.get(data_url.replace("/zh/", "/en/"))
    assert english.headers["Cache-Control"] == "no-cache"  # not English's digest
    assert client.get("/inspect/form-data/fr/0.js").status_code == 404
