"""The same order-to-cash steps through the HTTP JSON API, as an integration would drive them.

Every step is what a client of ``/api/v1`` sends with an API key: create the
order with nested lines, run the ``submit``/``approve`` actions, find the
delivery and run ``validate`` on it, read the posted invoice, create a payment
and run its ``post`` action. The server is the real web host (granian, one
worker) started in a subprocess by :class:`ApiServer`; statements per step come
from its ``x-sql-statements`` response header.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from benchmarks.steps import StepFailed

API = "/api/v1"
ROOT = Path(__file__).resolve().parent.parent


class ApiError(RuntimeError):
    """The API answered with an error status (kept in ``status``: 409 is retried by clients)."""

    def __init__(self, message: str, status: int = 0) -> None:
        super().__init__(message)
        self.status = status


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ApiServer:
    """``python -m benchmarks.api_server`` on a free loopback port; stopped by :meth:`stop`."""

    def __init__(self, url: str, workers: int = 1) -> None:
        self.port = free_port()
        self.log = Path(os.environ.get("TMPDIR", "/tmp")) / f"suanpan-bench-{self.port}.log"
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
        }
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "benchmarks.api_server",
                    url,
                    str(self.port),
                    str(workers),
                ],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        self._wait_ready()

    def _wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the API server exited early:\n{self.log.read_text()[-3000:]}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/__bench__/stats")
                if conn.getresponse().status == 200:
                    conn.close()
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the API server did not answer within {timeout:.0f} s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.unlink(missing_ok=True)


class ApiClient:
    """One keep-alive connection, JSON in and out, Decimals kept exact both ways."""

    def __init__(self, port: int, key: str) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.headers = {
            "Authorization": f"Bearer {key}",
            "Content-Type": "application/json",
            "Accept": "application/json",
        }
        self.statements = 0  # summed from the server's x-sql-statements headers
        self.served_by: Counter[str] = Counter()  # requests per server process (x-server-pid)

    def call(self, method: str, path: str, body: Any = None, **query: Any) -> Any:
        if query:
            path = f"{path}?{urlencode(query)}"
        payload = json.dumps(body, default=str) if body is not None else None
        self.conn.request(method, path, body=payload, headers=self.headers)
        response = self.conn.getresponse()
        raw = response.read()
        self.statements += int(response.getheader("x-sql-statements") or 0)
        self.served_by[response.getheader("x-server-pid") or "?"] += 1
        if response.status >= 400:
            raise ApiError(
                f"{method} {path} → {response.status}: {raw[:500].decode(errors='replace')}",
                response.status,
            )
        return json.loads(raw, parse_float=Decimal) if raw else None

    def action(self, model: str, record_id: int, name: str) -> Any:
        return self.call("POST", f"{API}/{model}/{record_id}/actions/{name}", {})

    def stats(self) -> dict[str, Any]:
        return dict(self.call("GET", "/__bench__/stats"))

    def close(self) -> None:
        self.conn.close()


class ApiDriver:
    """The steps of :mod:`benchmarks.steps`, one or a few HTTP requests each."""

    def __init__(self, client: ApiClient) -> None:
        self.client = client
        journals = client.call(
            "GET", f"{API}/account.journal", **{"filter[type]": "bank", "limit": 1}
        )["items"]
        if not journals:
            raise StepFailed("the API shows no bank journal to receive payments in")
        self.journal_id = int(journals[0]["id"])

    def statements(self) -> int:
        return self.client.statements

    def create(self, customer_id: int, lines: list[dict[str, Any]]) -> int:
        order = self.client.call(
            "POST",
            f"{API}/sale.order",
            {
                "partner_id": customer_id,
                "lines": [
                    {"product_id": line["product_id"], "quantity": line["quantity"]}
                    for line in lines
                ],
            },
        )
        return int(order["id"])

    def submit(self, order_id: int) -> str:
        return str(self.client.action("sale.order", order_id, "submit")["state"])

    def approve(self, order_id: int, state: str) -> None:
        if state == "submitted":
            state = str(self.client.action("sale.order", order_id, "approve")["state"])
        if state != "in_progress":
            raise StepFailed(f"order #{order_id} is {state} after approval, not in_progress")

    def reserve(self, order_id: int) -> int:
        found = self.client.call(
            "GET",
            f"{API}/stock.picking",
            **{
                "filter[origin_model]": "sale.order",
                "filter[origin_id]": order_id,
                "filter[state][in]": "waiting,ready",
                "fields": "id,name,state",
                "order": "id",
                "limit": 1,
            },
        )["items"]
        if not found:
            raise StepFailed(f"order #{order_id} has no open delivery after approval")
        picking = found[0]
        if picking["state"] == "waiting":
            picking = self.client.action("stock.picking", picking["id"], "reserve")
        if picking["state"] != "ready":
            raise StepFailed(f"{picking['name']} is {picking['state']}: goods not reserved")
        return int(picking["id"])

    def deliver(self, order_id: int, picking_id: int) -> None:
        picking = self.client.action("stock.picking", picking_id, "validate")
        if picking["state"] != "done":
            raise StepFailed(f"{picking['name']} is {picking['state']} after validation")

    def pay(self, order_id: int) -> None:
        found = self.client.call(
            "GET",
            f"{API}/account.move",
            **{
                "filter[origin_model]": "sale.order",
                "filter[origin_id]": order_id,
                "filter[move_type]": "out_invoice",
                "filter[state]": "posted",
                "fields": "id,name,partner_id,company_id,currency_id,amount_residual",
                "limit": 1,
            },
        )["items"]
        if not found:
            raise StepFailed(f"order #{order_id} has no posted invoice after delivery")
        invoice = found[0]
        payment = self.client.call(
            "POST",
            f"{API}/account.payment",
            {
                "payment_type": "inbound",
                "partner_id": invoice["partner_id"],
                "journal_id": self.journal_id,
                "company_id": invoice["company_id"],
                "currency_id": invoice["currency_id"],
                "amount": invoice["amount_residual"],
                "reference": invoice["name"],
                # Name the invoice: without it the payment settles the customer's
                # oldest open invoice, which may be another clerk's order.
                "allocations": [{"move_id": invoice["id"]}],
            },
        )
        self.client.action("account.payment", payment["id"], "post")
        order = self.client.call(
            "GET", f"{API}/sale.order", **{"filter[id]": order_id, "fields": "id,name,state"}
        )["items"][0]
        if order["state"] != "closed":
            raise StepFailed(f"{order['name']} is {order['state']} after payment, not closed")
