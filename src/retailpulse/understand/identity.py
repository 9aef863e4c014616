"""Linking social authors to customers, only with evidence, only with consent, always audited.

:func:`link_identities` is a pure function: frames in, frames out (links, suggestions, audit
events); the workspace persists them. Evidence, strongest first:

1. ``login`` / ``manual`` / imported: rows of the ``identities`` frame (explicit links);
2. ``order_match``: an inbound DM quotes an order number of the customer;
3. ``email_match`` / ``phone_match``: an inbound DM contains an email address or phone number
   whose keyed hash equals the customer's (addresses are compared only as keyed hashes).

Fuzzy matches (author name ≈ customer name, and the customer's home-store city named by the
author) are returned as *suggestions* for a person to confirm, never as links. A customer
whose latest ``profiling`` consent is not granted is never linked (an audit event says why).
An author that the evidence ties to two different customers is not linked either; the
conflict becomes a suggestion. :func:`unlink` and :func:`confirm_suggestion` return the new
links and their audit event.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from difflib import SequenceMatcher

import polars as pl

from retailpulse.errors import InputError, NotFoundError
from retailpulse.privacy.pii import keyed_hash, normalise_email, normalise_phone

LINK_COLUMNS = (
    "customer_id",
    "platform",
    "author_id",
    "method",
    "evidence",
    "consent",
    "linked_at",
)
AUDIT_COLUMNS = (
    "at",
    "action",
    "customer_id",
    "platform",
    "author_id",
    "method",
    "evidence",
    "actor",
    "reason",
)
SUGGESTION_COLUMNS = ("customer_id", "platform", "author_id", "score", "reason")

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_PHONE = re.compile(r"\+?\d[\d\s().-]{7,}\d")
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{3,}")
#: Smallest name similarity (0..1) for a fuzzy suggestion.
NAME_SIMILARITY = 0.88


def _hash(value: str, norm: Callable[[str | None], str | None], key: bytes) -> str | None:
    return keyed_hash(norm(value), key)


def consenting_customers(consents: pl.DataFrame | None, purpose: str = "profiling") -> set[str]:
    """Customers whose latest consent row for ``purpose`` is granted."""
    if consents is None or consents.height == 0:
        return set()
    latest = (
        consents.filter(pl.col("purpose") == purpose)
        .sort("at")
        .group_by("customer_id")
        .agg(pl.col("granted").last())
    )
    return set(latest.filter(pl.col("granted"))["customer_id"].to_list())


def _frame(rows: list[dict[str, object]], columns: tuple[str, ...]) -> pl.DataFrame:
    schema: dict[str, pl.DataType] = {c: pl.String() for c in columns}
    for c in ("consent",):
        if c in schema:
            schema[c] = pl.Boolean()
    for c in ("linked_at", "at"):
        if c in schema:
            schema[c] = pl.Datetime("us", "UTC")
    if "score" in schema:
        schema["score"] = pl.Float64()
    return pl.DataFrame(rows, schema=schema, orient="row") if rows else pl.DataFrame(schema=schema)


def _customer_hashes(customers: pl.DataFrame, key: bytes | None) -> dict[str, str]:
    """keyed hash -> customer_id, from ``email_hash``/``phone_hash`` or, with ``key``, from
    the plain columns."""
    out: dict[str, str] = {}
    for kind, norm in (("email", normalise_email), ("phone", normalise_phone)):
        if f"{kind}_hash" in customers.columns:
            for cid, h in customers.select("customer_id", f"{kind}_hash").iter_rows():
                if h:
                    out[h] = cid
        elif kind in customers.columns and key:
            for cid, v in customers.select("customer_id", kind).iter_rows():
                h = _hash(v, norm, key) if v else None
                if h:
                    out[h] = cid
    return out


def link_identities(
    messages: pl.DataFrame,
    customers: pl.DataFrame,
    *,
    identities: pl.DataFrame | None = None,
    transactions: pl.DataFrame | None = None,
    consents: pl.DataFrame | None = None,
    stores: pl.DataFrame | None = None,
    hash_key: bytes | str | None = None,
    actor: str = "system",
    now: datetime | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Return ``(links, suggestions, audit)`` frames. See the module docstring for the
    evidence rules; ``hash_key`` is the store's keyed-hash secret (``Workspace.secret``), the
    same as :func:`retailpulse.privacy.pii.keyed_hash` uses."""
    if isinstance(hash_key, str):
        hash_key = hash_key.encode("utf-8")
    for col in ("platform", "author_id", "kind", "direction", "text", "external_id"):
        if col not in messages.columns:
            raise InputError(f"link_identities needs the messages column '{col}'.", field=col)
    if "customer_id" not in customers.columns:
        raise InputError("link_identities needs the customers column 'customer_id'.")
    now = now or datetime.now(UTC)
    allowed = consenting_customers(consents)
    known = set(customers["customer_id"].to_list())
    # candidate evidence: (platform, author_id) -> list of (customer, method, evidence)
    found: dict[tuple[str, str], list[tuple[str, str, str]]] = {}

    def add(platform: str, author: str, cid: str, method: str, evidence: str) -> None:
        found.setdefault((platform, author), []).append((cid, method, evidence))

    audit: list[dict[str, object]] = []
    if identities is not None and identities.height:
        for row in identities.iter_rows(named=True):
            if row.get("consent") is False:
                audit.append(
                    _event(
                        now,
                        "skip",
                        row,
                        row.get("method") or "manual",
                        "imported identity",
                        actor,
                        "the link itself records no consent",
                    )
                )
                continue
            add(
                row["platform"],
                row["author_id"],
                row["customer_id"],
                row.get("method") or "manual",
                "imported identity",
            )
    dms = messages.filter(
        (pl.col("kind") == "dm")
        & (pl.col("direction").fill_null("inbound") == "inbound")
        & pl.col("author_id").is_not_null()
        & pl.col("text").is_not_null()
    )
    orders: dict[str, str] = {}
    if transactions is not None and transactions.height:
        orders = dict(transactions.select("order_id", "customer_id").iter_rows())
    hashes = _customer_hashes(customers, hash_key)
    for platform, author, ext_id, text in dms.select(
        "platform", "author_id", "external_id", "text"
    ).iter_rows():
        if orders:
            for tok in set(_TOKEN.findall(text)):
                if tok in orders:
                    add(
                        platform,
                        author,
                        orders[tok],
                        "order_match",
                        f"order {tok} quoted in DM {ext_id}",
                    )
        if hash_key:
            for email in set(_EMAIL.findall(text)):
                h = _hash(email, normalise_email, hash_key)
                if h in hashes:
                    add(
                        platform,
                        author,
                        hashes[h],
                        "email_match",
                        f"email hash matched in DM {ext_id}",
                    )
            for phone in set(_PHONE.findall(text)):
                h = _hash(phone, normalise_phone, hash_key)
                if h in hashes:
                    add(
                        platform,
                        author,
                        hashes[h],
                        "phone_match",
                        f"phone hash matched in DM {ext_id}",
                    )
    links: list[dict[str, object]] = []
    suggestions: list[dict[str, object]] = []
    for (platform, author), evidence in sorted(found.items()):
        cids = {e[0] for e in evidence if e[0] in known}
        if not cids:
            continue
        if len(cids) > 1:
            for cid in sorted(cids):
                suggestions.append(
                    {
                        "customer_id": cid,
                        "platform": platform,
                        "author_id": author,
                        "score": 1.0 / len(cids),
                        "reason": "conflicting evidence: "
                        + "; ".join(e[2] for e in evidence if e[0] == cid),
                    }
                )
            audit.append(
                {
                    "at": now,
                    "action": "conflict",
                    "customer_id": None,
                    "platform": platform,
                    "author_id": author,
                    "method": None,
                    "evidence": "; ".join(e[2] for e in evidence),
                    "actor": actor,
                    "reason": f"evidence points to {len(cids)} customers; a person decides",
                }
            )
            continue
        cid = cids.pop()
        cid_evidence = [e for e in evidence if e[0] == cid]
        method = cid_evidence[0][1]
        text = "; ".join(e[2] for e in cid_evidence)
        row = {"customer_id": cid, "platform": platform, "author_id": author}
        if cid not in allowed:
            audit.append(
                _event(
                    now,
                    "skip",
                    row,
                    method,
                    text,
                    actor,
                    "the customer has not consented to profiling",
                )
            )
            continue
        links.append({**row, "method": method, "evidence": text, "consent": True, "linked_at": now})
        audit.append(_event(now, "link", row, method, text, actor, ""))
    linked_authors = {(str(lk["platform"]), str(lk["author_id"])) for lk in links}
    suggestions += _fuzzy(messages, customers, stores, linked_authors | set(found), allowed)
    for s in suggestions:
        audit.append(_event(now, "suggest", s, None, str(s["reason"]), actor, ""))
    return (
        _frame(links, LINK_COLUMNS),
        _frame(suggestions, SUGGESTION_COLUMNS),
        _frame(audit, AUDIT_COLUMNS),
    )


