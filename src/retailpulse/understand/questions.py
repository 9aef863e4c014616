"""The five questions a retailer must answer, each with numbers, confidence and evidence.

1. How well does the retailer know its customers' profiles?
2. What are their behaviour patterns?
3. Are customers satisfied?
4. Are their needs and preferences met?
5. Which strategies work to compete?

Each :class:`Answer` has a short verdict, its key numbers, a confidence in [0, 1] that measures
data coverage (how much of what the answer needs is there), the supporting message and customer
ids, and, when doubtful, the reasons and the data that would remove the doubt. Missing inputs
never stop an answer: they make it doubtful and say what to import.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import timedelta
from typing import Any

import numpy as np
import polars as pl

from retailpulse.understand.behaviour import (
    activity_heatmap,
    campaign_effects,
    channel_preference,
    content_engagement,
    peak_times,
)
from retailpulse.understand.inputs import (
    Moment,
    customer_attributes,
    enriched_share,
    in_period,
    inbound,
    require_enriched,
    slim,
)
from retailpulse.understand.needs import (
    aspect_importance_performance,
    first_responses,
    unmet_needs,
    unstocked_requests,
)
from retailpulse.understand.satisfaction import csat, net_sentiment, nps, sentiment_trend
from retailpulse.understand.stats import bootstrap_mean_diff, coverage_level

QUESTIONS = (
    "How well does the retailer know its customers' profiles?",
    "What are their behaviour patterns?",
    "Are customers satisfied?",
    "Are their needs and preferences met?",
    "Which strategies work to compete?",
)
DAYS = ("", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass
class Answer:
    """One question's answer with its evidence."""

    number: int
    question: str
    verdict: str
    numbers: dict[str, Any]
    confidence: float
    message_ids: list[int] = field(default_factory=list)
    customer_ids: list[str] = field(default_factory=list)
    doubts: list[str] = field(default_factory=list)
    remedies: list[str] = field(default_factory=list)

    @property
    def confidence_level(self) -> str:
        return coverage_level(self.confidence)

    @property
    def doubtful(self) -> bool:
        return bool(self.doubts) or self.confidence < 0.3

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["confidence_level"] = self.confidence_level
        out["doubtful"] = self.doubtful
        return out


@dataclass
class Inputs:
    """The frames the questions read; only ``messages`` is required."""

    messages: pl.DataFrame
    customers: pl.DataFrame | None = None
    transactions: pl.DataFrame | None = None
    surveys: pl.DataFrame | None = None
    campaigns: pl.DataFrame | None = None
    identities: pl.DataFrame | None = None
    customer360: pl.DataFrame | None = None
    products: pl.DataFrame | None = None


def _empty(frame: pl.DataFrame | None) -> bool:
    return frame is None or frame.is_empty()


def _saturate(n: float, full: float) -> float:
    return float(min(1.0, n / full)) if full > 0 else 0.0


