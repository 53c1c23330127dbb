"""Finding products while entering a line: by reference, name (English or Chinese), barcode."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import case, or_, select

if TYPE_CHECKING:
    from kernel.env import Env


def find_products(env: Env, q: str, limit: int = 20) -> list[Any]:
    """Sellable, active products matching ``q``; exact reference or barcode hits come first."""
    Product = env["product.product"]
    text = (q or "").strip()
    stmt = select(Product).where(Product.active.is_(True), Product.sale_ok.is_(True))
    if text:
        pattern = f"%{text}%"
        exact = or_(Product.default_code == text, Product.barcode == text)
        stmt = stmt.where(
            or_(
                Product.default_code.ilike(pattern),
                Product.name.ilike(pattern),
                Product.name_zh.ilike(pattern),
                Product.barcode == text,
            )
        ).order_by(case((exact, 0), else_=1), Product.default_code, Product.id)
    else:
        stmt = stmt.order_by(Product.default_code, Product.id)
    return list(env.session.scalars(stmt.limit(limit)))
