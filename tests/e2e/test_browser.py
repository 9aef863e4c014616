"""What a person sees, in a real browser (Debian's chromium). Screenshots: test-artifacts/."""

from __future__ import annotations

from typing import Any

import pytest

from _web_seed import PASSWORD
from e2e.conftest import shot

pytestmark = pytest.mark.browser


def sign_in(page: Any, base: str, username: str = "admin") -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def test_login_page_and_wrong_password(page: Any, live_server: str) -> None:
    page.goto(f"{live_server}/inbox")
    assert "/login" in page.url
    shot(page, "01-login")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", "wrong password")
    page.click("button[type=submit]")
    assert page.locator(".flash.err").inner_text() == "Wrong username or password."


def test_overview_shows_questions_kpis_and_charts(page: Any, live_server: str) -> None:
    sign_in(page, live_server)
    page.wait_for_selector(".chart svg")
    assert page.locator(".q").count() == 5
    assert page.locator(".kpi").count() == 6
    assert page.locator(".chart svg").count() >= 3
    shot(page, "02-overview")


def test_listen_filters_and_chinese_search(page: Any, live_server: str) -> None:
    sign_in(page, live_server)
    page.goto(f"{live_server}/listen")
    page.select_option("select[name=sentiment]", "negative")
    page.wait_for_function("document.querySelectorAll('#stream .msg').length === 3")
    shot(page, "03-listen-negative")
    page.goto(f"{live_server}/listen")
    page.fill("input[name=q]", "质量")
    page.press("input[name=q]", "Enter")
    page.wait_for_function("document.querySelectorAll('#stream .msg').length === 1")
    assert "衬衫质量很好" in page.locator("#stream .msg .text").inner_text()


def test_payloads_are_inert_and_odd_text_renders(page: Any, live_server: str) -> None:
    sign_in(page, live_server)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{live_server}/listen?days=0")
    page.wait_for_selector("#stream .msg")
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#stream img[src=x]").count() == 0
    assert page.get_by_text("<script>window.__pwned=1</script>", exact=False).count() >= 1
    assert page.get_by_text("هذا المنتج رائع جدا", exact=False).count() == 1
    long_box = page.locator(".msg .text", has_text="very long message").first.bounding_box()
    assert long_box is not None and long_box["width"] <= 1360
    assert dialogs == []
    shot(page, "04-listen-hostile-text")


def test_inbox_top_conversation_why_reply_resolve(page: Any, live_server: str) -> None:
    sign_in(page, live_server, "agent")
    page.goto(f"{live_server}/inbox")
    shot(page, "05-inbox")
    first = page.locator(".conv").first
    subject = first.locator(".subject").inner_text()
    first.locator("a.open-conv").click()
    page.wait_for_selector(".why-card")
    assert page.locator(".why-table tr").count() == 7
    shot(page, "06-conversation")
    page.locator(".suggestion").first.click()
    assert page.input_value("#reply-text") != ""
    page.click("#composer button[type=submit]")
    page.wait_for_selector(".badge.out")
    assert "to send" in page.locator(".badge.out").first.inner_text()
    page.click("#resolve")
    page.wait_for_url(f"{live_server}/inbox")
    assert subject not in [s.inner_text() for s in page.locator(".conv .subject").all()]


def test_customer_360(page: Any, live_server: str) -> None:
    sign_in(page, live_server)
    page.goto(f"{live_server}/customers")
    page.fill("input[name=q]", "Alice")
    page.wait_for_function("document.querySelectorAll('#customer-rows tr').length === 1")
    page.click("#customer-rows a")
    page.wait_for_selector(".timeline")
    assert page.locator(".ident").count() == 1
    assert page.locator(".timeline li").count() >= 3
    shot(page, "07-customer-360")


def test_phone_layout(browser: Any, live_server: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    pg = context.new_page()
    sign_in(pg, live_server)
    pg.wait_for_selector(".chart svg")
    width = pg.evaluate("document.documentElement.scrollWidth")
    assert width <= 400
    shot(pg, "08-overview-phone")
    context.close()
