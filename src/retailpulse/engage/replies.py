"""Suggested replies: a template library by intent × language, with placeholders.

Placeholders are ``{customer_name}``, ``{order}``, ``{store}`` and ``{agent_name}``. A missing
value is replaced by a polite neutral word in the template's language, so a suggestion never
shows a raw ``{placeholder}``. Languages: en, id (also used for ms and jv), zh.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass

from retailpulse.errors import InputError

LANGUAGES = ("en", "id", "zh")
PLACEHOLDERS = ("customer_name", "order", "store", "agent_name")
_LANGUAGE_FALLBACK = {"ms": "id", "jv": "id"}

_DEFAULTS: dict[str, dict[str, str]] = {
    "en": {
        "customer_name": "there",
        "order": "your order",
        "store": "our store",
        "agent_name": "the team",
    },
    "id": {
        "customer_name": "Kak",
        "order": "pesanan Anda",
        "store": "toko kami",
        "agent_name": "tim kami",
    },
    "zh": {
        "customer_name": "您",
        "order": "您的订单",
        "store": "我们的门店",
        "agent_name": "客服团队",
    },
}


@dataclass(frozen=True)
class ReplyTemplate:
    id: str
    intent: str
    language: str
    text: str


_LIBRARY: tuple[tuple[str, str, str, str], ...] = (
    (
        "complaint-apology",
        "complaint",
        "en",
        "Hi {customer_name}, I'm sorry about this. Could you send us a DM with {order} so we can "
        "put it right today? — {agent_name}",
    ),
    (
        "complaint-store",
        "complaint",
        "en",
        "Hi {customer_name}, thank you for telling us. I've shared this with the team at {store} "
        "and we will follow up with you personally. — {agent_name}",
    ),
    (
        "question-answer",
        "question",
        "en",
        "Hi {customer_name}, thanks for asking! Here is what we can tell you: … If anything is "
        "unclear, just reply here. — {agent_name}",
    ),
    (
        "question-order",
        "question",
        "en",
        "Hi {customer_name}, let me check {order} for you. Could you confirm the e-mail you "
        "ordered with in a DM? — {agent_name}",
    ),
    (
        "praise-thanks",
        "praise",
        "en",
        "Thank you so much, {customer_name}! We'll pass your kind words to the team at {store}.",
    ),
    (
        "purchase-help",
        "purchase_intent",
        "en",
        "Hi {customer_name}, great choice! It's available online and at {store}. Want us to "
        "hold one for you? — {agent_name}",
    ),
    (
        "request-ack",
        "request",
        "en",
        "Hi {customer_name}, thanks for the suggestion. We've noted it and passed it on. "
        "— {agent_name}",
    ),
    (
        "general-ack",
        "",
        "en",
        "Hi {customer_name}, thanks for reaching out. How can we help? — {agent_name}",
    ),
    (
        "complaint-apology",
        "complaint",
        "id",
        "Halo {customer_name}, mohon maaf atas ketidaknyamanannya. Boleh kirim DM dengan nomor "
        "{order} agar kami bantu selesaikan hari ini? — {agent_name}",
    ),
    (
        "complaint-store",
        "complaint",
        "id",
        "Halo {customer_name}, terima kasih sudah memberi tahu. Kami sudah teruskan ke tim "
        "{store} dan akan menghubungi Anda. — {agent_name}",
    ),
    (
        "question-answer",
        "question",
        "id",
        "Halo {customer_name}, terima kasih atas pertanyaannya! Berikut info dari kami: … "
        "— {agent_name}",
    ),
    (
        "question-order",
        "question",
        "id",
        "Halo {customer_name}, kami cek {order} dulu ya. Boleh konfirmasi email pemesanan "
        "lewat DM? — {agent_name}",
    ),
    (
        "praise-thanks",
        "praise",
        "id",
        "Terima kasih banyak, {customer_name}! Pujian Anda kami sampaikan ke tim {store}.",
    ),
    (
        "purchase-help",
        "purchase_intent",
        "id",
        "Halo {customer_name}, pilihan yang bagus! Tersedia online dan di {store}. Mau kami "
        "simpankan satu? — {agent_name}",
    ),
    (
        "request-ack",
        "request",
        "id",
        "Halo {customer_name}, terima kasih atas sarannya. Sudah kami catat. — {agent_name}",
    ),
    (
        "general-ack",
        "",
        "id",
        "Halo {customer_name}, terima kasih sudah menghubungi kami. Ada yang bisa kami bantu? "
        "— {agent_name}",
    ),
    (
        "complaint-apology",
        "complaint",
        "zh",
        "{customer_name}好，非常抱歉给您带来不便。请私信我们{order}，我们今天就为您处理。——{agent_name}",
    ),
    (
        "complaint-store",
        "complaint",
        "zh",
        "{customer_name}好，感谢您的反馈。我们已转告{store}团队，会尽快与您联系。——{agent_name}",
    ),
    (
        "question-answer",
        "question",
        "zh",
        "{customer_name}好，感谢您的提问！以下是相关信息：…… 如有疑问请随时回复。——{agent_name}",
    ),
    (
        "question-order",
        "question",
        "zh",
        "{customer_name}好，我们马上为您查询{order}。请私信告诉我们下单时使用的邮箱。——{agent_name}",
    ),
    (
        "praise-thanks",
        "praise",
        "zh",
        "非常感谢{customer_name}！我们会把您的好评转达给{store}的同事。",
    ),
    (
        "purchase-help",
        "purchase_intent",
        "zh",
        "{customer_name}好，眼光真好！线上和{store}都有货，需要为您预留一件吗？——{agent_name}",
    ),
    (
        "request-ack",
        "request",
        "zh",
        "{customer_name}好，感谢您的建议，我们已记录并转达。——{agent_name}",
    ),
    (
        "general-ack",
        "",
        "zh",
        "{customer_name}好，感谢您联系我们。请问有什么可以帮您？——{agent_name}",
    ),
)

TEMPLATES: tuple[ReplyTemplate, ...] = tuple(ReplyTemplate(*row) for row in _LIBRARY)


def template_language(language: str | None) -> str:
    """The library language used for a detected message language."""
    lang = (language or "en").lower()
    lang = _LANGUAGE_FALLBACK.get(lang, lang)
    return lang if lang in LANGUAGES else "en"


def render(text: str, values: Mapping[str, str | None], language: str = "en") -> str:
    """Fill the placeholders of a template; missing values get the language's neutral word."""
    lang = template_language(language)
    filled = {**_DEFAULTS[lang], **{k: v for k, v in values.items() if v}}
    fields = {name for _, name, _, _ in string.Formatter().parse(text) if name}
    unknown = fields - set(PLACEHOLDERS)
    if unknown:
        raise InputError(
            f"Reply templates may use the placeholders {set(PLACEHOLDERS)}. "
            f"Got {sorted(unknown)} instead.",
            field="text",
        )
    return text.format_map({k: filled[k] for k in PLACEHOLDERS})


def suggest(
    intents: str | None,
    language: str | None,
    values: Mapping[str, str | None],
    *,
    limit: int = 3,
) -> list[dict[str, str]]:
    """Suggested replies for a conversation: templates of its intents, then general ones."""
    lang = template_language(language)
    wanted = [i for i in (intents or "").split(";") if i] + [""]
    out: list[dict[str, str]] = []
    for intent in wanted:
        for t in TEMPLATES:
            if t.language == lang and t.intent == intent and len(out) < limit:
                out.append(
                    {
                        "id": t.id,
                        "intent": intent or "general",
                        "language": lang,
                        "text": render(t.text, values, lang),
                    }
                )
    return out