def answer_profiles(data: Inputs, since: Moment = None, until: Moment = None) -> Answer:
    """Q1: linked identities coverage, segment sizes and what defines them."""
    msgs = inbound(in_period(require_enriched(data.messages), "created_at", since, until))
    doubts, remedies = [], []
    n_customers = 0 if _empty(data.customers) else data.customers.height  # type: ignore[union-attr]
    attrs = customer_attributes(data.customers, data.customer360)
    if n_customers == 0:
        n_customers = attrs.height
    linked_customers = 0
    if not _empty(data.identities):
        linked_customers = data.identities["customer_id"].n_unique()  # type: ignore[index]
    elif msgs.height:
        linked_customers = msgs["customer_id"].drop_nulls().n_unique()
    linked_msg_share = msgs["customer_id"].is_not_null().sum() / msgs.height if msgs.height else 0.0
    known_segment = attrs.filter(pl.col("segment").is_not_null())
    sizes = known_segment.group_by("segment").agg(pl.len().alias("customers"))
    if not known_segment.is_empty() and "clv" in known_segment.columns:
        sizes = sizes.join(
            known_segment.group_by("segment").agg(pl.col("clv").mean().alias("mean_clv")),
            on="segment",
        )
    segment_share = known_segment.height / n_customers if n_customers else 0.0
    identity_share = linked_customers / n_customers if n_customers else 0.0
    if n_customers == 0:
        doubts.append("No customer records: profiles cannot be built.")
        remedies.append("Import customers (CRM or loyalty export): `retailpulse import customers`.")
    if linked_msg_share < 0.3:
        doubts.append(
            f"Only {linked_msg_share:.0%} of messages come from customers we can identify."
        )
        remedies.append(
            "Link social authors to customers: import identities (logins, order matches)."
        )
    if segment_share < 0.5:
        doubts.append(f"Only {segment_share:.0%} of customers have a segment.")
        remedies.append("Compute segments and CLV: run `retailpulse customers`.")
    confidence = float(
        np.mean([linked_msg_share, min(1.0, segment_share), min(1.0, identity_share)])
    )
    level = coverage_level(confidence)
    verdict = {
        "high": "Profiles are well known",
        "medium": "Profiles are partly known",
        "low": "Profiles are poorly known",
    }[level]
    top = (
        msgs.filter(pl.col("customer_id").is_not_null())
        .group_by("customer_id")
        .agg(pl.len().alias("n"))
        .sort(["n", "customer_id"], descending=[True, False])
        .head(10)
    )
    return Answer(
        1,
        QUESTIONS[0],
        f"{verdict}: {linked_msg_share:.0%} of messages are from identified customers, "
        f"{sizes.height} segments cover {segment_share:.0%} of customers.",
        {
            "customers": n_customers,
            "identified_customers": linked_customers,
            "identified_customer_share": identity_share,
            "identified_message_share": linked_msg_share,
            "segment_coverage": segment_share,
            "segments": sizes.sort("customers", descending=True).to_dicts(),
        },
        confidence,
        customer_ids=top["customer_id"].to_list(),
        doubts=doubts,
        remedies=remedies,
    )


def answer_behaviour(data: Inputs, since: Moment = None, until: Moment = None) -> Answer:
    """Q2: when, where and in what format customers engage and buy."""
    msgs = inbound(in_period(require_enriched(data.messages), "created_at", since, until))
    doubts, remedies = [], []
    numbers: dict[str, Any] = {"messages": msgs.height}
    parts = []
    if msgs.is_empty():
        doubts.append("No customer messages in the period.")
        remedies.append("Widen --since/--until or connect more channels (`retailpulse sources`).")
    else:
        heat = activity_heatmap(data.messages, data.transactions, since=since, until=until)
        peaks = peak_times(heat, 1)
        for row in peaks.iter_rows(named=True):
            slot = f"{DAYS[row['weekday']]} {row['hour']:02d}:00 UTC"
            numbers[f"peak_{row['activity']}"] = slot
            parts.append(f"{'post' if row['activity'] == 'post' else 'buy'} most on {slot}")
        chans = channel_preference(data.messages, data.transactions, since=since, until=until)
        top_chan = chans.filter((pl.col("segment") == "all") & (pl.col("activity") == "post")).head(
            1
        )
        if top_chan.height:
            numbers["top_channel"] = top_chan["channel"][0]
            numbers["top_channel_share"] = top_chan["share"][0]
            parts.append(f"talk most on {top_chan['channel'][0]} ({top_chan['share'][0]:.0%})")
        content = content_engagement(data.messages, since=since, until=until)
        numbers["content_formats"] = content.to_dicts()
        if content.height:
            parts.append(f"engage most with {content['format'][0]} posts")
        else:
            doubts.append("No brand posts with engagement counts in the period.")
            remedies.append(
                "Connect the brand's own accounts so its posts and their likes are imported."
            )
    if _empty(data.transactions):
        doubts.append("No transactions: buying patterns are unknown.")
        remedies.append("Import orders: `retailpulse import transactions`.")
    coverage = [_saturate(msgs.height, 1_000), 0.0 if _empty(data.transactions) else 1.0]
    active = (
        msgs.filter(pl.col("customer_id").is_not_null())
        .group_by("customer_id")
        .agg(pl.len().alias("n"))
        .sort(["n", "customer_id"], descending=[True, False])
        .head(10)
    )
    return Answer(
        2,
        QUESTIONS[1],
        ("Customers " + ", ".join(parts) + ".") if parts else "Behaviour patterns are unknown.",
        numbers,
        float(np.mean(coverage)),
        customer_ids=active["customer_id"].to_list(),
        doubts=doubts,
        remedies=remedies,
    )


