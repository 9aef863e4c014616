"""UI string catalogue: English is complete; Bahasa Indonesia and Chinese fall back to it.

Templates call ``t("key")``. A key missing in a language shows the English text; a key missing
in English is a bug (a test checks every key the templates use).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

LANGUAGES = ("en", "id", "zh")
_DIR = Path(__file__).parent


@cache
def catalogue(language: str) -> dict[str, str]:
    path = _DIR / f"{language}.json"
    data: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    return data


def translate(key: str, language: str = "en") -> str:
    lang = language if language in LANGUAGES else "en"
    text = catalogue(lang).get(key)
    if text is None:
        text = catalogue("en").get(key, key)
    return text
