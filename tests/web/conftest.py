from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import retailpulse
from _web_seed import PASSWORD, seed, settings
from retailpulse.engage import inbox_store
from retailpulse.web.app import create_app


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path_factory.mktemp('web') / 'web.db'}"
    ws = retailpulse.open(url, settings=settings())
    seed(ws.db)
    inbox_store.sync(ws.db)
    application = create_app(ws.settings, ws)
    yield application
    ws.close()


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([0-9a-f]+)"', html)
    assert m, "no CSRF token in the page"
    return m.group(1)


def login(client: TestClient, username: str) -> str:
    page = client.get("/login")
    token = csrf_of(page.text)
    r = client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": token, "next": "/"},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    return csrf_of(client.get("/account").text)


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app) as c:
        yield c


@pytest.fixture
def as_user(app):  # type: ignore[no-untyped-def]
    clients: list[TestClient] = []

    def make(username: str) -> tuple[TestClient, str]:
        c = TestClient(app)
        clients.append(c)
        return c, login(c, username)

    yield make
    for c in clients:
        c.close()


@pytest.fixture(scope="session")
def analyst(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app) as c:
        login(c, "analyst")
        yield c


@pytest.fixture
def root() -> Path:
    return Path(__file__).resolve().parents[2]
