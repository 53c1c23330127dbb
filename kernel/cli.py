"""The ``suanpan`` command: the implementer's tool for creating and maintaining instances.

Commands are grouped by what they act on (``addons``, ``db``, ``users``, ``i18n``,
``workflow``) and live in small ``kernel/cli_*.py`` modules. Installed addons add
their own commands through the ``register_cli_commands`` hook; those are looked up
only when a name is not a built-in command (or for ``--help``), so ordinary
commands never pay for composing the registry.
"""

from __future__ import annotations

import logging

import click

from kernel import lifecycle
from kernel.cli_addons import addons, db
from kernel.cli_common import (
    CliState,
    ErrorsAsLines,
    echo,
    instance_options,
    output_locale,
    pass_instance,
    safe_url,
    state,
)
from kernel.cli_i18n import i18n
from kernel.cli_jobs import jobs, worker
from kernel.cli_setup import run_server, setup
from kernel.cli_users import users
from kernel.errors import NotFound
from kernel.hookspecs import KernelHooks
from kernel.i18n import _

log = logging.getLogger(__name__)

__all__ = ["cli", "main", "pass_instance"]


class SuanpanGroup(ErrorsAsLines, click.Group):
    """The root group: shared options, translated one-line errors, addon commands."""

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        found = super().get_command(ctx, cmd_name)
        if found is None:
            found = addon_commands(ctx).get(cmd_name)
        return found

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *addon_commands(ctx)})


def addon_commands(ctx: click.Context) -> dict[str, click.Command]:
    """Commands the instance's installed addons register (empty when there is no instance yet)."""
    root = ctx.find_root()
    cached = root.meta.get("suanpan.addon_commands")
    if cached is not None:
        return dict(cached)
    found: dict[str, click.Command] = {}
    st = root.ensure_object(CliState)
    builtin = set(cli.commands)

    def register(command: click.Command) -> None:
        name = command.name or ""
        if name in builtin or name in found:
            log.warning("addon command %s ignored: the name is already taken", name)
            return
        found[name] = command

    try:
        if st.database_exists():
            instance = st.instance()
            if instance.is_initialized():
                KernelHooks(instance.registry.pm).register_cli_commands(register=register)
    except Exception as exc:  # fail soft: `suanpan init` must work on an empty database
        log.debug("addon commands unavailable: %s", exc)
    root.meta["suanpan.addon_commands"] = found
    return dict(found)


def _set_lang(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    ctx.ensure_object(CliState).lang = output_locale(value)


@click.group(cls=SuanpanGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--lang",
    metavar="LOCALE",
    expose_value=False,
    callback=_set_lang,
    is_eager=True,
    help="Language of the output (en, zh_CN); default: from LANG.",
)
@instance_options
def cli() -> None:
    """Suanpan (算盘): create and maintain ERP instances."""


@cli.command("init")
@click.option(
    "--admin-password",
    envvar="SUANPAN_ADMIN_PASSWORD",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Password of the `admin` user (asked when omitted).",
)
@click.option("--company", default="My Company", show_default=True, help="Company name.")
@click.option("--currency", default="CNY", show_default=True, help="Company currency code.")
@click.option(
    "--lang", "instance_lang", default="zh_CN", show_default=True, help="Default language."
)
@click.option("--tz", default="Asia/Shanghai", show_default=True, help="Time zone.")
@instance_options
def init(admin_password: str, company: str, currency: str, instance_lang: str, tz: str) -> None:
    """Create the kernel tables, the settings and the administrator of a new instance."""
    st = state()
    created = lifecycle.initialize(
        st.instance(),
        admin_password=admin_password,
        company=company,
        currency=currency.upper(),
        lang=instance_lang,
        tz=tz,
    )
    if created:
        echo(_("Initialized %(url)s; sign in as admin.", url=safe_url(st.url)))
    else:
        echo(_("%(url)s is already initialized; nothing to do.", url=safe_url(st.url)))


@cli.group("workflow")
def workflow() -> None:
    """Inspect document workflows."""


@workflow.command("diagram")
@click.argument("model")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["mermaid", "dot"]),
    default="mermaid",
    show_default=True,
    help="Mermaid state diagram or Graphviz dot.",
)
@instance_options
def diagram(model: str, fmt: str) -> None:
    """Print the composed workflow of MODEL (with every installed addon's extensions)."""
    import difflib

    workflows = state().initialized().registry.workflows
    wf = workflows.get(model)
    if wf is None:
        close = difflib.get_close_matches(model, list(workflows), n=1)
        if close:
            raise NotFound(
                _(
                    "no workflow for model %(model)s — did you mean %(suggestion)s?",
                    model=model,
                    suggestion=close[0],
                )
            )
        raise NotFound(_("no workflow for model %(model)s", model=model))
    click.echo(wf.to_mermaid() if fmt == "mermaid" else wf.to_dot())


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8069, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int, help="Worker processes.")
@click.option("--reload", is_flag=True, help="Restart when the code changes (development).")
@click.option(
    "--jobs",
    "jobs_mode",
    type=click.Choice(["auto", "inprocess", "none"]),
    default="auto",
    show_default=True,
    help="Run scheduled jobs and the outbox in this process: auto = on SQLite only "
    "(on PostgreSQL run `suanpan worker`).",
)
@instance_options
def serve(host: str, port: int, workers: int, reload: bool, jobs_mode: str) -> None:
    """Serve the web interface and the JSON API."""
    st = state()
    st.initialized()
    st.close()
    run_server(st.url, st.addons_path, host, port, workers, reload=reload, jobs=jobs_mode)


def _register_more() -> None:
    cli.add_command(addons)
    cli.add_command(db)
    cli.add_command(users)
    cli.add_command(i18n)
    cli.add_command(setup)
    cli.add_command(jobs)
    cli.add_command(worker)


_register_more()


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="suanpan")


if __name__ == "__main__":
    main()
