from __future__ import annotations

import retailpulse.errors as errors
from retailpulse.errors import InputError, RateLimited, RetailPulseError


def test_every_error_is_in_the_tree_and_documented() -> None:
    doc = errors.__doc__ or ""
    for name in errors.__all__:
        cls = getattr(errors, name)
        assert issubclass(cls, RetailPulseError)
        assert name in doc, f"{name} missing from the tree drawn in errors.py"


def test_json_envelope_shape() -> None:
    err = InputError("bad row", row=3, field="rating", details=[{"row": 3}])
    assert err.to_dict() == {"ok": False, "error": "bad row", "errors": [{"row": 3}], "status": 400}
    assert RateLimited("slow down", retry_after=2.5).retry_after == 2.5
