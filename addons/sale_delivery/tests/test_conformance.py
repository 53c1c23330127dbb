from kernel.testing import AddonConformance


class TestConformance(AddonConformance):
    addon = "sale_delivery"
