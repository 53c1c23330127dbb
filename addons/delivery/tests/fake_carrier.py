"""A small fake carrier on loopback speaking the JSON API of the ``http_json`` connector.

Real HTTP (stdlib ``http.server`` in a thread), so the connector's timeouts, retries
and error handling are exercised as in production. ``plan`` scripts the answers to
the next calls, one word each, then ``ok``:

* ``ok`` — the normal answer; ``slow`` — answers after ``delay`` seconds (the client
  has timed out by then, but the booking is made); ``500`` — a server error; ``400`` —
  a refusal with a reason.

Bookings honour ``Idempotency-Key``: the same key answers the same booking, as the
connector expects of a real carrier.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

LABEL = b"%PDF-1.4\n% fake carrier label\n"
API_KEY = "fake-key-123"


class FakeCarrier:
    def __init__(self) -> None:
        self.plan: list[str] = []
        self.delay = 1.0
        self.calls: list[tuple[str, str, dict[str, Any] | None]] = []
        self.events: dict[str, list[dict[str, Any]]] = {}
        self.booked: dict[str, dict[str, Any]] = {}
        self.by_key: dict[str, dict[str, Any]] = {}
        self.cancelled: set[str] = set()
        self.lock = threading.Lock()
        self.url = ""

    def next_step(self) -> str:
        with self.lock:
            return self.plan.pop(0) if self.plan else "ok"

    def answer(
        self, method: str, path: str, body: dict[str, Any] | None, key: str = ""
    ) -> tuple[int, Any]:
        self.calls.append((method, path, body))
        step = self.next_step()
        if step == "slow":
            time.sleep(self.delay)
        elif step == "500":
            return 500, {"error": "internal"}
        elif step == "400":
            return 400, {"detail": "recipient address incomplete"}
        parts = [p for p in path.split("/") if p][1:]  # without the version prefix
        if method == "POST" and parts == ["shipments"]:
            with self.lock:
                if key and key in self.by_key:
                    return 201, self.by_key[key]
                number = f"FC{len(self.booked) + 1:08d}"
                self.booked[number] = body or {}
                booking = {
                    "tracking_number": number,
                    "id": f"bk-{len(self.booked)}",
                    "label_pdf": base64.b64encode(LABEL).decode(),
                }
                if key:
                    self.by_key[key] = booking
                return 201, booking
        if method == "GET" and len(parts) == 3 and parts[2] == "events":
            return 200, {"events": self.events.get(parts[1], [])}
        if method == "POST" and len(parts) == 3 and parts[2] == "cancel":
            self.cancelled.add(parts[1])
            return 200, {"cancelled": True}
        return 404, {"detail": "no such call"}


def _handler(carrier: FakeCarrier) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet tests
            pass

        def _serve(self, method: str) -> None:
            if self.headers.get("Authorization") != f"Bearer {API_KEY}":
                self._send(401, {"detail": "bad key"})
                return
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = json.loads(raw) if raw else None
            key = self.headers.get("Idempotency-Key") or ""
            status, data = carrier.answer(method, self.path, body, key)
            self._send(status, data)

        def _send(self, status: int, data: Any) -> None:
            payload = json.dumps(data).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except OSError:  # the client gave up (timeout): nobody to answer
                pass

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

    return Handler


@contextmanager
def fake_carrier() -> Iterator[FakeCarrier]:
    """A running fake carrier on ``127.0.0.1`` and a free port; stopped afterwards."""
    carrier = FakeCarrier()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(carrier))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    carrier.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    try:
        yield carrier
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
