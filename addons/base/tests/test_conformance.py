"""Generic addon checks (manifest, install/uninstall, labels, access, translations)."""

from kernel.testing import AddonConformance


class TestConformance(AddonConformance):
    addon = "base"
