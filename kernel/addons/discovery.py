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
        manifests.append(load_manifest(_package_folder(entry), entry.value, "entry_point"))
    return manifests


def _package_folder(entry: importlib.metadata.EntryPoint) -> Path:
    """The folder of the package an entry point names, the one holding ``manifest.toml``.

    Why not just ``find_spec``: a folder named like the package on ``sys.path``
    (a project folder on the addons path, the current folder) is a namespace
    package to Python, and it wins over an editable install, whose finder comes
    last. Each finder is asked in turn and the first real package with a manifest wins.
    """
    candidates: list[Path] = []
    for finder in sys.meta_path:
        find = getattr(finder, "find_spec", None)
        try:
            spec = find(entry.value, None) if find is not None else None
        except (ImportError, ValueError):
            spec = None
        if spec is None or not spec.submodule_search_locations:
            continue
        for location in spec.submodule_search_locations:
            folder = Path(location)
            if (folder / MANIFEST_FILE).is_file():
                return folder
            candidates.append(folder)
    if not candidates:
        raise AddonError(
            _(
                "entry point %(name)s points at %(module)s, which is not a package",
                name=entry.name,
                module=entry.value,
            )
        )
    raise AddonError(
        _(
            "entry point %(name)s: package %(module)s was found only at %(paths)s, without "
            "%(manifest)s (a folder named like the package on the addons path or in the "
            "current folder hides the installed one)",
            name=entry.name,
            module=entry.value,
            paths=", ".join(str(c) for c in dict.fromkeys(candidates)),
            manifest=MANIFEST_FILE,
        )
    )


def import_addon(manifest: Manifest) -> object:
    """The addon's package, loaded from the folder its manifest was read from.

    Importing by name alone could load a same-named namespace folder instead
    (see :func:`_package_folder`).
    """
    loaded = sys.modules.get(manifest.module)
    if loaded is None or _folder_of(loaded) != manifest.path.resolve():
        if loaded is not None:
            del sys.modules[manifest.module]
        try:
            module = importlib.import_module(manifest.module)
        except ImportError:
            module = None
        if module is None or _folder_of(module) != manifest.path.resolve():
            sys.modules.pop(manifest.module, None)
            return _load_from(manifest)
        return module
    return loaded


def _folder_of(module: object) -> Path | None:
    origin = getattr(module, "__file__", None)
    return Path(origin).resolve().parent if origin else None


def _load_from(manifest: Manifest) -> object:
    init = manifest.path / "__init__.py"
    spec = importlib.util.spec_from_file_location(
        manifest.module, init, submodule_search_locations=[str(manifest.path)]
    )
    if spec is None or spec.loader is None:
        raise AddonError(_("%(path)s cannot be imported", path=str(init)))
    module = importlib.util.module_from_spec(spec)
    sys.modules[manifest.module] = module
    spec.loader.exec_module(module)
    return module