def answer_satisfaction(data: Inputs, since: Moment = None, until: Moment = None) -> Answer:
    """Q3: sentiment index, NPS/CSAT, by aspect and over time."""
    msgs = inbound(in_period(require_enriched(data.messages), "created_at", since, until))
    doubts, remedies = [], []
    numbers: dict[str, Any] = {"messages": msgs.height}
    overall = net_sentiment(data.messages, since=since, until=until)
    evidence: list[int] = []
    verdict = "Satisfaction is unknown"
    if overall.is_empty():
        doubts.append("No customer messages in the period.")
        remedies.append("Widen --since/--until or connect more channels.")
    else:
        row = overall.row(0, named=True)
        numbers.update(nsi=row["nsi"], nsi_lo=row["nsi_lo"], nsi_hi=row["nsi_hi"])
        by_aspect = net_sentiment(data.messages, ["aspect"], since=since, until=until)
        by_aspect = by_aspect.filter(pl.col("n") >= 20).sort("nsi")
        numbers["by_aspect"] = by_aspect.select("aspect", "n", "nsi", "nsi_lo", "nsi_hi").to_dicts()
        trend = sentiment_trend(data.messages, since=since, until=until)
        numbers["significant_changes"] = (
            trend.filter(pl.col("significant")).select("period", "nsi", "change").to_dicts()
        )
        if row["nsi_lo"] > 0:
            verdict = "Customers are satisfied"
        elif row["nsi_hi"] < 0:
            verdict = "Customers are dissatisfied"
        else:
            verdict = "Satisfaction is mixed"
        verdict += (
            f" (net sentiment {row['nsi']:+.0f}, {row['nsi_lo']:+.0f} to {row['nsi_hi']:+.0f})"
        )
        if by_aspect.height:
            worst = by_aspect.row(0, named=True)
            verdict += f"; weakest aspect: {worst['aspect']} ({worst['nsi']:+.0f})"
            evidence = (
                msgs.filter(
                    pl.col("aspects").str.contains(f"{worst['aspect']}:negative", literal=True)
                )
                .sort("author_followers", descending=True, nulls_last=True)
                .head(10)["id"]
                .to_list()
            )
    survey_cov = 0.0
    surveys = data.surveys
    if _empty(surveys):
        doubts.append(
            "No surveys: NPS and CSAT are unknown, satisfaction rests on social messages only."
        )
        remedies.append("Import NPS/CSAT survey answers: `retailpulse import surveys`.")
    else:
        assert surveys is not None
        if "nps" in surveys.columns:
            n_table = nps(surveys, since=since, until=until)
            if n_table.height:
                r = n_table.row(0, named=True)
                numbers.update(nps=r["nps"], nps_lo=r["nps_lo"], nps_hi=r["nps_hi"], nps_n=r["n"])
                verdict += f"; NPS {r['nps']:+.0f}"
                survey_cov = _saturate(r["n"], 200)
        if "csat" in surveys.columns:
            c_table = csat(surveys, since=since, until=until)
            if c_table.height:
                r = c_table.row(0, named=True)
                numbers.update(csat=r["csat"], csat_lo=r["csat_lo"], csat_hi=r["csat_hi"])
        if survey_cov == 0.0:
            doubts.append("No survey answers in the period.")
            remedies.append("Import recent NPS/CSAT survey answers.")
    confidence = float(np.mean([_saturate(msgs.height, 400), survey_cov]))
    return Answer(
        3,
        QUESTIONS[2],
        verdict + ".",
        numbers,
        confidence,
        message_ids=evidence,
        doubts=doubts,
        remedies=remedies,
    )


