"""retailpulse: listen to customers on every channel, understand them, engage, nurture and
mobilize them, and measure what each action did to loyalty.

    >>> import retailpulse
    >>> rp = retailpulse.open("sqlite:///demo.db")
"""

from __future__ import annotations

__version__ = "0.1.0"  # before the imports: submodules read it

from retailpulse.errors import RetailPulseError
from retailpulse.schema import KINDS, RecordKind
from retailpulse.settings import SETTINGS, Settings, load_settings
from retailpulse.workspace import Workspace, open

__all__ = [
    "KINDS",
    "SETTINGS",
    "RecordKind",
    "RetailPulseError",
    "Settings",
    "Workspace",
    "__version__",
    "load_settings",
    "open",
]
