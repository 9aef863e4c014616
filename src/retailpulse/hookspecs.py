"""The plugin hooks of retailpulse (entry-point group ``retailpulse``).

A plugin is a module or object with functions marked ``@hookimpl``; the built-in sources are
registered through the same hooks (see :mod:`retailpulse.plugins`).
"""

from __future__ import annotations

from typing import Any

import pluggy

hookspec = pluggy.HookspecMarker("retailpulse")
hookimpl = pluggy.HookimplMarker("retailpulse")


@hookspec
def register_sources() -> list[type[Any]]:  # type: ignore[empty-body]
    """Return Source classes (see :class:`retailpulse.listen.sources.Source`)."""


@hookspec
def register_enrichers() -> list[type[Any]]:  # type: ignore[empty-body]
    """Return enricher classes that add columns to a batch of messages."""
