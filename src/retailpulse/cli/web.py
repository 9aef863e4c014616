"""Commands of the web app and the inbox: ``serve``, ``users add|list|token``, ``inbox sync``."""

from __future__ import annotations

from typing import Any

import click

from retailpulse.cli.options import (
    db_option,
    handle_errors,
    json_option,
    open_workspace,
    print_json,
)
from retailpulse.store.auth_tables import ROLES


def serve_workspace(
    ws: Any, *, host: str | None = None, port: int | None = None, demo: bool = False
) -> None:
    """Serve the app over an open Workspace. With ``demo``: create (or reset) the demo admin
    and print how to sign in (the demo's pipeline has already synced the inbox)."""
    import uvicorn

    from retailpulse.web import auth
    from retailpulse.web.app import create_app

    host = host or ws.settings.host
    port = port or ws.settings.port
    url = f"http://{host}:{port}"
    if demo:
        password = auth.ensure_demo_admin(ws.db)
        click.echo(f"Sign in at {url}/login as 'demo' with the password: {password}")
    elif not auth.list_users(ws.db):
        click.echo(
            "No users yet. Add one first: retailpulse users add admin --role admin", err=True
        )
    click.echo(f"retailpulse on {url}  (database {ws.db.safe_url}); Ctrl+C stops it.")
    uvicorn.run(create_app(ws.settings, ws, warm=True), host=host, port=port, log_level="warning")


@click.command()
@click.option("--host", default=None, help="Address to listen on (setting 'host').")
@click.option("--port", type=int, default=None, help="Port to listen on (setting 'port').")
@db_option
@handle_errors
def serve(host: str | None, port: int | None, db_url: str | None) -> None:
    """Serve the dashboard, inbox and API (http://HOST:PORT)."""
    serve_workspace(open_workspace(db_url), host=host, port=port)


@click.group()
def users() -> None:
    """Manage the people who sign in to the web app."""


@users.command("add")
@click.argument("username")
@click.option(
    "--role",
    type=click.Choice(ROLES),
    required=True,
    help="admin: everything; analyst: read all; agent: inbox; store: own store only.",
)
@click.option("--name", default=None, help="Full name shown in the app.")
@click.option("--store", "store_id", default=None, help="Store id (required for role 'store').")
@click.option(
    "--password", default=None, help="Password (8+ characters); asked for when not given."
)
@click.option(
    "--language",
    type=click.Choice(["en", "id", "zh"]),
    default="en",
    show_default=True,
    help="Language of the user interface.",
)
@db_option
@handle_errors
def users_add(
    username: str,
    role: str,
    name: str | None,
    store_id: str | None,
    password: str | None,
    language: str,
    db_url: str | None,
) -> None:
    """Add a user who can sign in to the web app."""
    from retailpulse.web import auth

    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    ws = open_workspace(db_url)
    user = auth.create_user(
        ws.db, username, password, role, name=name, store_id=store_id, language=language
    )
    ws.db.audit("cli", "user.create", user.username, role=role)
    click.echo(
        f"Added {user.username} ({user.role}). Sign in at "
        f"http://{ws.settings.host}:{ws.settings.port}/login"
    )


@users.command("list")
@db_option
@json_option
@handle_errors
def users_list(db_url: str | None, as_json: bool) -> None:
    """List the users."""
    from retailpulse.web import auth

    found = [u.public() for u in auth.list_users(open_workspace(db_url).db)]
    if as_json:
        print_json(found)
        return
    for u in found:
        store = f" store {u['store_id']}" if u["store_id"] else ""
        click.echo(f"{u['username']:<20} {u['role']:<8}{store}")


@users.command("token")
@click.argument("username")
@click.option("--name", required=True, help="What will use the token (shown in the app).")
@db_option
@handle_errors
def users_token(username: str, name: str, db_url: str | None) -> None:
    """Create an API token for USERNAME and print it (shown once)."""
    import sqlalchemy as sa

    from retailpulse.errors import NotFoundError
    from retailpulse.store.auth_tables import users as users_table
    from retailpulse.web import auth

    ws = open_workspace(db_url)
    with ws.db.engine.connect() as conn:
        uid = conn.execute(
            sa.select(users_table.c.id).where(users_table.c.username == username)
        ).scalar()
    if uid is None:
        raise NotFoundError(f"There is no user {username!r}. Add one with `retailpulse users add`.")
    raw = auth.create_token(ws.db, auth.get_user(ws.db, int(uid)), name)
    ws.db.audit("cli", "token.create", username, name=name)
    click.echo(raw)


@click.group()
def inbox() -> None:
    """The engagement inbox."""


@inbox.command("sync")
@click.option(
    "--days",
    type=float,
    default=30.0,
    show_default=True,
    help="How many days of messages (before the newest) to group into conversations.",
)
@click.option(
    "--window-hours",
    type=float,
    default=48.0,
    show_default=True,
    help="Messages of one author on one channel within this gap form one conversation.",
)
@db_option
@json_option
@handle_errors
def inbox_sync(days: float, window_hours: float, db_url: str | None, as_json: bool) -> None:
    """Turn inbound messages that need an answer into inbox conversations."""
    from rich.console import Console

    from retailpulse.engage import inbox_store
    from retailpulse.web.backend import Backend

    ws = open_workspace(db_url)
    with Console(stderr=True).status("Grouping messages into conversations…"):
        values = Backend(ws.db, ws.settings, ws).customer_values()
        counts = inbox_store.sync(
            ws.db, days=days, window_hours=window_hours, customer_values=values
        )
    ws.db.audit("cli", "inbox.sync", None, **counts)
    if as_json:
        print_json(counts)
    else:
        click.echo(
            f"{counts['created']:,} new and {counts['updated']:,} updated conversations "
            f"from {counts['messages']:,} messages."
        )


def register(group: click.Group) -> None:
    group.add_command(serve)
    group.add_command(users)
    group.add_command(inbox)
