"""One registry of settings.

Each setting has a name, a type, a default and a help line. The CLI ``--help``, the docs page
(``docs/settings.md``) and the web settings page are generated from :data:`SETTINGS`.

Precedence, read once at the edge (CLI, web app factory, ``retailpulse.open``) and passed down:
explicit overrides → environment ``RETAILPULSE_<NAME>`` → config file (TOML, ``[retailpulse]``
table or top level) → default. Modules never read ``os.environ`` themselves.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from retailpulse.errors import ConfigError

ENV_PREFIX = "RETAILPULSE_"


def _parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"expected true/false, got {value!r}")


def _parse_str_list(value: Any) -> tuple[str, ...]:
    if isinstance(value, list | tuple):
        return tuple(str(v).strip() for v in value if str(v).strip())
    return tuple(v.strip() for v in str(value).split(",") if v.strip())


@dataclass(frozen=True)
class Setting:
    """One documented setting."""

    name: str
    type: str  # "str" | "int" | "float" | "bool" | "list" | "choice"
    default: Any
    help: str
    choices: tuple[str, ...] = ()
    secret: bool = False

    @property
    def env(self) -> str:
        return ENV_PREFIX + self.name.upper()

    def parse(self, value: Any) -> Any:
        parsers: dict[str, Callable[[Any], Any]] = {
            "str": str,
            "int": int,
            "float": float,
            "bool": _parse_bool,
            "list": _parse_str_list,
            "choice": str,
        }
        try:
            parsed = parsers[self.type](value)
        except (TypeError, ValueError) as exc:
            raise ConfigError(
                f"The setting '{self.name}' (env {self.env}) must be of type {self.type}. "
                f"Got {value!r} instead."
            ) from exc
        if self.choices and parsed not in self.choices:
            raise ConfigError(
                f"The setting '{self.name}' (env {self.env}) must be one of "
                f"{set(self.choices)}. Got {parsed!r} instead."
            )
        return parsed


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "database_url",
        "str",
        "sqlite:///retailpulse.db",
        "Where the data lives: sqlite:///path.db (embedded) or postgresql://user@host/db.",
    ),
    Setting(
        "secret_key",
        "str",
        "",
        "Key for session cookies, CSRF tokens and the keyed hash of emails and phones. "
        "Generated and kept in the store when empty.",
        secret=True,
    ),
    Setting(
        "quarantine_dir",
        "str",
        "quarantine",
        "Folder where importers write rows that failed validation, with row, field and reason.",
    ),
    Setting("batch_size", "int", 50_000, "Rows per transaction when importing or enriching."),
    Setting(
        "enrich_tier",
        "choice",
        "fast",
        "Enrichment models: 'fast' (hashed n-gram linear heads, tens of thousands of messages/s); "
        "'accurate' (the same plus multilingual sentence embeddings in the sentiment and "
        "emotion heads of the messages the n-gram heads are unsure of: better figures, "
        "about 4,000 messages/s). See "
        "docs/adr/0002-enrichment-tier.md.",
        choices=("fast", "accurate"),
    ),
    Setting(
        "enrich_workers",
        "int",
        0,
        "Processes that enrich large inputs (250,000 messages or more) side by side; 0 means one "
        "per CPU core, 1 enriches in the calling process.",
    ),
    Setting(
        "competitors",
        "list",
        ("Zalora", "Shopee", "Tokopedia", "Lazada", "Taobao", "JD", "ASOS", "Uniqlo"),
        "Competitor brand names recognised in messages (comma separated).",
    ),
    Setting("host", "str", "127.0.0.1", "Address the web app listens on."),
    Setting("port", "int", 8765, "Port the web app listens on."),
    Setting("timezone", "str", "UTC", "Time zone for reports and quiet hours (IANA name)."),
    Setting(
        "sla_hours",
        "float",
        4.0,
        "Default first-response target for inbound messages, in hours.",
    ),
    Setting("progress", "bool", True, "Show progress bars on long work."),
)

_BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}


class Settings(Mapping[str, Any]):
    """Resolved settings: a read-only mapping with attribute access."""

    def __init__(self, values: Mapping[str, Any], sources: Mapping[str, str]) -> None:
        self._values = dict(values)
        self._sources = dict(sources)

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __iter__(self) -> Any:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name) from None

    def source(self, name: str) -> str:
        """Where a value came from: 'override', 'env', 'config' or 'default'."""
        return self._sources[name]

    def replace(self, **overrides: Any) -> Settings:
        values = dict(self._values)
        sources = dict(self._sources)
        for key, value in overrides.items():
            values[key] = _setting(key).parse(value)
            sources[key] = "override"
        return Settings(values, sources)

    def public(self) -> dict[str, Any]:
        """Values safe to show: secrets masked."""
        return {k: ("••••" if _BY_NAME[k].secret and v else v) for k, v in self._values.items()}


def _setting(name: str) -> Setting:
    try:
        return _BY_NAME[name]
    except KeyError:
        raise ConfigError(
            f"Unknown setting '{name}'. Known settings: {', '.join(sorted(_BY_NAME))}."
        ) from None


def load_settings(
    *,
    config_file: str | Path | None = None,
    env: Mapping[str, str] | None = None,
    **overrides: Any,
) -> Settings:
    """Resolve every setting once. ``env`` is passed in by the edge (CLI / app factory)."""
    env = env or {}
    file_values: dict[str, Any] = {}
    if config_file is not None:
        path = Path(config_file)
        if not path.exists():
            raise ConfigError(f"Config file {path} does not exist. Create it or drop --config.")
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"Config file {path} is not valid TOML: {exc}") from exc
        file_values = dict(data.get("retailpulse", data))
        for key in file_values:
            _setting(key)
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for s in SETTINGS:
        if overrides.get(s.name) is not None:
            values[s.name], sources[s.name] = s.parse(overrides[s.name]), "override"
        elif s.env in env:
            values[s.name], sources[s.name] = s.parse(env[s.env]), "env"
        elif s.name in file_values:
            values[s.name], sources[s.name] = s.parse(file_values[s.name]), "config"
        else:
            values[s.name], sources[s.name] = s.default, "default"
    for key in overrides:
        _setting(key)
    return Settings(values, sources)


def settings_markdown() -> str:
    """The settings reference page, generated from the registry."""
    lines = [
        "# Settings",
        "",
        "Precedence: command-line option → environment variable → config file → default.",
        "",
        "| name | environment | type | default | what it does |",
        "|---|---|---|---|---|",
    ]
    for s in SETTINGS:
        default = ", ".join(s.default) if isinstance(s.default, tuple) else s.default
        kind = f"one of {', '.join(s.choices)}" if s.choices else s.type
        lines.append(f"| `{s.name}` | `{s.env}` | {kind} | `{default}` | {s.help} |")
    return "\n".join(lines) + "\n"
