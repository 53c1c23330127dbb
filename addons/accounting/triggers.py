"""Database triggers that make posted entries immutable on *every* path.

The ORM check (``__immutable__``) covers the UI, the API, hooks and scripts that
use the ORM; these triggers also refuse bulk ``UPDATE``/``DELETE`` statements
and raw SQL. They allow exactly what reconciliation writes on posted rows
(residual amounts, reconciled flag, payment state) and nothing else.

They are attached to the tables' ``after_create`` event, so they are created
with the tables at install and dropped with them at uninstall (PostgreSQL's
trigger functions are dropped by :func:`drop_functions`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import DDL, event, text

LINE_FROZEN = (
    "move_id",
    "account_id",
    "partner_id",
    "debit",
    "credit",
    "amount_currency",
    "currency_id",
    "date",
    "date_maturity",
    "tax_id",
    "tax_line_id",
    "parent_state",
)
MOVE_FROZEN = (
    "name",
    "state",
    "date",
    "journal_id",
    "company_id",
    "partner_id",
    "move_type",
    "total_debit",
    "total_credit",
    "amount_total",
)
TABLES = {
    "account_move_line": ("parent_state", LINE_FROZEN),
    "account_move": ("state", MOVE_FROZEN),
}
FUNCTIONS = [f"{table}_posted_immutable" for table in TABLES]


def _changed(columns: tuple[str, ...], dialect: str) -> str:
    op = "IS NOT" if dialect == "sqlite" else "IS DISTINCT FROM"
    return " OR ".join(f"NEW.{c} {op} OLD.{c}" for c in columns)


def _sqlite(table: str, state: str, columns: tuple[str, ...]) -> list[str]:
    message = f"posted rows of {table} cannot be changed or deleted"
    return [
        f"CREATE TRIGGER {table}_posted_update BEFORE UPDATE ON {table} "
        f"WHEN OLD.{state} = 'posted' AND ({_changed(columns, 'sqlite')}) "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END",
        f"CREATE TRIGGER {table}_posted_delete BEFORE DELETE ON {table} "
        f"WHEN OLD.{state} = 'posted' "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END",
    ]


def _postgresql(table: str, state: str, columns: tuple[str, ...]) -> list[str]:
    message = f"posted rows of {table} cannot be changed or deleted"
    function = f"{table}_posted_immutable"
    return [
        f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$ BEGIN "
        f"IF OLD.{state} = 'posted' AND (TG_OP = 'DELETE' OR {_changed(columns, 'postgresql')}) "
        f"THEN RAISE EXCEPTION '{message}' USING ERRCODE = 'check_violation'; END IF; "
        f"IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$ LANGUAGE plpgsql",
        f"CREATE TRIGGER {table}_posted BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {function}()",
    ]


def attach(metadata: Any) -> None:
    """Create the triggers whenever the accounting tables are created."""
    for table_name, (state, columns) in TABLES.items():
        table = metadata.tables.get(table_name)
        if table is None:
            continue
        for statement in _sqlite(table_name, state, columns):
            event.listen(table, "after_create", DDL(statement).execute_if(dialect="sqlite"))
        for statement in _postgresql(table_name, state, columns):
            event.listen(table, "after_create", DDL(statement).execute_if(dialect="postgresql"))


def drop_functions(env: Any) -> None:
    """PostgreSQL keeps trigger functions after their tables are dropped: remove ours."""
    connection = env.session.connection()
    if connection.dialect.name != "postgresql":
        return
    for function in FUNCTIONS:
        connection.execute(text(f"DROP FUNCTION IF EXISTS {function}() CASCADE"))
