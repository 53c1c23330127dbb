"""The addon manifest: what an addon is, what it needs and what it brings.

Each addon folder holds a ``manifest.toml``. It is data, not code, so that the
kernel can list, resolve and explain addons without importing any of them.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from kernel.errors import AddonError
from kernel.i18n import LazyString, _

MANIFEST_FILE = "manifest.toml"


@dataclass(frozen=True)
class Manifest:
    """One addon's manifest, plus where it was found."""

    name: str
    title: str
    version: str
    summary: str
    depends: tuple[str, ...]
    path: Path
    module: str
    source: str = "builtin"
    auto_install: bool = False
    data: tuple[str, ...] = ()
    demo: tuple[str, ...] = ()
    license: str = "LGPL-3.0-or-later"
    author: str = ""
    category: str = ""
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def label(self) -> LazyString:
        """The human name, translated when rendered."""
        return _(self.title)

    @property
    def migrations_dir(self) -> Path:
        return self.path / "migrations"

    @property
    def i18n_dir(self) -> Path:
        return self.path / "i18n"


REQUIRED = ("name", "title", "version", "summary")


def load_manifest(folder: Path, module: str, source: str) -> Manifest:
    """Read ``folder/manifest.toml``; a broken manifest names the file and the problem."""
    path = folder / MANIFEST_FILE
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise AddonError(_("%(path)s is missing", path=str(path))) from exc
    except tomllib.TOMLDecodeError as exc:
        raise AddonError(
            _("%(path)s is not valid TOML: %(reason)s", path=str(path), reason=str(exc))
        ) from exc
    missing = [key for key in REQUIRED if not raw.get(key)]
    if missing:
        raise AddonError(
            _("%(path)s lacks required keys: %(keys)s", path=str(path), keys=", ".join(missing))
        )
    if raw["name"] != folder.name and source != "entry_point":
        raise AddonError(
            _(
                "%(path)s names the addon %(name)s but its folder is %(folder)s",
                path=str(path),
                name=raw["name"],
                folder=folder.name,
            )
        )
    known = {
        "name",
        "title",
        "version",
        "summary",
        "depends",
        "auto_install",
        "data",
        "demo",
        "license",
        "author",
        "category",
    }
    return Manifest(
        name=raw["name"],
        title=raw["title"],
        version=str(raw["version"]),
        summary=raw["summary"],
        depends=tuple(raw.get("depends", ())),
        path=folder,
        module=module,
        source=source,
        auto_install=bool(raw.get("auto_install", False)),
        data=tuple(raw.get("data", ())),
        demo=tuple(raw.get("demo", ())),
        license=raw.get("license", "LGPL-3.0-or-later"),
        author=raw.get("author", ""),
        category=raw.get("category", ""),
        extra={k: v for k, v in raw.items() if k not in known},
    )
