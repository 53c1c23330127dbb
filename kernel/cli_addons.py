"""``suanpan addons …`` and ``suanpan db …``: listing, installing, removing and upgrading addons."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from rich.table import Table
from rich.tree import Tree
from sqlalchemy import text

from kernel import i18n, lifecycle, migrations
from kernel.addons.manifest import Manifest
from kernel.addons.resolve import closure, order, unknown_addon, with_auto_install
from kernel.cli_common import console, echo, instance_options, safe_url, state
from kernel.errors import AddonError
from kernel.i18n import _
from kernel.instance import Instance

SOURCE_LABELS = {
    "builtin": _("built-in"),
    "path": _("addons path"),
    "entry_point": _("entry point"),
}
MISSING_LABEL = _("missing: code not found")


@click.group("addons")
def addons() -> None:
    """List, install, uninstall and upgrade addons."""


def installed_rows(instance: Instance) -> dict[str, dict[str, Any]]:
    """``ir.addon`` rows by name (plain SQL: no registry needed to list addons)."""
    if not instance.is_initialized():
        return {}
    with instance.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT name, version, installed_at, installed_by, demo FROM ir_addon")
        ).mappings()
        return {row["name"]: dict(row) for row in rows}


@addons.command("list")
@instance_options
def list_addons() -> None:
    """Every addon this instance can see, with what is installed, when and by whom."""
    instance = state().instance()
    installed = installed_rows(instance) if state().database_exists() else {}
    table = Table(show_edge=False, header_style="bold")
    for header in (
        _("Name"),
        _("Title"),
        _("Version"),
        _("Installed"),
        _("Installed at"),
        _("By"),
        _("Source"),
        _("Depends on"),
    ):
        table.add_column(str(header), no_wrap=True)
    for name in sorted(instance.available):
        manifest = instance.available[name]
        i18n.add_catalog_dir(manifest.i18n_dir, manifest.name)
        row = installed.get(name)
        when = row["installed_at"] if row else None
        table.add_row(
            name,
            str(manifest.label),
            manifest.version,
            str(row["version"]) if row else "-",
            str(when)[:16] if when else "",
            str(row["installed_by"]) if row else "",
            str(SOURCE_LABELS.get(manifest.source, manifest.source)),
            ", ".join(manifest.depends),
        )
    for name in sorted(set(installed) - set(instance.available)):
        row = installed[name]
        when = row["installed_at"]
        table.add_row(
            name,
            "",
            "",
            str(row["version"]),
            str(when)[:16] if when else "",
            str(row["installed_by"]),
            str(MISSING_LABEL),
            "",
            style="red",
        )
    console().print(table)
    missing = sorted(set(installed) - set(instance.available))
    if missing:
        echo(
            _(
                "Installed but not found: %(names)s. Fix the addons path, or remove them "
                "with `suanpan addons uninstall --force %(names)s`.",
                names=" ".join(missing),
            )
        )


@addons.command("install")
@click.argument("names", nargs=-1, required=True)
@click.option("--demo", is_flag=True, help="Also load the addons' demo data.")
@instance_options
def install(names: tuple[str, ...], demo: bool) -> None:
    """Install addons and what they depend on."""
    instance = state().initialized()
    with console().status(str(_("Installing…"))):
        new = lifecycle.install(instance, list(names), demo=demo)
    if new:
        echo(_("Installed: %(names)s", names=", ".join(new)))
    else:
        echo(_("Nothing to do: %(names)s already installed", names=", ".join(names)))


@addons.command("uninstall")
@click.argument("names", nargs=-1, required=True)
@click.option("--cascade", is_flag=True, help="Also remove the installed addons that need them.")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@click.option(
    "--force",
    is_flag=True,
    help="Remove installed addons whose code is gone, from what they recorded in the database.",
)
@instance_options
def uninstall(names: tuple[str, ...], cascade: bool, yes: bool, force: bool) -> None:
    """Remove addons with their tables and data (asks first: the data is lost)."""
    instance = state().initialized()
    if force:
        _confirm_removal(list(names), yes)
        removed = lifecycle.remove_missing(instance, list(names))
        echo(_("Uninstalled: %(names)s", names=", ".join(removed)))
        return
    plan = lifecycle.uninstall_plan(instance, list(names), cascade=cascade)
    _confirm_removal(plan, yes)
    removed = lifecycle.uninstall(instance, list(names), cascade=cascade)
    echo(_("Uninstalled: %(names)s", names=", ".join(removed)))


def _confirm_removal(plan: list[str], yes: bool) -> None:
    echo(
        _(
            "These addons will be removed, with all their tables and data: %(names)s",
            names=", ".join(plan),
        )
    )
    if not yes and not click.confirm(str(_("Remove them?")), default=False):
        echo(_("Nothing was removed."))
        raise click.exceptions.Exit(1)


@addons.command("upgrade")
@click.argument("names", nargs=-1)
@click.option("--all", "all_", is_flag=True, help="Upgrade every installed addon.")
@instance_options
def upgrade(names: tuple[str, ...], all_: bool) -> None:
    """Run pending migrations and reload the data files of addons."""
    if not names and not all_:
        raise click.UsageError(str(_("name the addons to upgrade, or pass --all")))
    instance = state().initialized()
    for name in names:
        if name not in instance.available:
            raise unknown_addon(name, instance.available)
    with console().status(str(_("Upgrading…"))):
        done = lifecycle.upgrade(instance, None if all_ else list(names))
    echo(_("Upgraded: %(names)s", names=", ".join(done) or "-"))


@addons.command("graph")
@click.argument("names", nargs=-1)
@instance_options
def graph(names: tuple[str, ...]) -> None:
    """Dependency tree and the order in which model extensions apply.

    Without names: the installed addons (every available addon on an empty
    instance). With names: what installing them would bring.
    """
    st = state()
    instance = st.instance()
    available = instance.available
    for name in names:
        if name not in available:
            raise unknown_addon(name, available)
    if names:
        chosen = list(names)
    else:
        installed = instance.installed_names() if st.database_exists() else []
        chosen = installed or list(available)
    wanted = order(with_auto_install(closure(chosen, available), available), available)
    out = console()
    out.print(str(_("Dependencies")), style="bold")
    for root in _roots(wanted, available):
        tree = Tree(_node_label(available[root]))
        _grow(tree, root, available, set())
        out.print(tree)
    out.print()
    out.print(str(_("Installation order: %(names)s", names=" → ".join(wanted))))
    out.print()
    out.print(str(_("Model extensions, in the order they apply")), style="bold")
    report = instance.compose(wanted).extension_report()
    for line in report or [str(_("(no model is extended by another addon)"))]:
        out.print(line, markup=False)


def _roots(names: list[str], available: dict[str, Manifest]) -> list[str]:
    """Addons nothing else in ``names`` depends on: the tops of the trees."""
    needed = {dep for n in names for dep in available[n].depends}
    return [n for n in names if n not in needed]


def _node_label(manifest: Manifest) -> str:
    flag = " (auto)" if manifest.auto_install else ""
    return f"{manifest.name} {manifest.version}{flag}"


def _grow(tree: Tree, name: str, available: dict[str, Manifest], path: set[str]) -> None:
    for dep in available[name].depends:
        branch = tree.add(_node_label(available[dep]))
        if dep not in path:
            _grow(branch, dep, available, path | {name})


@addons.command("hooks")
@click.argument("names", nargs=-1)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the Markdown to this file instead of printing it.",
)
@instance_options
def hooks(names: tuple[str, ...], output: Path | None) -> None:
    """The hook reference (Markdown) of NAMES and their dependencies (default: built-in addons).

    Rendered from the hookspecs' signatures and docstrings, with the addons
    implementing each hook in the order pluggy calls them; docs/hooks.md is this
    output for the built-in addons.
    """
    from kernel import hookdocs

    available = state().instance().available
    for name in names:
        if name not in available:
            raise unknown_addon(name, available)
    chosen = (
        [available[n] for n in with_auto_install(closure(list(names), available), available)]
        if names
        else None
    )
    text = hookdocs.reference(chosen)
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        echo(_("Wrote %(path)s", path=str(output)))


@addons.command("revision")
@click.argument("name")
@click.option("-m", "--message", required=True, help="What the migration does.")
@click.option("--empty", is_flag=True, help="Write an empty revision instead of autogenerating.")
@instance_options
def revision(name: str, message: str, empty: bool) -> None:
    """Write a new Alembic migration for addon NAME (autogenerated against this database)."""
    instance = state().initialized()
    if name not in instance.available:
        raise unknown_addon(name, instance.available)
    if name not in instance.installed_names():
        raise AddonError(
            _("addon %(name)s is not installed; install it before writing a migration", name=name)
        )
    path = migrations.revision(instance, name, message, autogenerate=not empty)
    echo(_("Wrote %(path)s", path=path))


@addons.command("new")
@instance_options
@click.argument("name")
@click.option(
    "--pip", "as_pip", is_flag=True, help="A pip distribution (pyproject.toml, entry point)."
)
@click.option(
    "--path",
    "where",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Folder to write the addon in (for a folder addon: a folder on the addons path).",
)
@click.option("--title", default=None, help="Title shown to users (default: from NAME).")
@click.option("--title-zh", default=None, help="Chinese title for the zh_CN catalog.")
def new(name: str, as_pip: bool, where: Path, title: str | None, title_zh: str | None) -> None:
    """Write a working addon NAME: model, extension, hooks, view, menu, rights, catalog, tests."""
    from kernel import scaffold
    from kernel.addons.discovery import discover

    scaffold.check_name(name, set(discover(state().addons_path)))
    title = title or name.replace("_", " ").title()
    spec = scaffold.Spec(name=name, title=title, title_zh=title_zh or title, pip=as_pip)
    folder = scaffold.create(spec, where)
    echo(_("Wrote addon %(name)s in %(path)s", name=name, path=str(folder)))
    if title_zh is None:
        echo(_("Translate its title in %(path)s", path=str(folder / "i18n" / "zh_CN")))


@click.group("db")
def db() -> None:
    """Database maintenance."""


@db.command("upgrade")
@instance_options
def db_upgrade() -> None:
    """Run pending migrations and reload data files of every installed addon."""
    instance = state().initialized()
    with console().status(str(_("Upgrading…"))):
        done = lifecycle.upgrade(instance)
    echo(_("Upgraded: %(names)s", names=", ".join(done) or "-"))


@db.command("backup")
@instance_options
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def db_backup(file: Path) -> None:
    """Write the database (attachments included) and a manifest into one archive FILE."""
    from kernel import backup

    cli_state = state()
    cli_state.initialized()
    cli_state.close()
    with console().status(str(_("Backing up…"))):
        manifest = backup.backup(cli_state.url, file)
    echo(
        _(
            "Backed up %(tables)s tables (%(attachments)s attachments) to %(file)s",
            tables=len(manifest["tables"]),
            attachments=manifest["attachments"],
            file=str(file),
        )
    )


@db.command("restore")
@instance_options
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--replace", is_flag=True, help="Overwrite a database that already holds data.")
def db_restore(file: Path, replace: bool) -> None:
    """Restore the archive FILE into the database given by --db (new or empty)."""
    from kernel import backup

    with console().status(str(_("Restoring…"))):
        manifest = backup.restore(file, state().url, replace=replace)
    echo(
        _(
            "Restored the backup of %(created)s (%(addons)s) into %(url)s",
            created=manifest["created_at"],
            addons=", ".join(f"{a['name']} {a['version']}" for a in manifest["addons"]),
            url=safe_url(state().url),
        )
    )
