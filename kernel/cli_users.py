"""``suanpan users …``: create users, set passwords, issue API keys from the shell.

Creating a user and setting a password go through :mod:`kernel.useradmin`, the same
service as the Settings screens and ``/api/v1/_users``: the same rules, the same words.
"""

from __future__ import annotations

import difflib
import sys
from typing import Any

import click
from sqlalchemy import select

from kernel import useradmin
from kernel.apikeys import create_api_key
from kernel.cli_common import echo, instance_options, state
from kernel.env import Env
from kernel.errors import NotFound, ValidationError
from kernel.i18n import _


@click.group("users")
def users() -> None:
    """Manage users, passwords and API keys."""


def _user(env: Env, login: str) -> Any:
    User = env["res.user"]
    user = env.session.scalar(select(User).where(User.login == login))
    if user is None:
        raise NotFound(_("no user with login %(login)s", login=login))
    return user


def _password(given: str | None) -> str:
    """``--password``, else asked twice in a terminal, else the first line of standard input.

    Why not click's prompt alone: without a terminal (a script, a pipe that is
    empty) it ends with a bare "Aborted!", which tells the user nothing.
    """
    if given is None:
        if sys.stdin.isatty():
            given = click.prompt(
                str(_("Password")), hide_input=True, confirmation_prompt=True, default=""
            )
        else:
            given = sys.stdin.readline().rstrip("\r\n")
            if not given:
                raise ValidationError(
                    _(
                        "no password given: pass --password, pipe it on standard input, "
                        "or run the command in a terminal to be asked"
                    ),
                    field="password",
                )
    if not given:
        raise ValidationError(_("the password must not be empty"), field="password")
    return given


@users.command("create")
@click.argument("login")
@click.option("--name", required=True, help="Full name shown in the application.")
@click.option(
    "--password",
    default=None,
    help="Initial password (asked in a terminal when omitted, else read from standard input).",
)
@click.option("--group", "groups", multiple=True, metavar="XMLID", help="Group external id.")
@click.option("--lang", "user_lang", default="en", help="The user's language (en, zh_CN).")
@instance_options
def create(
    login: str, name: str, password: str | None, groups: tuple[str, ...], user_lang: str
) -> None:
    """Create user LOGIN, an internal user plus the groups given."""
    password = _password(password)
    instance = state().initialized()
    with instance.unit(None, su=True) as env:
        Group = env["res.group"]
        known: dict[str, int] = {
            xmlid: gid for xmlid, gid in env.session.execute(select(Group.xmlid, Group.id))
        }
        for xmlid in groups:
            if xmlid not in known:
                close = difflib.get_close_matches(xmlid, list(known), n=1)
                hint = _(" — did you mean %(name)s?", name=close[0]) if close else ""
                raise ValidationError(
                    _("unknown group %(xmlid)s%(hint)s", xmlid=xmlid, hint=hint), field="group"
                )
        values = {"login": login, "name": name, "lang": user_lang}
        user_id = useradmin.create_user(env, values, [known[x] for x in groups], password).id
    echo(_("Created user %(login)s (#%(id)s)", login=login, id=user_id))


@users.command("passwd")
@click.argument("login")
@click.option(
    "--password",
    default=None,
    help="New password (asked in a terminal when omitted, else read from standard input).",
)
@instance_options
def passwd(login: str, password: str | None) -> None:
    """Set the password of user LOGIN."""
    password = _password(password)
    instance = state().initialized()
    with instance.unit(None, su=True) as env:
        useradmin.set_password(env, _user(env, login).id, password)
    echo(_("Password of %(login)s changed.", login=login))


@users.command("api-key")
@click.argument("login")
@click.option("--name", default="", help="What the key is for (shown in the key list).")
@instance_options
def api_key(login: str, name: str) -> None:
    """Create an API key for LOGIN and print it once (only its hash is kept)."""
    instance = state().initialized()
    with instance.unit(None, su=True) as env:
        key = create_api_key(env, _user(env, login).id, name)
    echo(_("New API key for %(login)s (it is shown only this once):", login=login))
    click.echo(key)
