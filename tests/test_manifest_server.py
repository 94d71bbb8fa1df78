"""The served manifest, icons, ribbon script and Danish task pane frame, through the
project's xlwings Server app. Runs in a child pytest with xlwings in server mode
(see tests/officejs.py)."""

from __future__ import annotations

from officejs import delegate, in_server_process, loopback_client

if not in_server_process():
    test_manifest_served = delegate(__file__)
else:
    import xml.etree.ElementTree as ET

    import pytest

    from conftest import small_master_sheets, write_workbook
    from test_manifest import NS, XSD

    @pytest.fixture(scope="module")
    def client(tmp_path_factory):
        from addin.gate import AccessSettings
        from addin.server import build_app

        master = write_workbook(tmp_path_factory.mktemp("mf") / "stamdata.xlsx", small_master_sheets())
        return loopback_client(build_app(master, AccessSettings.dev()))

    def test_manifest_route_serves_ours_and_it_validates(client):
        import xmlschema

        from addin.manifest import DEFAULT_IDS

        for path in ("/manifest.xml", "/manifest"):
            response = client.get(path)
            assert response.status_code == 200
            root = ET.fromstring(response.content)
            assert root.findtext("o:Id", namespaces=NS) == DEFAULT_IDS["prod"]
            assert root.findtext("o:DefaultLocale", namespaces=NS) == "da-DK"
            xmlschema.XMLSchema(str(XSD)).validate(response.text)
        download = client.get("/manifest/download")
        assert download.headers["content-disposition"] == "attachment; filename=itbudget.xml"
        assert "MyGroup" not in download.text and "www.xlwings.org" not in download.text

    def test_a_municipalitys_own_guid_and_host_name_are_used(client, monkeypatch):
        from xlwings_server.config import settings

        own = "0b6f3c1e-7a2d-4e59-8f14-3c9d2a7e5b60"
        monkeypatch.setattr(settings, "manifest_id_prod", own)
        monkeypatch.setattr(settings, "hostname", "itbudget.kommune.dk")
        root = ET.fromstring(client.get("/manifest.xml").content)
        assert root.findtext("o:Id", namespaces=NS) == own
        assert root.find("o:IconUrl", NS).get("DefaultValue") == \
            "https://itbudget.kommune.dk/static/icons/itbudget-32.png"

    def test_behind_a_tls_proxy_urls_are_https(client):
        from officejs import HOST

        text = client.get("/manifest.xml", headers={"X-Forwarded-Proto": "https"}).text
        assert f"https://{HOST}/taskpane.html" in text and f"http://{HOST}" not in text

    @pytest.mark.parametrize("size", [16, 32, 64, 80])
    def test_icons_are_served_by_the_server_itself(client, size):
        from addin.icons import draw

        response = client.get(f"/static/icons/itbudget-{size}.png")
        assert response.status_code == 200 and response.content == draw(size)
        assert response.headers["content-type"] == "image/png"

    def test_ribbon_js_is_ours(client):
        js = client.get("/static/js/ribbon.js").text
        assert '"itb-konsolider": "Konsolider"' in js and "hello-ribbon" not in js

    def test_task_pane_frame_is_danish(client):
        pane = client.get("/taskpane.html").text
        assert "didn't load properly" not in pane and ">Reload<" not in pane
        assert "Tilføjelsesprogrammet blev ikke indlæst korrekt." in pane
        assert ">Indlæs igen<" in pane and ">Annuller<" in pane
        assert '<html lang="da">' in pane and "<title>IT-budget</title>" in pane

    def test_changed_xlwings_template_fails_loudly():
        from addin.taskpane_text import danish
        from itbudget.errors import ItbudgetError

        with pytest.raises(ItbudgetError, match="opdatér addin/taskpane_text.py"):
            danish('<html lang="en"><title>Task pane</title>Something else entirely')
