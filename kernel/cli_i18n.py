"""``suanpan i18n extract|update|compile``: keep the kernel's and the addons' catalogs current."""

from __future__ import annotations

import click
from babel.messages.pofile import write_po

from kernel.addons.discovery import discover
from kernel.addons.resolve import unknown_addon
from kernel.cli_common import echo, instance_options, state
from kernel.i18n import _
from kernel.i18n import catalogs as cat


@click.group("i18n")
def i18n() -> None:
    """Extract, update and compile message catalogs."""


def _targets(names: tuple[str, ...]) -> tuple[list[str], tuple[str, ...]]:
    """The addons named (kernel and every discovered addon by default) and the addons path."""
    addons_path = tuple(state().addons_path)
    available = discover(addons_path)
    if not names:
        return ["kernel", *sorted(available)], addons_path
    for name in names:
        if name != "kernel" and name not in available:
            raise unknown_addon(name, ["kernel", *available])
    return list(names), addons_path


@i18n.command("extract")
@click.argument("names", nargs=-1)
@instance_options
def extract(names: tuple[str, ...]) -> None:
    """Write each addon's message template, ``i18n/messages.pot``."""
    targets, addons_path = _targets(names)
    for name in targets:
        catalog = cat.extract(name, addons_path)
        path = cat.source_dir(name, addons_path) / "i18n" / "messages.pot"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as fh:
            write_po(fh, catalog, width=100, sort_output=True)
        echo(
            _("%(addon)s: %(count)s messages → %(path)s", addon=name, count=len(catalog), path=path)
        )


@i18n.command("update")
@click.argument("names", nargs=-1)
@instance_options
def update(names: tuple[str, ...]) -> None:
    """Merge new messages into each locale's ``messages.po`` and count what is untranslated."""
    targets, addons_path = _targets(names)
    total = 0
    for name in targets:
        for locale, missing in cat.update(name, addons_path).items():
            total += missing
            echo(
                _(
                    "%(addon)s [%(lang)s]: %(count)s untranslated",
                    addon=name,
                    lang=locale,
                    count=missing,
                )
            )
    echo(_("Untranslated in total: %(count)s", count=total))


@i18n.command("compile")
@click.argument("names", nargs=-1)
@instance_options
def compile_(names: tuple[str, ...]) -> None:
    """Write ``.mo`` files next to the catalogs (for tools that want them; Suanpan reads ``.po``)."""
    targets, addons_path = _targets(names)
    for name in targets:
        for path in cat.compile_catalogs(name, addons_path):
            echo(_("Wrote %(path)s", path=path))
