"""Vega-Lite specs for the pages (plain dicts; the browser renders them with vega-embed)."""

from __future__ import annotations

from typing import Any

SENTIMENT_COLORS = {
    "domain": ["negative", "neutral", "positive", "not enriched"],
    "range": ["#d64545", "#a0a8b8", "#2f9e6e", "#dde2ea"],
}
_BASE: dict[str, Any] = {
    "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
    "width": "container",
    "background": "transparent",
    "config": {
        "font": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif",
        "axis": {
            "labelColor": "#5b6475",
            "titleColor": "#5b6475",
            "gridColor": "#eef1f5",
            "domainColor": "#d5dae3",
        },
        "legend": {"labelColor": "#5b6475", "titleColor": "#5b6475", "orient": "bottom"},
        "view": {"stroke": None},
    },
}


def _spec(**parts: Any) -> dict[str, Any]:
    return {**_BASE, **parts}


def sentiment_trend(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return _spec(
        height=220,
        data={"values": rows},
        mark={"type": "area", "interpolate": "monotone", "opacity": 0.9},
        encoding={
            "x": {
                "field": "day",
                "type": "temporal",
                "timeUnit": "utcyearmonthdate",
                "title": None,
                "axis": {"format": "%b %d", "labelAngle": 0},
            },
            "y": {
                "field": "messages",
                "type": "quantitative",
                "stack": True,
                "title": "Inbound messages",
            },
            "color": {
                "field": "sentiment",
                "type": "nominal",
                "scale": SENTIMENT_COLORS,
                "title": "Sentiment",
            },
            "tooltip": [
                {"field": "day", "type": "nominal"},
                {"field": "sentiment"},
                {"field": "messages", "type": "quantitative"},
            ],
        },
    )


def platform_sentiment(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return _spec(
        height={"step": 26},
        data={"values": rows},
        mark={"type": "bar", "cornerRadiusEnd": 3},
        encoding={
            "y": {"field": "platform", "type": "nominal", "title": None, "sort": "-x"},
            "x": {
                "field": "messages",
                "type": "quantitative",
                "stack": "normalize",
                "title": "Share of messages",
                "axis": {"format": "%"},
            },
            "color": {
                "field": "sentiment",
                "type": "nominal",
                "scale": SENTIMENT_COLORS,
                "title": "Sentiment",
            },
            "tooltip": [
                {"field": "platform"},
                {"field": "sentiment"},
                {"field": "messages", "type": "quantitative"},
            ],
        },
    )


def weekday_hour(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return _spec(
        height=190,
        data={"values": rows},
        mark={"type": "rect", "cornerRadius": 2},
        encoding={
            "x": {"field": "hour", "type": "ordinal", "title": "Hour (UTC)"},
            "y": {
                "field": "weekday",
                "type": "ordinal",
                "title": None,
                "sort": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
            },
            "color": {
                "field": "messages",
                "type": "quantitative",
                "scale": {"scheme": "blues"},
                "title": "Messages",
                "legend": {"format": "d"},
            },
            "tooltip": [
                {"field": "weekday"},
                {"field": "hour"},
                {"field": "messages", "type": "quantitative"},
            ],
        },
    )


def aspects(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return _spec(
        height={"step": 24},
        data={"values": rows},
        mark={"type": "bar", "cornerRadiusEnd": 3},
        encoding={
            "y": {"field": "aspect", "type": "nominal", "title": None, "sort": "-x"},
            "x": {"field": "messages", "type": "quantitative", "title": "Mentions"},
            "color": {
                "field": "polarity",
                "type": "nominal",
                "scale": {"domain": ["negative", "positive"], "range": ["#d64545", "#2f9e6e"]},
                "title": "Said about it",
            },
            "tooltip": [
                {"field": "aspect"},
                {"field": "polarity"},
                {"field": "messages", "type": "quantitative"},
            ],
        },
    )


def priority_breakdown(lines: list[dict[str, Any]]) -> dict[str, Any]:
    return _spec(
        height={"step": 22},
        data={"values": lines},
        layer=[
            {
                "mark": {"type": "bar", "color": "#eef1f5", "cornerRadiusEnd": 3},
                "encoding": {"x": {"field": "max_points", "type": "quantitative"}},
            },
            {
                "mark": {"type": "bar", "color": "#3b6fd8", "cornerRadiusEnd": 3},
                "encoding": {"x": {"field": "points", "type": "quantitative", "title": "Points"}},
            },
        ],
        encoding={"y": {"field": "component", "type": "nominal", "title": None, "sort": None}},
    )
