"""The one plugin manager: built-in plugins and those installed under the ``retailpulse``
entry-point group."""

from __future__ import annotations

import importlib
from functools import lru_cache
from typing import Any

import pluggy

from retailpulse import hookspecs

DEFAULT_PLUGINS = ("retailpulse.listen.sources",)


@lru_cache(maxsize=1)
def get_plugin_manager() -> pluggy.PluginManager:
    pm = pluggy.PluginManager("retailpulse")
    pm.add_hookspecs(hookspecs)
    for name in DEFAULT_PLUGINS:
        pm.register(importlib.import_module(name), name=name)
    pm.load_setuptools_entrypoints("retailpulse")
    return pm


def list_plugins() -> list[dict[str, Any]]:
    """Name, whether built in, and the hooks each loaded plugin implements."""
    pm = get_plugin_manager()
    out = []
    for name, plugin in pm.list_name_plugin():
        hooks = sorted(h.name for h in pm.get_hookcallers(plugin) or [])
        out.append({"name": name, "builtin": name in DEFAULT_PLUGINS, "hooks": hooks})
    return sorted(out, key=lambda p: (not p["builtin"], p["name"]))


def sources() -> dict[str, type[Any]]:
    """Every registered Source class by its ``name``."""
    found: dict[str, type[Any]] = {}
    for group in get_plugin_manager().hook.register_sources():
        for cls in group:
            found[cls.name] = cls
    return found