def answer_needs(data: Inputs, since: Moment = None, until: Moment = None) -> Answer:
    """Q4: requested and complained-about aspects, unmet needs, unanswered messages."""
    msgs = inbound(in_period(require_enriched(data.messages), "created_at", since, until))
    doubts, remedies = [], []
    numbers: dict[str, Any] = {"messages": msgs.height}
    if msgs.is_empty():
        return Answer(
            4,
            QUESTIONS[3],
            "Needs are unknown: no customer messages in the period.",
            numbers,
            0.0,
            doubts=["No customer messages in the period."],
            remedies=["Widen --since/--until or connect more channels."],
        )
    ip = aspect_importance_performance(data.messages, since=since, until=until)
    fix = ip.filter(pl.col("quadrant") == "fix first")
    unmet = unmet_needs(data.messages, since=since, until=until)
    asks = msgs.filter(pl.col("intents").str.contains("complaint|request|question")).height
    unmet_share = unmet.height / asks if asks else 0.0
    unstocked = unstocked_requests(data.messages, data.products, since=since, until=until)
    numbers.update(
        fix_first=fix["aspect"].to_list(),
        importance_performance=ip.select("aspect", "importance", "nsi", "quadrant").to_dicts(),
        asks=asks,
        unmet=unmet.height,
        unmet_share=unmet_share,
        unanswered=int((unmet["status"] == "unanswered").sum()) if unmet.height else 0,
        unstocked_top=unstocked.head(5)
        .select("product", "asks", "availability_complaints")
        .to_dicts(),
    )
    if unmet_share < 0.1 and fix.is_empty():
        verdict = "Needs are largely met"
    elif unmet_share < 0.3:
        verdict = "Needs are partly met"
    else:
        verdict = "Many needs are unmet"
    verdict += (
        f": {unmet_share:.0%} of {asks} complaints, requests and questions got no timely reply"
    )
    if fix.height:
        verdict += f"; fix first: {', '.join(fix['aspect'].to_list())}"
    if data.messages.filter(pl.col("direction") == "outbound").is_empty():
        doubts.append("No brand replies were imported, so every ask looks unanswered.")
        remedies.append("Import the brand's outbound replies (connect the brand accounts).")
    confidence = float(np.mean([_saturate(msgs.height, 400), _saturate(asks, 100)]))
    return Answer(
        4,
        QUESTIONS[3],
        verdict + ".",
        numbers,
        confidence,
        message_ids=unmet.head(10)["id"].to_list(),
        customer_ids=unmet["customer_id"]
        .drop_nulls()
        .unique(maintain_order=True)
        .head(10)
        .to_list(),
        doubts=doubts,
        remedies=remedies,
    )


def answer_strategies(data: Inputs, since: Moment = None, until: Moment = None) -> Answer:
    """Q5: which campaigns, content and responses moved engagement and loyalty vs a baseline."""
    doubts, remedies = [], []
    numbers: dict[str, Any] = {}
    worked: list[str] = []
    coverage: list[float] = []
    campaigns = data.campaigns
    if not _empty(campaigns):
        assert campaigns is not None
        camps = in_period(campaigns, "start", since, until)
        effects = campaign_effects(
            camps,
            transactions=data.transactions,
            messages=data.messages,
            customers=data.customers,
            customer360=data.customer360,
        )
        numbers["campaigns"] = effects.to_dicts()
        for r in (
            effects.filter(pl.col("ratio").is_null()).unique("campaign_id").iter_rows(named=True)
        ):
            doubts.append(f"Campaign '{r['name']}': {r['baseline']}.")
            remedies.append(
                "Compute segments (`retailpulse customers`) or give campaigns a target_segment "
                "that names a segment, tier or country."
            )
        for r in effects.filter(pl.col("lo") > 1).iter_rows(named=True):
            worked.append(f"campaign '{r['name']}' raised {r['metric']} x{r['ratio']:.2f}")
        coverage.append(1.0 if effects.height else 0.0)
        if effects.is_empty():
            doubts.append("No campaign with dates in the period.")
            remedies.append("Import campaigns with start/end dates and target segments.")
    else:
        coverage.append(0.0)
        doubts.append("No campaigns: their effect cannot be measured.")
        remedies.append("Import campaigns with start/end, target segment and control share.")
    content = content_engagement(data.messages, since=since, until=until)
    numbers["content"] = content.to_dicts()
    coverage.append(_saturate(float(content["n"].sum()) if content.height else 0.0, 50))
    mean_rate = None
    if content.height:
        for r in content.iter_rows(named=True):
            if mean_rate is None:
                mean_rate = r["rate"] / r["lift"] if r["lift"] else None
            if mean_rate is not None and r["rate_lo"] is not None and r["rate_lo"] > mean_rate:
                worked.append(f"{r['format']} posts draw x{r['lift']:.2f} the average engagement")
    responses = _response_effect(data, since, until)
    numbers["fast_response"] = responses
    if responses:
        coverage.append(1.0)
        if responses["diff_lo"] > 0:
            worked.append(f"answering within 24h lifts repeat purchase by {responses['diff']:+.0%}")
    else:
        coverage.append(0.0)
    if _empty(data.transactions):
        doubts.append("No transactions: effects on loyalty (purchases) cannot be measured.")
        remedies.append("Import orders: `retailpulse import transactions`.")
    verdict = (
        "What works: " + "; ".join(worked)
        if worked
        else "No strategy shows an effect beyond its baseline yet"
    )
    return Answer(
        5,
        QUESTIONS[4],
        verdict + ".",
        numbers,
        float(np.mean(coverage)),
        doubts=doubts,
        remedies=remedies,
    )


