"""Products: display names, lookups by reference or barcode, EAN-13 check digits."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select

from kernel.env import Env


def display_name(env: Env, product: Any) -> str:
    """``[REF] Name``, in Chinese when the user reads Chinese and a Chinese name exists."""
    return str(product.display_name(env))


def by_code(env: Env, code: str) -> Any | None:
    Product = env["product.product"]
    return env.session.scalar(select(Product).where(Product.default_code == code))


def by_barcode(env: Env, barcode: str) -> Any | None:
    Product = env["product.product"]
    return env.session.scalar(select(Product).where(Product.barcode == barcode))


def search(env: Env, text: str = "", *, sale: bool | None = None, limit: int = 20) -> list[Any]:
    """Active products whose reference, barcode or (Chinese) name contains ``text``."""
    Product = env["product.product"]
    query = select(Product).where(Product.active.is_(True))
    if sale is not None:
        query = query.where(Product.sale_ok.is_(sale))
    if text:
        like = f"%{text}%"
        query = query.where(
            or_(
                Product.default_code.ilike(like),
                Product.barcode == text,
                Product.name.ilike(like),
                Product.name_zh.ilike(like),
            )
        )
    return list(env.session.scalars(query.order_by(Product.default_code).limit(limit)))


def ean13_check_digit(first12: str) -> str:
    """The check digit completing a 12-digit EAN-13 body (GS1 mod-10, weights 1 and 3)."""
    if len(first12) != 12 or not first12.isdigit():
        raise ValueError("an EAN-13 body has exactly 12 digits")
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return str((10 - total % 10) % 10)


def is_valid_ean13(code: str) -> bool:
    return len(code) == 13 and code.isdigit() and ean13_check_digit(code[:12]) == code[12]
