"""accounting's answer to manufacturing's hooks (registered only when mrp is installed).

The finished goods come into stock at material + labour and overhead (stock's
valuation books Dr inventory / Cr the production counterpart at that value, the
components Dr counterpart / Cr inventory at theirs); this entry books the labour
and overhead: Dr the production counterpart / Cr applied labour and overhead, so
the counterpart nets to zero. Posted under ``env.sudo`` like stock valuation.
"""

from __future__ import annotations

from typing import Any

from kernel import hookimpl


@hookimpl(optionalhook=True)
def mrp_production_done(env: Any, production: Any) -> None:
    from addons.accounting.services.valuation import value_conversion

    with env.sudo("post the labour and overhead of a finished production order"):
        value_conversion(env, production)