def _response_effect(data: Inputs, since: Moment, until: Moment) -> dict[str, Any]:
    """Repeat purchase in the 30 days after a message: answered within 24h vs not."""
    if _empty(data.transactions):
        return {}
    assert data.transactions is not None
    resp = in_period(first_responses(data.messages), "created_at", since, until).filter(
        pl.col("customer_id").is_not_null()
    )
    if resp.is_empty():
        return {}
    first = (
        resp.sort("created_at")
        .group_by("customer_id")
        .agg(pl.col("created_at").first(), pl.col("response_hours").first())
    )
    tx = data.transactions.select("customer_id", pl.col("created_at").alias("t"))
    bought = (
        first.join(tx, on="customer_id", how="inner")
        .filter(
            (pl.col("t") > pl.col("created_at"))
            & (pl.col("t") <= pl.col("created_at") + timedelta(days=30))
        )
        .select("customer_id")
        .unique()
        .with_columns(pl.lit(1.0).alias("bought"))
    )
    frame = first.join(bought, on="customer_id", how="left").with_columns(
        pl.col("bought").fill_null(0.0)
    )
    fast = frame.filter(pl.col("response_hours").is_not_null() & (pl.col("response_hours") <= 24))
    slow = frame.filter(pl.col("response_hours").is_null() | (pl.col("response_hours") > 24))
    if fast.height < 10 or slow.height < 10:
        return {}
    diff, lo, hi = bootstrap_mean_diff(
        fast["bought"].to_numpy(), slow["bought"].to_numpy(), n_boot=300
    )
    return {
        "fast_customers": fast.height,
        "slow_customers": slow.height,
        "fast_repeat": float(fast["bought"].mean()),  # type: ignore[arg-type]
        "slow_repeat": float(slow["bought"].mean()),  # type: ignore[arg-type]
        "diff": diff,
        "diff_lo": lo,
        "diff_hi": hi,
    }


def answer_questions(data: Inputs, since: Moment = None, until: Moment = None) -> list[Answer]:
    """All five answers; raises the enrichment error first if messages are not enriched."""
    share = enriched_share(data.messages)
    data = replace(data, messages=slim(data.messages, text=False))
    answers = [
        answer_profiles(data, since, until),
        answer_behaviour(data, since, until),
        answer_satisfaction(data, since, until),
        answer_needs(data, since, until),
        answer_strategies(data, since, until),
    ]
    if share < 0.95:
        for a in answers:
            a.doubts.append(f"Only {share:.0%} of messages are enriched.")
            a.remedies.append("Run `retailpulse enrich` to enrich the rest.")
    return answers
