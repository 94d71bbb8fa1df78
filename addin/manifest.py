"""The project's own Office.js add-in manifest (XML, add-in only), built from settings.

xlwings Server ships a generic manifest: its default GUID (shared by every
default deployment), xlwings branding, icons from www.xlwings.org, en-US and
an English demo ribbon. This module builds ours instead: Danish (da-DK),
the IT-budget name and description, icons served by this server
(``/static/icons``, see :mod:`addin.icons`), and a ribbon tab *IT-budget*
with Valider, Opdater, Konsolider (Økonomistaben) and the task pane. The
ribbon buttons call the functions ``addin/static/js/ribbon.js`` associates.

The add-in's identity is the GUID in ``<Id>``. Each environment has our own
default; a municipality sets its own with xlwings Server's setting
``XLWINGS_MANIFEST_ID_PROD`` (``_DEV``, ``_QA``, ``_UAT``, ``_STAGING`` for
the others). Base URL: ``XLWINGS_HOSTNAME`` if set, else the address the
request reached (https when a proxy says ``X-Forwarded-Proto: https``).

:func:`install` puts the routes in front of xlwings Server's own on the app.
"""

from __future__ import annotations

import dataclasses
import re
from xml.sax.saxutils import escape, quoteattr

from .icons import SIZES, icon_name

#: Our default GUIDs: no other deployment in the world shares them by default.
DEFAULT_IDS = {
    "prod": "9bfbd00d-eb85-45b1-9c55-96d5d9dce1d3",
    "staging": "3c7e1f0a-6b2d-4f58-9a41-2d8e5c7b9f16",
    "uat": "a5d2c8e4-1f37-4b6a-8c90-7e3b4d1f2a58",
    "qa": "6e9b4a21-d8c3-4f7e-b512-9a0c3e6d8b47",
    "dev": "d14f7b39-2c5e-4a86-9e3b-5f8a1c6d2e90",
}
#: xlwings Server's defaults: a manifest carrying one of these is replaced by ours.
XLWINGS_DEFAULT_IDS = {
    "prod": "4f342d85-3a49-41cb-90a5-37b1f2219040",
    "staging": "34041f4f-9cb4-4830-afb5-db44b2a70e0e",
    "uat": "70428e53-8113-421c-8fe2-9b74fcb94ee5",
    "qa": "9cda34b1-af68-4dc6-b97c-e63ef6284671",
    "dev": "0a856eb1-91ab-4f38-b757-23fbe1f73130",
}

DISPLAY_NAME = "IT-budget"
DESCRIPTION = ("Kontrollér IT-bogføringer mod budgettet, kontoplanen, projektskemaer og "
               "EAN-numre, og konsolidér for Økonomistaben.")
PROVIDER = "IT-budget"
LOCALE = "da-DK"

#: Ribbon buttons: (control id, ribbon function name, label, tooltip). The function names
#: are what addin/static/js/ribbon.js associates; each runs the script of the same label.
RIBBON_SCRIPTS = (
    ("ItbValider", "itb-valider", "Valider",
     "Validerer alle bogføringer og skriver Status, Besked og arket Valideringsrapport."),
    ("ItbOpdater", "itb-opdater", "Opdater",
     "Opdaterer Status og Besked og genberegner projektmappen."),
)
RIBBON_FINANCE = (
    ("ItbKonsolider", "itb-konsolider", "Konsolider",
     "Kun for Økonomistaben: konsoliderer de returnerede projektmapper på serveren."),
)


@dataclasses.dataclass(frozen=True)
class ManifestSettings:
    """Everything the manifest depends on."""

    manifest_id: str
    base_url: str  # https://host[:port], no trailing slash
    app_path: str = ""
    static_url_path: str = "/static"
    namespace: str = "ITB"
    environment: str = "prod"
    entraid_client_id: str | None = None  # set: Office single sign-on (WebApplicationInfo)

    @property
    def app_url(self) -> str:
        return f"{self.base_url}{self.app_path}"

    @property
    def suffix(self) -> str:
        return "" if self.environment == "prod" else f" [{self.environment}]"

    @property
    def function_namespace(self) -> str:
        # As xlwings Server does: ITB in production, ITB_DEV etc. elsewhere, so a test
        # deployment's functions never collide with production's in one Excel.
        return self.namespace.upper() + ("" if self.environment == "prod"
                                         else "_" + self.environment.upper())


def manifest_id(environment: str, configured: str) -> str:
    """The GUID for ``environment``: the configured one, unless it is xlwings' default."""
    configured = str(configured)
    if configured.lower() == XLWINGS_DEFAULT_IDS.get(environment):
        return DEFAULT_IDS[environment]
    return configured


