"""Demand forecasts per product or category from the confirmed sales history.

``history`` aggregates the demand per period in SQL, ``methods`` fits exponential
smoothing and the seasonal-naive baseline and measures both on a rolling hold-out,
``analysis`` picks the better one per series and presents exact quantities, and
``reorder`` (only when stock is installed) turns a forecast into a suggestion
beside each reorder rule.
"""
