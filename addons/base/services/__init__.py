"""Business logic of master data, shared by every document addon.

* :mod:`.tax` — ``compute(amount, tax, *, quantity, discount, currency) -> TaxResult``,
  the one tax and rounding engine of orders, invoices and purchase orders;
* :mod:`.currency` — ``round(amount, currency)``, ``convert(env, amount, from, to, date)``;
* :mod:`.uom` — ``convert(env, qty, from_uom, to_uom)`` within a unit category;
* :mod:`.partners` — contacts and delivery addresses, lookups;
* :mod:`.products` — display names, lookups, EAN-13 check digits;
* :mod:`.company` — the main company and the instance settings it mirrors;
* :mod:`.importer` — CSV/XLSX import of partners and products (preview, all-or-nothing).
"""
