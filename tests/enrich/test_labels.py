"""The small pieces of the intent and aspect rules (the rules themselves are pinned through the
pipeline: test_retail_messages.py, test_pipeline.py)."""

from __future__ import annotations

import numpy as np
import polars as pl

from retailpulse.enrich.labels import by_row, multi_label, thresholds


def test_multi_label_keeps_the_heads_order_and_leaves_rows_without_a_label_empty() -> None:
    present = np.array([[True, False, True], [False, False, False], [False, True, False]])
    assert multi_label(["complaint", "question", "praise"], present) == [
        "complaint;praise",
        "",
        "question",
    ]
    assert multi_label(["a"], np.zeros((2, 1), dtype=bool)) == ["", ""]


def test_values_go_to_their_rows() -> None:
    assert by_row(4, np.array([3, 1]), pl.Series(["x", "y"])) == ["", "y", "", "x"]


def test_a_head_without_thresholds_for_each_label_uses_one_half() -> None:
    assert thresholds([0.2, 0.7], 2).tolist() == [np.float32(0.2), np.float32(0.7)]
    assert thresholds([], 3).tolist() == [0.5, 0.5, 0.5]
