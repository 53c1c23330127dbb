"""The main company and the instance settings it mirrors."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from kernel.env import Env


def main_company(env: Env) -> Any:
    """The company documents belong to when nothing else says so."""
    if env.company_id:
        return env.get("res.company", env.company_id)
    return env.ref("base.main_company")


def company_currency(env: Env) -> Any:
    return main_company(env).currency


def apply_instance_settings(env: Env) -> None:
    """Copy ``company_name`` and ``currency`` chosen at ``suanpan init`` onto the main company.

    Unknown currency codes keep the default (CNY) rather than failing the install.
    """
    company = env.ref("base.main_company")
    name = env.setting("company_name")
    if name:
        company.name = str(name)
    code = env.setting("currency")
    if code:
        Currency = env["res.currency"]
        currency = env.session.scalar(select(Currency).where(Currency.code == str(code).upper()))
        if currency is not None:
            company.currency_id = currency.id
    env.session.flush()
