"""retailpulse: listen to customers on every channel, understand them, engage, nurture and
mobilize them, and measure what each action did to loyalty."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
