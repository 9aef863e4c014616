"""Canonical record types: the one customer-centred data model every layer reads and writes.

Each :class:`RecordKind` names its table, its natural key (what makes a re-import an update
rather than a duplicate) and its fields. A field's ``name`` is also its CSV column name for
import. Extra columns in an input file are kept, as JSON, in the record's ``raw`` column.

The same declarations give the SQL tables (``store/tables.py``), the Arrow schemas
(:func:`arrow_schema`) and the validation rules of the importers (``listen/validate.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import pyarrow as pa

from retailpulse.errors import UnknownKindError

FieldType = Literal["str", "text", "int", "float", "bool", "datetime", "json"]

PLATFORMS = (
    "facebook",
    "instagram",
    "tiktok",
    "x",
    "wechat",
    "weibo",
    "youtube",
    "blog",
    "review",
    "survey",
    "email",
    "sms",
    "web",
    "other",
)
MESSAGE_KINDS = ("post", "comment", "reply", "dm", "review", "mention")
DIRECTIONS = ("inbound", "outbound")
IDENTITY_METHODS = ("login", "order_match", "email_match", "phone_match", "manual")
ORDER_CHANNELS = ("store", "online", "app", "social")
CONSENT_PURPOSES = ("email", "sms", "social_dm", "personalisation", "profiling")
TIERS = ("none", "bronze", "silver", "gold", "platinum")

#: Longest text kept in one message (characters); longer input is rejected to quarantine.
MAX_TEXT_CHARS = 1_000_000


@dataclass(frozen=True)
class Field:
    """One column of a canonical record."""

    name: str
    type: FieldType = "str"
    required: bool = False
    choices: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None
    help: str = ""
    #: "email" / "phone": stored normalised, with a keyed hash for matching, shown masked.
    pii: Literal["email", "phone"] | None = None


@dataclass(frozen=True)
class RecordKind:
    """A kind of canonical record: table, natural key, fields."""

    name: str
    key: tuple[str, ...]
    fields: tuple[Field, ...]
    help: str = ""
    aliases: tuple[str, ...] = field(default=())

    @property
    def table(self) -> str:
        return self.name

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.required)

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


MESSAGES = RecordKind(
    "messages",
    key=("platform", "external_id"),
    help="Posts, comments, replies, DMs, reviews and mentions from any channel.",
    aliases=("message",),
    fields=(
        Field("platform", required=True, choices=PLATFORMS),
        Field("external_id", required=True, help="The platform's id of the message."),
        Field("kind", choices=MESSAGE_KINDS, help="Defaults to 'post'."),
        Field("direction", choices=DIRECTIONS, help="Defaults to 'inbound'."),
        Field("account", help="The retailer's own account the message reached."),
        Field("author_id"),
        Field("author_handle"),
        Field("author_name"),
        Field("author_followers", "int", min=0),
        Field("thread_id"),
        Field("parent_id"),
        Field("created_at", "datetime", required=True, help="ISO 8601; naive means UTC."),
        Field("text", "text"),
        Field("url"),
        Field("rating", "float", min=1, max=5, help="Review stars, 1-5."),
        Field("likes", "int", min=0),
        Field("shares", "int", min=0),
        Field("replies", "int", min=0),
        Field("views", "int", min=0),
        Field("language", help="Language declared by the platform, if any."),
    ),
)

CUSTOMERS = RecordKind(
    "customers",
    key=("customer_id",),
    help="The retailer's customers (CRM / loyalty programme).",
    aliases=("customer",),
    fields=(
        Field("customer_id", required=True),
        Field("name"),
        Field("email", pii="email"),
        Field("phone", pii="phone"),
        Field("country"),
        Field("language"),
        Field("joined_at", "datetime"),
        Field("loyalty_member", "bool"),
        Field("tier", choices=TIERS),
        Field("home_store"),
    ),
)

IDENTITIES = RecordKind(
    "identities",
    key=("platform", "author_id", "customer_id"),
    help="Links between a social author and a customer, with the evidence method.",
    aliases=("identity",),
    fields=(
        Field("customer_id", required=True),
        Field("platform", required=True, choices=PLATFORMS),
        Field("author_id", required=True),
        Field("method", choices=IDENTITY_METHODS, help="Defaults to 'manual'."),
        Field("consent", "bool"),
        Field("linked_at", "datetime"),
    ),
)

TRANSACTIONS = RecordKind(
    "transactions",
    key=("order_id",),
    help="Orders (one row per order).",
    aliases=("transaction", "orders", "order"),
    fields=(
        Field("order_id", required=True),
        Field("customer_id", required=True),
        Field("created_at", "datetime", required=True),
        Field("store_id"),
        Field("channel", choices=ORDER_CHANNELS),
        Field("total", "float", required=True),
        Field("discount", "float", min=0),
        Field("currency"),
    ),
)

ORDER_LINES = RecordKind(
    "order_lines",
    key=("order_id", "sku"),
    help="Order lines: what was bought in each order.",
    aliases=("order_line", "lines"),
    fields=(
        Field("order_id", required=True),
        Field("sku", required=True),
        Field("quantity", "float", required=True),
        Field("unit_price", "float"),
    ),
)

PRODUCTS = RecordKind(
    "products",
    key=("sku",),
    help="Products, with aliases in any language separated by '|'.",
    aliases=("product",),
    fields=(
        Field("sku", required=True),
        Field("name", required=True),
        Field("aliases", help="'|'-separated names in any language."),
        Field("category"),
        Field("price", "float", min=0),
    ),
)

STORES = RecordKind(
    "stores",
    key=("store_id",),
    help="Physical and online stores.",
    aliases=("store",),
    fields=(
        Field("store_id", required=True),
        Field("name", required=True),
        Field("city"),
        Field("country"),
        Field("aliases", help="'|'-separated names in any language."),
    ),
)

STAFF = RecordKind(
    "staff",
    key=("staff_id",),
    help="Employees customers may name.",
    aliases=("employees",),
    fields=(
        Field("staff_id", required=True),
        Field("name", required=True),
        Field("aliases", help="'|'-separated names and nicknames."),
        Field("store_id"),
        Field("role"),
    ),
)

SURVEYS = RecordKind(
    "surveys",
    key=("response_id",),
    help="Survey answers: NPS (0-10), CSAT (1-5) and free text.",
    aliases=("survey",),
    fields=(
        Field("response_id", required=True),
        Field("customer_id"),
        Field("created_at", "datetime", required=True),
        Field("nps", "int", min=0, max=10),
        Field("csat", "int", min=1, max=5),
        Field("text", "text"),
        Field("channel"),
        Field("store_id"),
    ),
)

CONSENTS = RecordKind(
    "consents",
    key=("customer_id", "purpose", "at"),
    help="Consent ledger: the latest row per customer and purpose is in force.",
    aliases=("consent",),
    fields=(
        Field("customer_id", required=True),
        Field("purpose", required=True, choices=CONSENT_PURPOSES),
        Field("granted", "bool", required=True),
        Field("at", "datetime", required=True),
        Field("source"),
    ),
)

CAMPAIGNS = RecordKind(
    "campaigns",
    key=("campaign_id",),
    help="Marketing campaigns, with their target segment and control-group share.",
    aliases=("campaign",),
    fields=(
        Field("campaign_id", required=True),
        Field("name", required=True),
        Field("goal"),
        Field("channels", help="'|'-separated channels."),
        Field("start", "datetime"),
        Field("end", "datetime"),
        Field("target_segment"),
        Field("control_share", "float", min=0, max=1),
    ),
)

KINDS: dict[str, RecordKind] = {
    k.name: k
    for k in (
        MESSAGES,
        CUSTOMERS,
        IDENTITIES,
        TRANSACTIONS,
        ORDER_LINES,
        PRODUCTS,
        STORES,
        STAFF,
        SURVEYS,
        CONSENTS,
        CAMPAIGNS,
    )
}

#: Order in which kinds are imported so references resolve (customers before their orders).
IMPORT_ORDER = (
    "stores",
    "staff",
    "products",
    "customers",
    "consents",
    "identities",
    "transactions",
    "order_lines",
    "surveys",
    "campaigns",
    "messages",
)

#: Columns added by enrichment (``enrich`` layer), stored in ``message_enrichment``.
ENRICHMENT_FIELDS: tuple[Field, ...] = (
    Field("language"),
    Field("script"),
    Field("sentiment", choices=("negative", "neutral", "positive")),
    Field("p_negative", "float", min=0, max=1),
    Field("p_neutral", "float", min=0, max=1),
    Field("p_positive", "float", min=0, max=1),
    Field("emotion"),
    Field("intents", help="';'-joined intents."),
    Field("aspects", help="'aspect:polarity;...'"),
    Field("entities", help="';'-joined 'type:id' references."),
    Field("is_spam", "bool"),
)


def get_kind(name: str) -> RecordKind:
    """Look up a record kind by name or alias, with an error that lists the known kinds."""
    key = name.strip().lower().replace("-", "_")
    if key in KINDS:
        return KINDS[key]
    for kind in KINDS.values():
        if key in kind.aliases:
            return kind
    raise UnknownKindError(
        f"Unknown kind '{name}'. Use one of: {', '.join(KINDS)}.",
        field="kind",
    )


_ARROW_TYPES: dict[str, pa.DataType] = {
    "str": pa.string(),
    "text": pa.large_string(),
    "int": pa.int64(),
    "float": pa.float64(),
    "bool": pa.bool_(),
    "datetime": pa.timestamp("us", tz="UTC"),
    "json": pa.string(),
}


def arrow_schema(kind: RecordKind | str) -> pa.Schema:
    """The Arrow schema of a record kind's canonical columns (without ``raw``)."""
    k = get_kind(kind) if isinstance(kind, str) else kind
    return pa.schema(
        [pa.field(f.name, _ARROW_TYPES[f.type], nullable=not f.required) for f in k.fields]
    )
