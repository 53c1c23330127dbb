"""The in-process runner: a thread that runs due jobs and drains the outbox.

For one office on SQLite, ``suanpan serve`` starts it next to the web server, so
the demo instance needs no other service. It is safe alongside ``suanpan jobs
run`` or a second server: every run claims its job inside its own transaction.
"""

from __future__ import annotations

import logging
import threading

from kernel.instance import Instance
from kernel.jobs.runner import run_due, sync_jobs

log = logging.getLogger(__name__)
POLL_SECONDS = 5.0


class LocalRunner(threading.Thread):
    """Run :func:`run_due` every ``poll`` seconds until :meth:`stop`."""

    def __init__(self, instance: Instance, poll: float = POLL_SECONDS) -> None:
        super().__init__(name="suanpan-jobs", daemon=True)
        self.instance = instance
        self.poll = poll
        self._stop_event = threading.Event()
        self.ticks = 0

    def run(self) -> None:
        synced_for = None
        while not self._stop_event.is_set():
            try:
                if not self.instance.is_initialized():
                    self._stop_event.wait(self.poll)
                    continue
                registry = self.instance.reload()
                if synced_for is not registry:
                    sync_jobs(self.instance)
                    synced_for = registry
                run_due(self.instance)
            except Exception:  # the thread must outlive one bad tick
                log.exception("job runner tick failed")
            self.ticks += 1
            self._stop_event.wait(self.poll)

    def stop(self, timeout: float = 10.0) -> None:
        self._stop_event.set()
        self.join(timeout)
