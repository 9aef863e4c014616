"""Users, passwords, sessions, API tokens, roles and the login rate limit.

Passwords are argon2 hashes. A session id and an API token are random strings given to the
client once; the store keeps only their SHA-256 digest. The session cookie carries the id
signed with the app's secret (itsdangerous), so a forged or altered cookie is refused before
the database is asked.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from retailpulse.errors import InputError, NotFoundError
from retailpulse.store.auth_tables import ROLES, api_tokens, sessions, users
from retailpulse.store.database import Database, utcnow

SESSION_DAYS = 7
MIN_PASSWORD = 8
_USERNAME = re.compile(r"^[A-Za-z0-9_.@-]{2,100}$")
_hasher = PasswordHasher()

#: Which roles may use each area of the app. ``store`` users see only their own store's data.
AREAS: dict[str, frozenset[str]] = {
    "overview": frozenset({"admin", "analyst", "agent", "store"}),
    "listen": frozenset({"admin", "analyst", "agent", "store"}),
    "understand": frozenset({"admin", "analyst"}),
    "customers": frozenset({"admin", "analyst", "agent", "store"}),
    "inbox": frozenset({"admin", "analyst", "agent", "store"}),
    "inbox_act": frozenset({"admin", "agent", "store"}),
    "alerts": frozenset({"admin", "analyst", "agent"}),
    "settings": frozenset({"admin"}),
    "account": frozenset({"admin", "analyst", "agent", "store"}),
}


@dataclass(frozen=True)
class User:
    id: int
    username: str
    name: str
    role: str
    store_id: str | None
    language: str

    def can(self, area: str) -> bool:
        return self.role in AREAS[area]

    @property
    def store_scope(self) -> str | None:
        """The store this user is limited to (store staff), else None."""
        return self.store_id if self.role == "store" else None

    def public(self) -> dict[str, object]:
        return {
            "id": self.id,
            "username": self.username,
            "name": self.name,
            "role": self.role,
            "store_id": self.store_id,
            "language": self.language,
        }


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _user(row: sa.Row[tuple[object, ...]]) -> User:
    m = row._mapping
    return User(
        id=int(m["id"]),
        username=str(m["username"]),
        name=str(m["name"] or m["username"]),
        role=str(m["role"]),
        store_id=m["store_id"],
        language=str(m["language"] or "en"),
    )


def validate_new_user(username: str, password: str, role: str, store_id: str | None) -> None:
    if not _USERNAME.match(username or ""):
        raise InputError(
            f"The username must be 2-100 letters, digits or . _ @ -. Got {username!r} instead.",
            field="username",
        )
    if role not in ROLES:
        raise InputError(
            f"The 'role' must be one of {set(ROLES)}. Got {role!r} instead.", field="role"
        )
    if len(password or "") < MIN_PASSWORD:
        raise InputError(
            f"The password must have at least {MIN_PASSWORD} characters. "
            f"Got {len(password or '')} instead.",
            field="password",
        )
    if role == "store" and not store_id:
        raise InputError(
            "A user with the role 'store' needs a store id (--store STORE_ID): store staff "
            "see only their own store.",
            field="store_id",
        )


def create_user(
    db: Database,
    username: str,
    password: str,
    role: str,
    *,
    name: str | None = None,
    store_id: str | None = None,
    language: str = "en",
) -> User:
    """Add a user; the username must be new."""
    validate_new_user(username, password, role, store_id)
    with db.begin() as conn:
        exists = conn.execute(sa.select(users.c.id).where(users.c.username == username)).first()
        if exists:
            raise InputError(
                f"A user named {username!r} already exists. Choose another username.",
                field="username",
            )
        conn.execute(
            sa.insert(users).values(
                username=username,
                name=name or username,
                password_hash=_hasher.hash(password),
                role=role,
                store_id=store_id if role == "store" else store_id or None,
                language=language,
                active=True,
                created_at=utcnow(),
            )
        )
        row = conn.execute(sa.select(users).where(users.c.username == username)).one()
    return _user(row)


def set_password(db: Database, username: str, password: str) -> None:
    """Replace a user's password (and end their sessions)."""
    if len(password or "") < MIN_PASSWORD:
        raise InputError(
            f"The password must have at least {MIN_PASSWORD} characters. "
            f"Got {len(password or '')} instead.",
            field="password",
        )
    with db.begin() as conn:
        uid = conn.execute(sa.select(users.c.id).where(users.c.username == username)).scalar()
        if uid is None:
            raise NotFoundError(
                f"There is no user {username!r}. Add one with `retailpulse users add`."
            )
        conn.execute(
            sa.update(users).where(users.c.id == uid).values(password_hash=_hasher.hash(password))
        )
        conn.execute(sa.delete(sessions).where(sessions.c.user_id == uid))


def ensure_demo_admin(db: Database, username: str = "demo") -> str:
    """Create (or reset) the demo admin with a fresh random password; returns the password."""
    password = secrets.token_urlsafe(9)
    with db.engine.connect() as conn:
        exists = conn.execute(sa.select(users.c.id).where(users.c.username == username)).first()
    if exists:
        set_password(db, username, password)
    else:
        create_user(db, username, password, "admin", name="Demo admin")
    return password


def list_users(db: Database) -> list[User]:
    with db.engine.connect() as conn:
        rows = conn.execute(sa.select(users).where(users.c.active).order_by(users.c.username))
        return [_user(r) for r in rows]


