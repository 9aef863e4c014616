from __future__ import annotations

import re
from pathlib import Path

from retailpulse.web.i18n import LANGUAGES, catalogue, translate

TEMPLATES = Path(__file__).resolve().parents[2] / "src/retailpulse/web/templates"


def test_every_key_used_by_templates_is_in_english() -> None:
    used: set[str] = set()
    for path in TEMPLATES.glob("*.html"):
        used |= set(re.findall(r"t\('([a-z_.]+)'\)", path.read_text(encoding="utf-8")))
    assert used, "templates use the catalogue"
    assert used - set(catalogue("en")) == set()


def test_other_languages_only_translate_known_keys() -> None:
    for lang in LANGUAGES:
        assert set(catalogue(lang)) <= set(catalogue("en"))


def test_fallback_to_english() -> None:
    assert translate("nav.inbox", "zh") == "收件箱"
    assert translate("listen.more", "id") == translate("listen.more", "en")
    assert translate("nav.inbox", "fr") == "Inbox"


def test_pages_follow_the_lang_parameter(as_user) -> None:  # type: ignore[no-untyped-def]
    c, _ = as_user("admin")
    assert "收件箱" in c.get("/?lang=zh").text
    assert "Kotak masuk" in c.get("/?lang=id").text