def _event(
    now: datetime,
    action: str,
    row: dict[str, object],
    method: str | None,
    evidence: str,
    actor: str,
    reason: str,
) -> dict[str, object]:
    return {
        "at": now,
        "action": action,
        "customer_id": row.get("customer_id"),
        "platform": row.get("platform"),
        "author_id": row.get("author_id"),
        "method": method,
        "evidence": evidence,
        "actor": actor,
        "reason": reason,
    }


def _norm_name(name: str) -> str:
    return " ".join(sorted(re.sub(r"[^\w\s]", " ", name.lower()).split()))


def _fuzzy(
    messages: pl.DataFrame,
    customers: pl.DataFrame,
    stores: pl.DataFrame | None,
    skip: set[tuple[str, str]],
    allowed: set[str],
) -> list[dict[str, object]]:
    """Name + home-store city suggestions (never links)."""
    if "author_name" not in messages.columns or "name" not in customers.columns:
        return []
    if stores is None or "home_store" not in customers.columns or "city" not in stores.columns:
        return []
    city_of = dict(stores.select("store_id", "city").iter_rows())
    people = [
        (cid, _norm_name(name), (city_of.get(store) or "").lower())
        for cid, name, store in customers.select("customer_id", "name", "home_store").iter_rows()
        if name and cid in allowed and city_of.get(store)
    ]
    authors = (
        messages.filter(pl.col("author_name").is_not_null() & pl.col("author_id").is_not_null())
        .group_by("platform", "author_id")
        .agg(pl.col("author_name").first(), pl.col("text").fill_null("").str.join(" "))
    )
    # Compare only people sharing a name token with the author (blocking), not all pairs.
    by_token: dict[str, list[int]] = {}
    for i, (_cid, cname, _city) in enumerate(people):
        for tok in set(cname.split()):
            by_token.setdefault(tok, []).append(i)
    out: list[dict[str, object]] = []
    for platform, author, name, text in authors.iter_rows():
        if (platform, author) in skip:
            continue
        norm, low = _norm_name(name), text.lower()
        candidates = sorted({i for tok in norm.split() for i in by_token.get(tok, [])})
        for cid, cname, city in (people[i] for i in candidates):
            if city not in low:  # the cheap test first
                continue
            matcher = SequenceMatcher(None, norm, cname)
            if matcher.real_quick_ratio() < NAME_SIMILARITY:  # upper bounds of ratio()
                continue
            if matcher.quick_ratio() < NAME_SIMILARITY:
                continue
            score = matcher.ratio()
            if score >= NAME_SIMILARITY:
                out.append(
                    {
                        "customer_id": cid,
                        "platform": platform,
                        "author_id": author,
                        "score": round(score, 3),
                        "reason": f"name '{name}' ~ customer name and mentions {city}",
                    }
                )
    return out


