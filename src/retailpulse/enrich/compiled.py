"""Numba compilation for the enrichment kernels (:mod:`~retailpulse.enrich.scoring_kernel`,
:mod:`~retailpulse.enrich.encoder_kernel`): ``njit(cache=True, nogil=True)``, cached on disk
(the package's ``__pycache__``, else Numba's user cache directory, or ``NUMBA_CACHE_DIR``), or
compiled in every process where no cache directory is writable (Numba raises at decoration
then). ``nogil`` lets the kernels run on two threads side by side."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from numba import njit

F = TypeVar("F", bound=Callable[..., Any])


def compiled(*, fastmath: bool = False) -> Callable[[F], F]:
    """The decorator; ``fastmath`` lets LLVM reorder float sums (and so vectorise them)."""

    def decorate(func: F) -> F:
        try:
            return cast(F, njit(cache=True, nogil=True, fastmath=fastmath)(func))
        except RuntimeError:  # "cannot cache function ...: no locator available"
            return cast(F, njit(nogil=True, fastmath=fastmath)(func))

    return decorate
