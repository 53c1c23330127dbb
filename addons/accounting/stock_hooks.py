"""accounting's answers to stock's hooks (registered only when stock is installed).

Stock users validate transfers without rights on the books; the valuation entry
is the books' record of their move, so it is posted under ``env.sudo``.
"""

from __future__ import annotations

from typing import Any

from kernel import hookimpl


@hookimpl(optionalhook=True)
def stock_moves_done(env: Any, moves: list[Any]) -> None:
    from addons.accounting.services.valuation import value_moves

    with env.sudo("post the perpetual inventory valuation of done stock moves"):
        value_moves(env, moves)
