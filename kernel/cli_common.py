"""What every ``suanpan`` command shares: which database, which addons, which language, errors.

Each command accepts ``--db`` and ``--addons-path`` (so does the ``suanpan`` group
itself, for options placed before the command). The instance is opened lazily,
once per invocation, and its engine is disposed when the command ends, so the
CLI never keeps a database busy.

Errors a user can fix (:class:`kernel.errors.UserError`) become one translated
line on stderr and a non-zero exit code — never a traceback:
exit code 2 for :class:`~kernel.errors.AddonError` (the request names something
that cannot be found or resolved) and 1 for every other user error.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import update_wrapper
from pathlib import Path
from typing import Any, TypeVar

import click
from alembic.util import CommandError as AlembicCommandError
from rich.console import Console
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from kernel.database import default_url
from kernel.errors import AddonError, UserError
from kernel.i18n import _, gettext, normalize_locale, use_locale
from kernel.instance import Instance

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class CliState:
    """The options of one invocation and the instance they designate."""

    db: str | None = None
    addons_path: list[str] = field(default_factory=list)
    lang: str | None = None
    _instance: Instance | None = None

    @property
    def url(self) -> str:
        return self.db or default_url()

    def instance(self) -> Instance:
        """The instance (created on first use; may not be initialized yet)."""
        if self._instance is None:
            try:
                self._instance = Instance(self.url, self.addons_path)
            except ArgumentError as exc:
                raise UserError(
                    _("%(url)s is not a database URL (%(reason)s)", url=self.url, reason=str(exc))
                ) from exc
        return self._instance

    def initialized(self) -> Instance:
        """The instance, refusing with a clear message when ``suanpan init`` has not run."""
        instance = self.instance()
        if not instance.is_initialized():
            raise AddonError(
                _(
                    "the database %(url)s is not initialized; run `suanpan init` or setup_instance.py first",
                    url=safe_url(self.url),
                )
            )
        return instance

    def database_exists(self) -> bool:
        """False for a SQLite file that is not there yet (probing it would create it)."""
        url = make_url(self.url)
        if url.drivername.startswith("sqlite"):
            database = url.database or ""
            return database == ":memory:" or (bool(database) and Path(database).is_file())
        return True

    def close(self) -> None:
        if self._instance is not None:
            self._instance.engine.dispose()
            self._instance = None


def safe_url(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def state() -> CliState:
    return click.get_current_context().ensure_object(CliState)


def _set_db(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value:
        ctx.ensure_object(CliState).db = value


def _set_addons_path(ctx: click.Context, _param: click.Parameter, value: tuple[str, ...]) -> None:
    if value:
        ctx.ensure_object(CliState).addons_path = [str(v) for v in value]


def instance_options(f: F) -> F:
    """``--db`` and ``--addons-path`` on a command (they fill the shared :class:`CliState`)."""
    f = click.option(
        "--addons-path",
        multiple=True,
        envvar="SUANPAN_ADDONS_PATH",
        type=click.Path(file_okay=False),
        expose_value=False,
        is_eager=True,  # before --help, which lists the commands of the instance's addons
        callback=_set_addons_path,
        help="Extra folder holding addons (repeatable; env SUANPAN_ADDONS_PATH, os.pathsep separated).",
    )(f)
    f = click.option(
        "--db",
        envvar="SUANPAN_DB",
        metavar="URL",
        expose_value=False,
        is_eager=True,
        callback=_set_db,
        help="Database URL: sqlite:///path.db or postgresql://user@host/db (env SUANPAN_DB; default ./instance/suanpan.db).",
    )(f)
    return f


def pass_instance(f: F) -> F:
    """Give a command the initialized instance as first argument (for addon commands too)."""

    @click.pass_context
    def wrapper(ctx: click.Context, *args: Any, **kwargs: Any) -> Any:
        return ctx.invoke(f, ctx.ensure_object(CliState).initialized(), *args, **kwargs)

    return update_wrapper(wrapper, f)  # type: ignore[return-value]


def console() -> Console:
    """A console on the current stdout; wide enough off a terminal that tables do not wrap."""
    return Console(
        file=sys.stdout,
        highlight=False,
        width=None if sys.stdout.isatty() else 160,
        soft_wrap=not sys.stdout.isatty(),
    )


def echo(message: object) -> None:
    click.echo(str(message))


class CliError(click.ClickException):
    """A user error turned into one line on stderr (already translated)."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code  # type: ignore[misc]

    def show(self, file: Any = None) -> None:
        click.echo(self.message, err=True)


def to_cli_error(exc: BaseException) -> CliError | None:
    """The one line a user sees for ``exc``, or ``None`` when it is a bug (keep the traceback)."""
    if isinstance(exc, UserError):
        code = 2 if isinstance(exc, AddonError) else 1
        return CliError(gettext("Error: %(reason)s", reason=str(exc)), code)
    if isinstance(exc, AlembicCommandError):
        return CliError(gettext("Error: migration: %(reason)s", reason=str(exc)), 1)
    if isinstance(exc, OperationalError) and exc.statement is None:  # connecting failed
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        return CliError(
            gettext("Error: cannot use the database: %(reason)s", reason=reason),
            1,
        )
    return None


def output_locale(value: str | None) -> str:
    """``--lang`` if given, else the ``LANG`` of the shell (``zh_CN.UTF-8`` → ``zh_CN``)."""
    return normalize_locale(value or os.environ.get("LANG"))


class ErrorsAsLines:
    """Mixin for click commands: locale, instance clean-up and one-line user errors."""

    def invoke(self, ctx: click.Context) -> Any:
        st = ctx.ensure_object(CliState)
        if st.lang is None:
            st.lang = output_locale(None)
        ctx.call_on_close(st.close)
        with use_locale(st.lang):
            try:
                return super().invoke(ctx)  # type: ignore[misc]
            except (click.ClickException, click.exceptions.Exit, click.Abort):
                raise
            except Exception as exc:
                error = to_cli_error(exc)
                if error is None:
                    raise
                raise error from exc


class SuanpanCommand(ErrorsAsLines, click.Command):
    """A command that can run on its own (``setup_instance.py``) with the CLI's error handling."""
