"""What customers write about: message categories, their aspect and tone, and planted effects.

Each category is one kind of message (a delivery complaint, praise for a staff member, a
question...). The phrase banks hold texts for every category in every language; ``EFFECTS``
holds the planted loyalty drivers: the purchase-rate multiplier a customer's experience
applies to their later buying (see ``generate.ground_truth``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Category:
    key: str
    aspect: str | None  # retail aspect (enrichment vocabulary) or None
    tone: str  # neg / pos / neu
    weight: float  # share of ordinary inbound traffic
    reply: float  # probability the brand answers
    intent: str  # complaint / question / praise / purchase_intent / request / none


CATEGORIES: tuple[Category, ...] = (
    Category("complaint_delivery", "delivery", "neg", 0.065, 0.8, "complaint"),
    Category("complaint_stock", "availability", "neg", 0.05, 0.75, "complaint"),
    Category("complaint_price", "price", "neg", 0.045, 0.6, "complaint"),
    Category("complaint_staff", "service", "neg", 0.04, 0.8, "complaint"),
    Category("complaint_app", "online", "neg", 0.045, 0.75, "complaint"),
    Category("complaint_quality", "product_quality", "neg", 0.045, 0.8, "complaint"),
    Category("question", None, "neu", 0.17, 0.85, "question"),
    Category("praise_staff", "service", "pos", 0.055, 0.5, "praise"),
    Category("praise_store", "store", "pos", 0.035, 0.4, "praise"),
    Category("praise_product", "product_quality", "pos", 0.075, 0.4, "praise"),
    Category("praise_delivery", "delivery", "pos", 0.03, 0.35, "praise"),
    Category("purchase_intent", None, "pos", 0.075, 0.6, "purchase_intent"),
    Category("request_restock", "availability", "neu", 0.035, 0.7, "request"),
    Category("request_new", None, "neu", 0.03, 0.6, "request"),
    Category("competitor_switch", None, "neg", 0.03, 0.55, "complaint"),
    Category("competitor_loyal", None, "pos", 0.03, 0.35, "praise"),
    Category("ugc", None, "pos", 0.08, 0.3, "none"),
    Category("chatter", None, "neu", 0.05, 0.15, "none"),
    Category("spam", None, "neu", 0.015, 0.0, "none"),
    # not drawn for ordinary traffic: used for the planted crisis and follow-ups
    Category("crisis_delivery", "delivery", "neg", 0.0, 0.55, "complaint"),
    Category("followup_thanks", None, "pos", 0.0, 0.0, "praise"),
    Category("followup_angry", None, "neg", 0.0, 0.5, "complaint"),
)
INDEX = {c.key: i for i, c in enumerate(CATEGORIES)}

#: Planted drivers: purchase-rate multiplier applied from the message's time on.
#: (aspect, polarity) -> multiplier; "response_time" applies when a complaint waited > 24 h
#: or got no answer; "ugc" when the customer posted their own content.
EFFECTS: dict[str, float] = {
    "delivery:negative": 0.40,
    "delivery:positive": 1.35,
    "service:negative": 0.55,
    "service:positive": 1.30,
    "response_time:slow": 0.75,
    "ugc:posted": 1.25,
    "competitor:switching": 0.70,
    "competitor:loyal": 1.15,
    "price:negative": 0.86,
    "product_quality:negative": 0.88,
    "product_quality:positive": 1.08,
    "availability:negative": 0.92,
    "online:negative": 0.94,
    "store:positive": 1.05,
}

#: Drivers ranked by the size of their planted effect (|log multiplier| of the negative side,
#: or the only side), strongest first.
DRIVER_RANKING: tuple[str, ...] = (
    "delivery",
    "service",
    "response_time",
    "ugc",
    "price",
    "product_quality",
    "availability",
    "online",
)


def effect_of(key: str) -> float:
    """The planted multiplier of one category (1.0 when it plants nothing)."""
    c = CATEGORIES[INDEX[key]]
    if key == "ugc":
        return EFFECTS["ugc:posted"]
    if key == "competitor_switch":
        return EFFECTS["competitor:switching"]
    if key == "competitor_loyal":
        return EFFECTS["competitor:loyal"]
    if c.aspect is None or c.tone == "neu":
        return 1.0
    pol = "negative" if c.tone == "neg" else "positive"
    return EFFECTS.get(f"{c.aspect}:{pol}", 1.0)