def _button(control_id: str, label_id: str, tip_id: str, action: str) -> str:
    return f"""
                <Control xsi:type="Button" id="{control_id}">
                  <Label resid="{label_id}" />
                  <Supertip>
                    <Title resid="{label_id}" />
                    <Description resid="{tip_id}" />
                  </Supertip>
                  <Icon>
{_icon_refs(22)}
                  </Icon>
                  {action}
                </Control>"""


def _icon_refs(indent: int) -> str:
    pad = " " * indent
    return "\n".join(f'{pad}<bt:Image size="{s}" resid="Icon.{s}x{s}" />' for s in (16, 32, 80))


def _group(group_id: str, label_id: str, controls: str) -> str:
    return f"""
              <Group id="{group_id}">
                <Label resid="{label_id}" />
                <Icon>
{_icon_refs(18)}
                </Icon>{controls}
              </Group>"""


def build(s: ManifestSettings) -> str:
    """The manifest XML for these settings."""
    name = DISPLAY_NAME + s.suffix
    icon = f"{s.base_url}{s.static_url_path}/icons/"
    short = {"Functions.Namespace": s.function_namespace, "Tab.Label": name,
             "Group.Bookings.Label": "Bogføringer", "Group.Finance.Label": "Økonomistaben",
             "Taskpane.Label": "Opgaverude"}
    long = {"Taskpane.Tooltip": "Viser IT-budgets opgaverude med knapper, adgangsnøgle og "
                                "funktionerne."}
    controls = {"scripts": "", "finance": ""}
    for group, buttons in (("scripts", RIBBON_SCRIPTS), ("finance", RIBBON_FINANCE)):
        for control_id, function, label, tip in buttons:
            short[f"{control_id}.Label"] = label
            long[f"{control_id}.Tooltip"] = tip
            action = (f'<Action xsi:type="ExecuteFunction">\n'
                      f'                    <FunctionName>{function}</FunctionName>\n'
                      f'                  </Action>')
            controls[group] += _button(control_id, f"{control_id}.Label",
                                       f"{control_id}.Tooltip", action)
    taskpane_action = ('<Action xsi:type="ShowTaskpane">\n'
                       '                    <TaskpaneId>ItbTaskpane</TaskpaneId>\n'
                       '                    <SourceLocation resid="Taskpane.Url" />\n'
                       '                  </Action>')
    controls["scripts"] += _button("ItbTaskpane", "Taskpane.Label", "Taskpane.Tooltip",
                                   taskpane_action)
    images = "\n".join(f'        <bt:Image id="Icon.{n}x{n}" DefaultValue={quoteattr(icon + icon_name(n))} />'
                       for n in SIZES)
    strings = "\n".join(f'        <bt:String id="{k}" DefaultValue={quoteattr(v)} />'
                        for k, v in short.items())
    long_strings = "\n".join(f'        <bt:String id="{k}" DefaultValue={quoteattr(v)} />'
                             for k, v in long.items())
    sso = ""
    if s.entraid_client_id:
        resource = f"api://{re.sub(r'^https://', '', s.app_url)}/{s.entraid_client_id}"
        sso = f"""
    <WebApplicationInfo>
      <Id>{escape(s.entraid_client_id)}</Id>
      <Resource>{escape(resource)}</Resource>
      <Scopes>
        <Scope>openid</Scope>
        <Scope>profile</Scope>
      </Scopes>
    </WebApplicationInfo>"""
    return f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<OfficeApp xmlns="http://schemas.microsoft.com/office/appforoffice/1.1"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xmlns:bt="http://schemas.microsoft.com/office/officeappbasictypes/1.0"
  xmlns:ov="http://schemas.microsoft.com/office/taskpaneappversionoverrides" xsi:type="TaskPaneApp">
  <Id>{escape(s.manifest_id)}</Id>
  <Version>1.0.0.0</Version>
  <ProviderName>{escape(PROVIDER)}</ProviderName>
  <DefaultLocale>{LOCALE}</DefaultLocale>
  <DisplayName DefaultValue={quoteattr(name)} />
  <Description DefaultValue={quoteattr(DESCRIPTION)} />
  <IconUrl DefaultValue={quoteattr(icon + icon_name(32))} />
  <HighResolutionIconUrl DefaultValue={quoteattr(icon + icon_name(64))} />
  <SupportUrl DefaultValue={quoteattr(s.app_url + "/taskpane.html")} />
  <AppDomains>
    <AppDomain>{escape(s.app_url)}</AppDomain>
  </AppDomains>
  <Hosts>
    <Host Name="Workbook" />
  </Hosts>
  <Requirements>
    <Sets DefaultMinVersion="1.1">
      <Set Name="SharedRuntime" MinVersion="1.1" />
    </Sets>
  </Requirements>
  <DefaultSettings>
    <SourceLocation DefaultValue={quoteattr(s.app_url + "/taskpane.html")} />
  </DefaultSettings>
  <Permissions>ReadWriteDocument</Permissions>
  <VersionOverrides xmlns="http://schemas.microsoft.com/office/taskpaneappversionoverrides" xsi:type="VersionOverridesV1_0">
    <Hosts>
      <Host xsi:type="Workbook">
        <Runtimes>
          <Runtime resid="Taskpane.Url" lifetime="long" />
        </Runtimes>
        <AllFormFactors>
          <ExtensionPoint xsi:type="CustomFunctions">
            <Script>
              <SourceLocation resid="Functions.Script.Url" />
            </Script>
            <Page>
              <SourceLocation resid="Taskpane.Url" />
            </Page>
            <Metadata>
              <SourceLocation resid="Functions.Metadata.Url" />
            </Metadata>
            <Namespace resid="Functions.Namespace" />
          </ExtensionPoint>
        </AllFormFactors>
        <DesktopFormFactor>
          <FunctionFile resid="Taskpane.Url" />
          <ExtensionPoint xsi:type="PrimaryCommandSurface">
            <CustomTab id="ItbTab">{_group("ItbBookings", "Group.Bookings.Label", controls["scripts"])}{_group("ItbFinance", "Group.Finance.Label", controls["finance"])}
              <Label resid="Tab.Label" />
            </CustomTab>
          </ExtensionPoint>
        </DesktopFormFactor>
      </Host>
    </Hosts>
    <Resources>
      <bt:Images>
{images}
      </bt:Images>
      <bt:Urls>
        <bt:Url id="Taskpane.Url" DefaultValue={quoteattr(s.app_url + "/taskpane.html")} />
        <bt:Url id="Functions.Script.Url" DefaultValue={quoteattr(s.app_url + "/xlwings/custom-functions-code.js")} />
        <bt:Url id="Functions.Metadata.Url" DefaultValue={quoteattr(s.app_url + "/xlwings/custom-functions-meta.json")} />
      </bt:Urls>
      <bt:ShortStrings>
{strings}
      </bt:ShortStrings>
      <bt:LongStrings>
{long_strings}
      </bt:LongStrings>
    </Resources>{sso}
  </VersionOverrides>
