"""Bring an instance to a wanted addon set in one idempotent step (``setup_instance.py``).

Implementers script customer instances with it: it initializes the database when
needed and installs the addons that are missing, and nothing else — upgrades only
with ``--upgrade`` — so running it again changes nothing and says so. Without an
addon choice it builds the full demo instance (every built-in addon, demo data,
``admin`` / ``admin``) on ``./instance/demo.db``.
"""

from __future__ import annotations

import inspect
from typing import Any

import click

from kernel import lifecycle
from kernel.addons.discovery import discover
from kernel.addons.resolve import unknown_addon
from kernel.cli_common import SuanpanCommand, console, echo, instance_options, safe_url, state
from kernel.errors import UserError
from kernel.i18n import _

DEMO_URL = "sqlite:///instance/demo.db"
DEMO_PASSWORD = "admin"


def builtin_addons(addons_path: list[str]) -> list[str]:
    """Every addon shipped in this repository's ``addons/`` folder."""
    return sorted(n for n, m in discover(addons_path).items() if m.source == "builtin")


def ensure_instance(
    url: str,
    addons_path: list[str],
    addons: list[str],
    *,
    demo: bool = False,
    admin_password: str | None = None,
    company: str = "My Company",
    currency: str = "CNY",
    lang: str = "zh_CN",
    tz: str = "Asia/Shanghai",
    upgrade: bool = False,
) -> list[str]:
    """Initialize and install what is missing; returns what was done (empty: nothing)."""
    from kernel.instance import Instance

    instance = Instance(url, addons_path)
    done: list[str] = []
    try:
        for name in addons:
            if name not in instance.available:
                raise unknown_addon(name, instance.available)
        if not instance.is_initialized():
            if not admin_password:
                raise UserError(
                    _(
                        "--admin-password is needed to create the instance %(url)s",
                        url=safe_url(url),
                    )
                )
            lifecycle.initialize(
                instance,
                admin_password=admin_password,
                company=company,
                currency=currency.upper(),
                lang=lang,
                tz=tz,
            )
            done.append(str(_("initialized %(url)s", url=safe_url(url))))
        if addons:
            with console().status(str(_("Installing…"))):
                new = lifecycle.install(instance, addons, demo=demo)
            if new:
                done.append(str(_("installed %(names)s", names=", ".join(new))))
        if upgrade:
            upgraded = lifecycle.upgrade(instance)
            done.append(str(_("upgraded %(names)s", names=", ".join(upgraded) or "-")))
    finally:
        instance.engine.dispose()
    return done


@click.command("setup", cls=SuanpanCommand)
@click.option(
    "--addons",
    "addon_list",
    default="",
    metavar="A,B,…",
    help="Addons to install (comma-separated).",
)
@click.option("--all", "all_", is_flag=True, help="Install every built-in addon.")
@click.option("--demo", is_flag=True, help="Load demo data with the addons installed now.")
@click.option("--company", default=None, help="Company name (new instances).")
@click.option("--currency", default="CNY", show_default=True, help="Currency code (new instances).")
@click.option(
    "--lang", "instance_lang", default="zh_CN", show_default=True, help="Default language."
)
@click.option("--tz", default="Asia/Shanghai", show_default=True, help="Time zone.")
@click.option(
    "--admin-password",
    envvar="SUANPAN_ADMIN_PASSWORD",
    default=None,
    help="Password of `admin` (needed when the instance is created).",
)
@click.option("--upgrade", is_flag=True, help="Also upgrade every installed addon.")
@click.option("--serve", "serve_", is_flag=True, help="Start the web server afterwards.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8069, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int)
@instance_options
def setup(
    addon_list: str,
    all_: bool,
    demo: bool,
    company: str | None,
    currency: str,
    instance_lang: str,
    tz: str,
    admin_password: str | None,
    upgrade: bool,
    serve_: bool,
    host: str,
    port: int,
    workers: int,
) -> None:
    """Create or update an instance so it has the addons asked for; a second run does nothing.

    Without --addons or --all: the full demo instance (every built-in addon with
    demo data, admin / admin) on ./instance/demo.db, unless --db says otherwise.
    """
    st = state()
    names = [n.strip() for n in addon_list.split(",") if n.strip()]
    demo_mode = not names and not all_
    if demo_mode:
        url = st.db or DEMO_URL
        names = builtin_addons(st.addons_path)
        demo = True
        admin_password = admin_password or DEMO_PASSWORD
        company = company or "Suanpan Demo"
    else:
        url = st.url
        if all_:
            names = sorted({*names, *builtin_addons(st.addons_path)})
    done = ensure_instance(
        url,
        st.addons_path,
        names,
        demo=demo,
        admin_password=admin_password,
        company=company or "My Company",
        currency=currency,
        lang=instance_lang,
        tz=tz,
        upgrade=upgrade,
    )
    if done:
        for line in done:
            echo(line)
    else:
        echo(_("%(url)s is up to date; nothing to do.", url=safe_url(url)))
    address = f"http://{host}:{port}"
    if demo_mode:
        echo(
            _(
                "Demo instance: %(address)s — sign in as admin / %(password)s",
                address=address,
                password=admin_password,
            )
        )
    if serve_:
        run_server(url, st.addons_path, host, port, workers)


def run_server(
    url: str,
    addons_path: list[str],
    host: str,
    port: int,
    workers: int,
    *,
    reload: bool = False,
    jobs: str = "auto",
) -> None:
    """Start ``kernel.web.server.serve``; one clear line and exit 1 when it is missing.

    With ``jobs`` "inprocess" (or "auto" on SQLite) a job runner thread starts
    first, so one office needs no other service; the web workers then leave
    outbox delivery to it instead of sending after each commit.
    """
    try:
        from kernel.web.server import serve as web_serve
    except ImportError as exc:
        click.echo(
            _("Error: the web server cannot be started: %(reason)s", reason=str(exc)), err=True
        )
        raise click.exceptions.Exit(1) from exc
    kwargs: dict[str, Any] = {}
    if reload:
        if "reload" in inspect.signature(web_serve).parameters:
            kwargs["reload"] = True
        else:
            click.echo(_("--reload is not supported by this web server; ignored"), err=True)
    _start_jobs(url, addons_path, jobs)
    echo(_("Serving %(address)s", address=f"http://{host}:{port}"))
    web_serve(url, addons_path, host, port, workers, **kwargs)


def _start_jobs(url: str, addons_path: list[str], mode: str) -> None:
    """Arrange for the in-process job runner, when this server is to run the jobs.

    The runner thread starts inside the served worker process (see
    :func:`kernel.web.server.start_inprocess_jobs`), never here: the web server
    forks its workers from this process, and a thread running at fork time can
    leave a lock held in the child, which then hangs before it answers anything.
    """
    import os

    from kernel.instance import ENV_BACKGROUND, Instance
    from kernel.web.server import ENV_JOBS

    instance = Instance.open(url, addons_path)
    instance.engine.dispose()  # no connection of this process is carried into the forked workers
    if mode == "none" or (mode == "auto" and instance.dialect != "sqlite"):
        if instance.dialect != "sqlite":
            os.environ[ENV_BACKGROUND] = "1"  # `suanpan worker` delivers
            echo(_("Scheduled jobs and e-mail run in `suanpan worker` processes"))
        return None
    os.environ[ENV_BACKGROUND] = "1"
    os.environ[ENV_JOBS] = "inprocess"
    echo(_("Scheduled jobs and e-mail run in this process"))
    return None
