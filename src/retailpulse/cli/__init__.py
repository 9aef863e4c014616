"""The ``retailpulse`` command: a thin click group.

Each area adds its commands in its own module here (``cli/data.py``, ``cli/enrich.py``, ...)
and is listed in :data:`COMMAND_MODULES`; the commands are thin calls on a Workspace or on the
pure functions of the analytics layers.
"""

from __future__ import annotations

import importlib

import click

from retailpulse import __version__

#: Modules whose ``register(group)`` adds commands to the ``retailpulse`` group.
COMMAND_MODULES: tuple[str, ...] = ("data", "demo", "enrich", "customers", "voc", "web")


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="retailpulse")
def main() -> None:
    """retailpulse: listen to your customers on every channel, understand them, engage them."""


for _name in COMMAND_MODULES:
    importlib.import_module(f"retailpulse.cli.{_name}").register(main)
