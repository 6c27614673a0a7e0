"""The service worker, the manifest and the session probe the offline queue relies on."""

import json
import re

from tests.offline_helpers import YONGAN


def test_service_worker_is_served_from_the_root_with_its_assets_version(app, client):
    answer = client.get("/sw.js")
    assert answer.status_code == 200
    assert answer.mimetype == "text/javascript"
    assert answer.headers["Cache-Control"] == "no-cache"
    assert answer.headers["Service-Worker-Allowed"] == "/"
    body = answer.get_data(as_text=True)
    assert "__VERSION__" not in body and 'var VERSION = "' in body
    # Nothing changed: the browser's revalidation costs a 304 and no body.
    again = client.get("/sw.js", headers={"If-None-Match": answer.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_manifest_names_the_app_and_starts_at_the_form(client):
    answer = client.get("/manifest.webmanifest")
    assert answer.status_code == 200 and answer.mimetype == "application/manifest+json"
    manifest = json.loads(answer.data)
    assert manifest["start_url"] == "/inspect/" and manifest["display"] == "standalone"
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
    for icon in manifest["icons"]:
        with client.get(icon["src"]) as answer:  # closed: a file response holds the file open
            assert answer.status_code == 200


def test_session_probe_gives_a_csrf_token_or_401(seeded, client, make_user):
    assert client.get("/api/v1/session").status_code == 401
    make_user("inspector", township=YONGAN, username="zhao", password="pw-zhao-1234")
    client.post("/login", data={"username": "zhao", "password": "pw-zhao-1234"})
    answer = client.get("/api/v1/session")
    assert answer.status_code == 200
    assert answer.json["username"] == "zhao" and answer.json["role"] == "inspector"
    assert len(answer.json["csrf_token"]) > 20


def test_form_page_carries_the_offline_hooks(seeded, client, make_user):
    make_user("inspector", township=YONGAN, username="qian", password="pw-qian-1234")
    client.post("/login", data={"username": "qian", "password": "pw-qian-1234"})
    html = client.get("/inspect/140225100216").get_data(as_text=True)
    assert 'data-village-code="140225100216"' in html and 'data-username="qian"' in html
    assert 'id="queue-status"' in html and 'rel="manifest"' in html
    # The form's scripts in one content-named file, the offline queue's among them.
    code = client.get(re.search(r'src="(/inspect/code/[0-9a-f]+\.js)"', html).group(1))
    body = code.get_data(as_text=True)
    assert "CunjianStore" in body and "cunjian-send" in body
    # The shell's own script (it fills in #offline-target) is not the new inspection's to carry:
    # only the shell links it, before the form's code, and the service worker is told to keep it.
    assert "offline-target" not in body and "/inspect/code/shell/" not in html.split("<body")[1]
    shell_code = re.search(r'data-shell-code="(/inspect/code/shell/[^"]+)"', html).group(1)
    shell = client.get(re.search(r'data-shell="([^"]+)"', html).group(1)).get_data(as_text=True)
    assert shell.index(f'src="{shell_code}"') < shell.index(f'src="{code.request.path}"')
    assert "offline-target" in client.get(shell_code).get_data(as_text=True)


def test_home_links_reviewers_to_the_flags_and_admins_to_the_rescue_import(
    seeded, client, make_user
):
    make_user("township_lead", township=YONGAN, username="sun", password="pw-sun-12345")
    client.post("/login", data={"username": "sun", "password": "pw-sun-12345"})
    html = client.get("/").get_data(as_text=True)
    assert 'href="/inspect/flags"' in html and "异常标记" in html
    assert 'href="/admin/rescue"' not in html
    client.post("/logout")
    make_user("county_admin", username="zhou", password="pw-zhou-1234")
    client.post("/login", data={"username": "zhou", "password": "pw-zhou-1234"})
    html = client.get("/").get_data(as_text=True)
    assert 'href="/inspect/flags"' in html and 'href="/admin/rescue"' in html