def get_user(db: Database, user_id: int) -> User:
    with db.engine.connect() as conn:
        row = conn.execute(sa.select(users).where(users.c.id == user_id)).first()
    if row is None:
        raise NotFoundError(f"There is no user with id {user_id}. See the users in Settings.")
    return _user(row)


def authenticate(db: Database, username: str, password: str) -> User | None:
    """The user if the password matches, else None (same work either way)."""
    with db.engine.connect() as conn:
        row = conn.execute(
            sa.select(users).where(users.c.username == username, users.c.active)
        ).first()
    stored = row._mapping["password_hash"] if row is not None else _DUMMY_HASH
    try:
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None:
        return None
    with db.begin() as conn:
        conn.execute(sa.update(users).where(users.c.id == row.id).values(last_login_at=utcnow()))
    return _user(row)


_DUMMY_HASH = _hasher.hash(secrets.token_hex(8))


def create_session(db: Database, user: User, ip: str | None) -> str:
    raw = secrets.token_urlsafe(32)
    now = utcnow()
    with db.begin() as conn:
        conn.execute(
            sa.insert(sessions).values(
                id_hash=_digest(raw),
                user_id=user.id,
                created_at=now,
                expires_at=now + timedelta(days=SESSION_DAYS),
                ip=ip,
            )
        )
    return raw


def session_user(db: Database, raw: str) -> User | None:
    with db.engine.connect() as conn:
        row = conn.execute(
            sa.select(users)
            .join(sessions, sessions.c.user_id == users.c.id)
            .where(
                sessions.c.id_hash == _digest(raw),
                sessions.c.expires_at > utcnow(),
                users.c.active,
            )
        ).first()
    return None if row is None else _user(row)


def end_session(db: Database, raw: str) -> None:
    with db.begin() as conn:
        conn.execute(sa.delete(sessions).where(sessions.c.id_hash == _digest(raw)))


def create_token(db: Database, user: User, name: str) -> str:
    """A new API token for ``user``; the raw value is shown once."""
    if not name.strip():
        raise InputError("Give the API token a name (what uses it).", field="name")
    prefix = secrets.token_hex(4)
    raw = f"rp_{prefix}_{secrets.token_urlsafe(32)}"
    with db.begin() as conn:
        conn.execute(
            sa.insert(api_tokens).values(
                user_id=user.id,
                name=name.strip()[:200],
                token_hash=_digest(raw),
                prefix=prefix,
                created_at=utcnow(),
            )
        )
    return raw


def token_user(db: Database, raw: str) -> User | None:
    with db.engine.connect() as conn:
        row = conn.execute(
            sa.select(users, api_tokens.c.id.label("token_id"))
            .join(api_tokens, api_tokens.c.user_id == users.c.id)
            .where(
                api_tokens.c.token_hash == _digest(raw),
                api_tokens.c.revoked_at.is_(None),
                users.c.active,
            )
        ).first()
    if row is None:
        return None
    with db.begin() as conn:
        conn.execute(
            sa.update(api_tokens)
            .where(api_tokens.c.id == row.token_id)
            .values(last_used_at=utcnow())
        )
    return _user(row)


def list_tokens(db: Database, user: User) -> list[dict[str, object]]:
    with db.engine.connect() as conn:
        rows = conn.execute(
            sa.select(api_tokens)
            .where(api_tokens.c.user_id == user.id, api_tokens.c.revoked_at.is_(None))
            .order_by(api_tokens.c.created_at.desc())
        )
        return [dict(r._mapping) for r in rows]


def revoke_token(db: Database, user: User, token_id: int) -> None:
    with db.begin() as conn:
        done = conn.execute(
            sa.update(api_tokens)
            .where(api_tokens.c.id == token_id, api_tokens.c.user_id == user.id)
            .values(revoked_at=utcnow())
        )
    if done.rowcount == 0:
        raise NotFoundError(
            f"There is no API token {token_id} of yours. See Settings → API tokens."
        )


class LoginLimiter:
    """At most ``max_failures`` failed logins per client address and per username within
    ``window_seconds``; a success clears the username's count."""

    def __init__(self, max_failures: int = 5, window_seconds: float = 900.0) -> None:
        self.max_failures = max_failures
        self.window_seconds = window_seconds
        self._failures: dict[str, deque[float]] = defaultdict(deque)

    def _recent(self, key: str, now: float) -> deque[float]:
        q = self._failures[key]
        while q and now - q[0] > self.window_seconds:
            q.popleft()
        return q

    def retry_after(self, ip: str, username: str, now: float | None = None) -> float:
        """Seconds to wait before another try; 0 when allowed."""
        now = time.monotonic() if now is None else now
        waits = [
            self.window_seconds - (now - q[0])
            for key in (f"ip:{ip}", f"user:{username.lower()}")
            if len(q := self._recent(key, now)) >= self.max_failures
        ]
        return max(waits, default=0.0)

    def failed(self, ip: str, username: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        self._failures[f"ip:{ip}"].append(now)
        self._failures[f"user:{username.lower()}"].append(now)

    def succeeded(self, username: str) -> None:
        self._failures.pop(f"user:{username.lower()}", None)


def last_login(db: Database, user: User) -> datetime | None:
    with db.engine.connect() as conn:
        value = conn.execute(
            sa.select(users.c.last_login_at).where(users.c.id == user.id)
        ).scalar_one_or_none()
    return value
