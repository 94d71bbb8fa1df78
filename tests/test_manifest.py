"""The project's own add-in manifest (addin/manifest.py), validated against Microsoft's
manifest XSDs kept in tests/data/office_manifest_xsd (source, licence and patches in its
README), and the add-in's icons (addin/icons.py).

Plain Python: the manifest is built without a server. The served routes are tested in
tests/test_manifest_server.py.
"""

from __future__ import annotations

import re
import struct
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import xmlschema

from addin import icons
from addin.manifest import (DEFAULT_IDS, RIBBON_FINANCE, RIBBON_SCRIPTS, XLWINGS_DEFAULT_IDS,
                            ManifestSettings, build, manifest_id)

ROOT = Path(__file__).resolve().parents[1]
XSD = ROOT / "tests" / "data" / "office_manifest_xsd" / "OfficeAppManifestV1_1.xsd"
NS = {"o": "http://schemas.microsoft.com/office/appforoffice/1.1",
      "ov": "http://schemas.microsoft.com/office/taskpaneappversionoverrides",
      "bt": "http://schemas.microsoft.com/office/officeappbasictypes/1.0"}
BASE = "https://itbudget.kommune.dk"
CLIENT_ID = "11111111-2222-4333-8444-555555555555"


@pytest.fixture(scope="module")
def schema():
    return xmlschema.XMLSchema(str(XSD))


def settings(**overrides) -> ManifestSettings:
    values = dict(manifest_id=DEFAULT_IDS["prod"], base_url=BASE)
    values.update(overrides)
    return ManifestSettings(**values)


def strings(root) -> dict[str, str]:
    return {e.get("id"): e.get("DefaultValue") for e in root.iterfind(".//bt:String", NS)}


@pytest.mark.parametrize("overrides", [
    {}, {"environment": "dev"}, {"entraid_client_id": CLIENT_ID},
    {"app_path": "/itb", "base_url": "https://x.kommune.dk:8443"},
], ids=["prod", "dev", "entraid", "app-path"])
def test_manifest_validates_against_microsofts_schemas(schema, overrides):
    errors = [str(e).splitlines()[0] for e in schema.iter_errors(build(settings(**overrides)))]
    assert errors == []


def test_the_schemas_reject_a_broken_manifest(schema):
    # The validator is not a rubber stamp: no Id, a ribbon button without a label.
    text = re.sub(r"<Id>[^<]*</Id>", "", build(settings()), count=1)
    assert not schema.is_valid(text)
    text = build(settings()).replace('<Label resid="ItbValider.Label" />', "", 1)
    assert not schema.is_valid(text)


def test_danish_identity_and_nothing_of_xlwings():
    text = build(settings())
    root = ET.fromstring(text)
    # The server's endpoint paths (/xlwings/custom-functions-...) are routes, not branding.
    assert "xlwings" not in text.replace("/xlwings/custom-functions-", "/").lower()
    assert "MyGroup" not in text and "Hello World" not in text and "en-US" not in text
    assert root.findtext("o:DefaultLocale", namespaces=NS) == "da-DK"
    assert root.findtext("o:ProviderName", namespaces=NS) == "IT-budget"
    assert root.find("o:DisplayName", NS).get("DefaultValue") == "IT-budget"
    assert "bogføringer" in root.find("o:Description", NS).get("DefaultValue").lower()
    assert root.findtext("o:Id", namespaces=NS) == DEFAULT_IDS["prod"]
    # Every URL points at this server, nothing at a third-party site.
    urls = re.findall(r'https?://[^"<\s]+', text.split("<OfficeApp", 1)[1])
    urls = [u for u in urls if "schemas.microsoft.com" not in u and "www.w3.org" not in u]
    assert urls and all(u.startswith(BASE) for u in urls), urls


def test_ribbon_tab_it_budget_with_valider_opdater_konsolider_and_task_pane():
    root = ET.fromstring(build(settings()))
    text = strings(root)
    tab = root.find(".//ov:CustomTab", NS)
    assert text[tab.find("ov:Label", NS).get("resid")] == "IT-budget"
    groups = tab.findall("ov:Group", NS)
    labels = [[text[c.find("ov:Label", NS).get("resid")] for c in g.findall("ov:Control", NS)]
              for g in groups]
    assert labels == [["Valider", "Opdater", "Opgaverude"], ["Konsolider"]]
    assert [text[g.find("ov:Label", NS).get("resid")] for g in groups] == ["Bogføringer",
                                                                           "Økonomistaben"]
    functions = [e.text for e in root.iterfind(".//ov:FunctionName", NS)]
    assert functions == ["itb-valider", "itb-opdater", "itb-konsolider"]
    assert root.find(".//ov:Action[@{http://www.w3.org/2001/XMLSchema-instance}type='ShowTaskpane']",
                     NS) is not None
    assert text["Functions.Namespace"] == "ITB"


def test_ribbon_functions_are_the_ones_ribbon_js_associates():
    js = (ROOT / "addin" / "static" / "js" / "ribbon.js").read_text(encoding="utf-8")
    mapping = dict(re.findall(r'"(itb-[a-z]+)": "([A-Za-z]+)"', js))
    assert mapping == {f: label for _, f, label, _ in RIBBON_SCRIPTS + RIBBON_FINANCE}


def test_non_production_environment_is_marked_and_namespaced():
    text = strings(ET.fromstring(build(settings(environment="dev", manifest_id=DEFAULT_IDS["dev"]))))
    assert text["Functions.Namespace"] == "ITB_DEV" and text["Tab.Label"] == "IT-budget [dev]"


def test_single_sign_on_section_only_with_entra_id():
    assert "WebApplicationInfo" not in build(settings())
    root = ET.fromstring(build(settings(entraid_client_id=CLIENT_ID)))
    assert root.findtext(".//ov:WebApplicationInfo/ov:Resource", namespaces=NS) == \
        f"api://itbudget.kommune.dk/{CLIENT_ID}"


def test_own_guid_replaces_xlwings_default_and_a_municipalitys_own_is_kept():
    for env, default in XLWINGS_DEFAULT_IDS.items():
        assert manifest_id(env, default) == DEFAULT_IDS[env] != default
    assert len(set(DEFAULT_IDS.values())) == len(DEFAULT_IDS)
    own = "0b6f3c1e-7a2d-4e59-8f14-3c9d2a7e5b60"
    assert manifest_id("prod", own) == own


def test_icons_at_16_32_64_80_px_are_referenced_and_committed_as_drawn():
    root = ET.fromstring(build(settings()))
    images = {e.get("id"): e.get("DefaultValue") for e in root.iterfind(".//bt:Image[@id]", NS)}
    assert images == {f"Icon.{n}x{n}": f"{BASE}/static/icons/itbudget-{n}.png" for n in (16, 32, 64, 80)}
    assert root.find("o:IconUrl", NS).get("DefaultValue").endswith("itbudget-32.png")
    assert root.find("o:HighResolutionIconUrl", NS).get("DefaultValue").endswith("itbudget-64.png")
    for n in icons.SIZES:
        data = (icons.ICON_DIR / icons.icon_name(n)).read_bytes()
        assert data == icons.draw(n), f"{icons.icon_name(n)} differs: run python -m addin.icons"
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", data[16:24]) == (n, n)
