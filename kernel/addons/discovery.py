"""Finding addons: built-in folder, then ``addons_path`` folders, then entry points.

Earlier sources win when two provide the same name, so a customer's folder can
never silently replace a built-in addon by accident — it is reported instead.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import sys
from collections.abc import Iterable
from pathlib import Path

from kernel.addons.manifest import MANIFEST_FILE, Manifest, load_manifest
from kernel.errors import AddonError
from kernel.i18n import _

ENTRY_POINT_GROUP = "suanpan.addons"
BUILTIN_DIR = Path(__file__).resolve().parents[2] / "addons"


def discover(addons_path: Iterable[str | Path] = ()) -> dict[str, Manifest]:
    """Every addon this process can see, by technical name."""
    found: dict[str, Manifest] = {}
    shadowed: list[str] = []
    for manifest in _scan_folder(BUILTIN_DIR, package="addons", source="builtin"):
        found[manifest.name] = manifest
    for folder in addons_path:
        path = Path(folder).resolve()
        if not path.is_dir():
            raise AddonError(_("addons_path entry %(path)s is not a folder", path=str(path)))
        if str(path) not in sys.path:
            sys.path.append(str(path))
        for manifest in _scan_folder(path, package=None, source="path"):
            if manifest.name in found:
                shadowed.append(manifest.name)
                continue
            found[manifest.name] = manifest
    for manifest in _scan_entry_points():
        if manifest.name in found:
            shadowed.append(manifest.name)
            continue
        found[manifest.name] = manifest
    return found


def _scan_folder(folder: Path, package: str | None, source: str) -> list[Manifest]:
    manifests: list[Manifest] = []
    if not folder.is_dir():
        return manifests
    for child in sorted(folder.iterdir()):
        if (child / MANIFEST_FILE).is_file() and (child / "__init__.py").is_file():
            module = f"{package}.{child.name}" if package else child.name
            manifests.append(load_manifest(child, module, source))
    return manifests


def _scan_entry_points() -> list[Manifest]:
    manifests = []
    for entry in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        spec = importlib.util.find_spec(entry.value)
        if spec is None or not spec.submodule_search_locations:
            raise AddonError(
                _(
                    "entry point %(name)s points at %(module)s, which is not a package",
                    name=entry.name,
                    module=entry.value,
                )
            )
        folder = Path(next(iter(spec.submodule_search_locations)))
        manifests.append(load_manifest(folder, entry.value, "entry_point"))
    return manifests


def import_addon(manifest: Manifest) -> object:
    return importlib.import_module(manifest.module)
