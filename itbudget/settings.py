"""The settings of a running process, as one typed object.

:class:`Settings` is built once where a process starts and passed down:
``itbudget serve`` builds it from its arguments (and the environment for
Microsoft Entra ID), :func:`addin.server.build_app` and the uvicorn factory
``addin.server.app_from_environment`` from the environment. Library code reads
the settings it is given and never reads or writes ``os.environ`` itself.

The environment variables (empty ones count as unset):

============================  ============================================  ========
variable                      meaning                                       default
============================  ============================================  ========
``ITBUDGET_STAMDATA``         the server's master data file                 none
``ITBUDGET_RETURNS``          folder of returned workbooks (Konsolider)     none
``ITBUDGET_OUTPUT``           the workbook Konsolider writes                RETURNS/IT-konsolidering.xlsx
``ITBUDGET_LISTS``            folder for Konsolider's consumption lists     none
``ITBUDGET_WORKERS``          processes Konsolider reads with               1
``ITBUDGET_DEV``              development mode, no login (1 / 0)            0
``ITBUDGET_TOKENS``           token file for login                          none
``ITBUDGET_MAX_BODY_MB``      largest request in MB                         20
``ITBUDGET_BODY_TIMEOUT``     seconds to send a request's body              60
``ITBUDGET_HEADER_TIMEOUT``   seconds to send a request's headers           10
``ITBUDGET_LOG_LEVEL``        uvicorn's log level                           warning
``XLWINGS_AUTH_PROVIDERS``    xlwings Server's login providers (Entra ID)   none
============================  ============================================  ========

Adapters that xlwings calls without any context (worksheet functions, scripts)
find the settings through :func:`process_settings`: the server puts them there
with :func:`use_process_settings` when it builds the app. A process that
xlwings starts without us (classic desktop Excel's function server) has no
start-up of ours, so there the environment is read once, on first use.
"""

from __future__ import annotations

import threading
from pathlib import Path

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from .errors import UnusableInput

PREFIX = "ITBUDGET_"


class Settings(BaseSettings):
    """Everything a server process (or a worksheet function's process) is configured with."""

    model_config = SettingsConfigDict(env_prefix=PREFIX, env_ignore_empty=True, frozen=True,
                                      extra="ignore", populate_by_name=True)

    stamdata: Path | None = None
    returns: Path | None = None
    output: Path | None = None
    lists: Path | None = None
    workers: int = Field(1, ge=1, le=64)
    dev: bool = False
    tokens: Path | None = None
    max_body_mb: float = Field(20.0, gt=0, le=1024)
    body_timeout: float = Field(60.0, gt=0, le=3600)
    header_timeout: float = Field(10.0, gt=0, le=3600)
    log_level: str = "warning"
    # xlwings Server's own setting, read here only to know which login mode is configured.
    auth_providers: str = Field("", validation_alias="XLWINGS_AUTH_PROVIDERS")
    entraid_tenant_id: str = Field("", validation_alias="XLWINGS_AUTH_ENTRAID_TENANT_ID")
    entraid_client_id: str = Field("", validation_alias="XLWINGS_AUTH_ENTRAID_CLIENT_ID")

    @classmethod
    def from_environment(cls, **overrides) -> "Settings":
        """The environment's settings, ``overrides`` (keyword: value) winning; Danish refusals."""
        try:
            return cls(**overrides)
        except ValidationError as exc:
            raise UnusableInput(_danish(exc)) from None

    @property
    def entraid(self) -> bool:
        """True when xlwings Server's settings name the Microsoft Entra ID provider."""
        return "entraid" in self.auth_providers.casefold()

    @property
    def max_body(self) -> int:
        """The payload cap in bytes."""
        return int(self.max_body_mb * 1024 * 1024)

    def environment(self) -> dict[str, str | None]:
        """These settings as ``ITBUDGET_*`` variables for another process (``None``: unset).

        ``itbudget serve`` starts its server processes through uvicorn, which can
        hand them nothing but the environment; each rebuilds the same object.
        """
        out: dict[str, str | None] = {}
        for name, field in type(self).model_fields.items():
            if field.validation_alias is not None:
                continue  # xlwings' own settings stay as the caller set them
            value = getattr(self, name)
            if isinstance(value, bool):
                value = "1" if value else "0"
            elif isinstance(value, float):
                value = repr(value)
            out[PREFIX + name.upper()] = None if value is None else str(value)
        return out


_MEANING = {
    "int_parsing": "et helt tal", "int_from_float": "et helt tal", "float_parsing": "et tal",
    "bool_parsing": "1 eller 0", "path_type": "en sti",
}


def _danish(exc: ValidationError) -> str:
    """One Danish sentence per unusable variable."""
    fields = Settings.model_fields
    parts = []
    for error in exc.errors():
        name = str(error["loc"][0]) if error["loc"] else ""
        field = fields.get(name)
        variable = (field.validation_alias if field is not None and field.validation_alias
                    else PREFIX + name.upper())
        value = str(error.get("input", ""))[:40]
        limits = {m.__class__.__name__: m for m in (field.metadata if field else [])}
        if error["type"] in _MEANING:
            need = _MEANING[error["type"]]
        elif limits:
            low = next((getattr(m, a) for m in limits.values() for a in ("gt", "ge")
                        if getattr(m, a, None) is not None), None)
            high = next((getattr(m, a) for m in limits.values() for a in ("lt", "le")
                         if getattr(m, a, None) is not None), None)
            need = f"mellem {low:g} og {high:g}"
        else:
            need = "en gyldig værdi"
        parts.append(f"Miljøvariablen {variable} er '{value}', men skal være {need}.")
    return " ".join(parts)


_lock = threading.Lock()
_process: Settings | None = None


def use_process_settings(settings: Settings) -> None:
    """Make ``settings`` the ones the worksheet functions and scripts of this process use."""
    global _process
    with _lock:
        _process = settings


def process_settings() -> Settings:
    """The settings this process was started with (see the module's docstring)."""
    global _process
    with _lock:
        if _process is None:
            _process = Settings.from_environment()
        return _process


__all__ = ["Settings", "process_settings", "use_process_settings"]
