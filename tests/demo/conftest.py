"""One small demo generated per test session (it takes seconds), shared by the demo tests."""

from __future__ import annotations

import pytest

from retailpulse.demo import DemoData, generate


@pytest.fixture(scope="session")
def small() -> DemoData:
    return generate("small", seed=7)


@pytest.fixture(scope="session")
def small_again() -> DemoData:
    """A second, independent generation with the same arguments (for determinism checks)."""
    return generate("small", seed=7)