</OfficeApp>
"""


def _base_url(request, settings) -> str:
    if settings.hostname:
        return f"https://{settings.hostname}"
    base = str(request.base_url).rstrip("/")
    if request.headers.get("x-forwarded-proto") == "https":
        base = base.replace("http://", "https://", 1)
    return base


def settings_for(request, settings) -> ManifestSettings:
    """Manifest settings from xlwings Server's settings object and the request."""
    env = settings.environment
    entraid = "entraid" in (settings.auth_providers or [])
    return ManifestSettings(
        manifest_id=manifest_id(env, getattr(settings, f"manifest_id_{env}")),
        base_url=_base_url(request, settings), app_path=settings.app_path,
        static_url_path=settings.static_url_path, namespace=settings.functions_namespace,
        environment=env, entraid_client_id=settings.auth_entraid_client_id if entraid else None)


def install(app) -> None:
    """Serve our manifest at xlwings Server's manifest paths, ahead of its own routes."""
    from starlette.responses import Response
    from starlette.routing import Route
    from xlwings_server.config import settings

    def respond(request, download: bool) -> Response:
        headers = {}
        if download:
            suffix = "" if settings.environment == "prod" else f"-{settings.environment}"
            headers["Content-Disposition"] = f"attachment; filename=itbudget{suffix}.xml"
        return Response(build(settings_for(request, settings)), headers=headers,
                        media_type="application/xml; charset=utf-8")

    async def manifest(request) -> Response:
        return respond(request, download=False)

    async def manifest_download(request) -> Response:
        return respond(request, download=True)

    prefix = settings.app_path
    routes = [Route(prefix + "/manifest", manifest, methods=["GET"]),
              Route(prefix + "/manifest.xml", manifest, methods=["GET"]),
              Route(prefix + "/manifest/download", manifest_download, methods=["GET"])]
    # Starlette matches routes in order: ours first, so xlwings Server's never answer.
    app.router.routes[0:0] = routes