def unlink(
    links: pl.DataFrame,
    customer_id: str,
    platform: str,
    author_id: str,
    *,
    actor: str,
    reason: str,
    now: datetime | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Remove one link; returns ``(links without it, audit event)``."""
    if not reason.strip():
        raise InputError("unlink needs a reason (it is kept in the audit log).", field="reason")
    key = (
        (pl.col("customer_id") == customer_id)
        & (pl.col("platform") == platform)
        & (pl.col("author_id") == author_id)
    )
    hit = links.filter(key)
    if hit.height == 0:
        raise NotFoundError(
            f"No link between customer {customer_id} and {platform} author {author_id}. "
            "List the customer's links to find the right one."
        )
    row = hit.row(0, named=True)
    event = _event(
        now or datetime.now(UTC),
        "unlink",
        row,
        row.get("method"),
        str(row.get("evidence") or ""),
        actor,
        reason,
    )
    return links.filter(~key), _frame([event], AUDIT_COLUMNS)


def confirm_suggestion(
    links: pl.DataFrame,
    suggestion: dict[str, object],
    *,
    actor: str,
    consents: pl.DataFrame | None,
    now: datetime | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """A person confirms a suggestion: it becomes a ``manual`` link (if the customer
    consented to profiling); returns ``(links with it, audit event)``."""
    now = now or datetime.now(UTC)
    if suggestion.get("customer_id") not in consenting_customers(consents):
        event = _event(
            now,
            "skip",
            suggestion,
            "manual",
            str(suggestion.get("reason", "")),
            actor,
            "the customer has not consented to profiling",
        )
        return links, _frame([event], AUDIT_COLUMNS)
    row = {
        "customer_id": suggestion["customer_id"],
        "platform": suggestion["platform"],
        "author_id": suggestion["author_id"],
        "method": "manual",
        "evidence": f"confirmed by {actor}: {suggestion.get('reason', '')}",
        "consent": True,
        "linked_at": now,
    }
    new = pl.concat([links, _frame([row], LINK_COLUMNS)], how="vertical_relaxed")
    event = _event(now, "confirm", row, "manual", str(row["evidence"]), actor, "")
    return new, _frame([event], AUDIT_COLUMNS)
