"""Custom categories from a few examples (``retailpulse categories add parking --examples F``).

A category is a *prototype*: the normalised mean of its examples' hashed feature vectors. A
clause belongs to the category when its similarity to the prototype (its scaled features times
the prototype, close to a cosine) reaches half the median similarity of the examples themselves.
Categories are reported in the ``aspects`` column with the clause's polarity
(``parking:negative``), like the built-in aspects.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from retailpulse.enrich.model import LinearModel
from retailpulse.enrich.scoring import message_matrix
from retailpulse.errors import InputError

_NAME = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
MIN_EXAMPLES = 3


def add_category(model: LinearModel, name: str, examples: Sequence[str]) -> LinearModel:
    """Add (or replace) the prototype head ``category:<name>`` learnt from ``examples``."""
    if not _NAME.match(name):
        raise InputError(
            "The category name must be 2-40 lower-case letters, digits or underscores, starting "
            f"with a letter (e.g. 'parking'). Got {name!r} instead.",
            field="name",
        )
    texts = [t for t in examples if t and t.strip()]
    if len(texts) < MIN_EXAMPLES:
        raise InputError(
            f"A category needs at least {MIN_EXAMPLES} non-empty example messages. Got "
            f"{len(texts)}; add more lines to the examples file.",
            field="examples",
        )
    x = message_matrix(texts, model.bits)
    centroid = np.asarray(x.mean(axis=0)).ravel().astype(np.float32)
    centroid /= max(float(np.linalg.norm(centroid)), 1e-9)
    # the same score the pipeline computes for a clause: scaled features @ prototype
    sims = np.asarray(x @ centroid).ravel()
    threshold = round(0.5 * float(np.median(sims)), 4)
    model.add_head(
        f"category:{name}",
        "prototype",
        [name],
        centroid[:, None],
        np.zeros(1, dtype=np.float32),
        level="clause",
        thresholds=[threshold],
    )
    return model


def categories(model: LinearModel) -> list[str]:
    """Names of the custom categories in a model."""
    return [h.labels[0] for h in model.heads.values() if h.kind == "prototype"]
