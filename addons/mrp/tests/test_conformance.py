from kernel.testing import AddonConformance


class TestConformance(AddonConformance):
    addon = "mrp"
