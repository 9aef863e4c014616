"""CSRF tokens: an HMAC of the session (or, before login, of a random anonymous id).

Every form carries the token in a hidden ``csrf_token`` field and htmx sends it in the
``X-CSRF-Token`` header. API calls authenticated by a bearer token need none: a browser
never sends that header by itself.
"""

from __future__ import annotations

import hashlib
import hmac

FIELD = "csrf_token"
HEADER = "x-csrf-token"


def make_token(secret: bytes, session_key: str) -> str:
    return hmac.new(secret, f"csrf|{session_key}".encode(), hashlib.sha256).hexdigest()


def check_token(secret: bytes, session_key: str, token: str | None) -> bool:
    if not token or not session_key:
        return False
    return hmac.compare_digest(make_token(secret, session_key), token)
