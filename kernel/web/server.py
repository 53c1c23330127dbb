"""Serving an instance with granian (ASGI), one or many worker processes.

Host names the server answers to: ``SUANPAN_ALLOWED_HOSTS`` (comma-separated,
``*.example.com`` patterns allowed), else the defaults of
:data:`kernel.web.app.DEFAULT_ALLOWED_HOSTS` plus the address it listens on.
Behind a TLS proxy set ``SUANPAN_SECURE_COOKIES=1``.

Each worker imports :func:`app_factory`, which opens the instance named by the
environment (``SUANPAN_DB``, ``SUANPAN_ADDONS_PATH``, ``SUANPAN_ALLOWED_HOSTS``,
``SUANPAN_SECURE_COOKIES``). Workers share nothing in memory that matters:
sessions, sign-in throttling, the CSRF secret and the installed-addon version
all live in the database, so N workers on one PostgreSQL database act as one
server. (SQLite works with several workers too, but writes are serialised.)

A worker that dies (killed, out of memory, a crash in a C library) is replaced
by granian's main process (``respawn_failed_workers``) while the other workers
keep serving; only a worker that dies again within a few seconds of being
replaced (a crash loop) stops the server, for the service manager to restart
(see docs/deployment.md).

Behind a reverse proxy set ``SUANPAN_TRUSTED_PROXIES`` (comma-separated
addresses or networks, e.g. ``127.0.0.1``): requests from those addresses are
taken to come from the first untrusted address of ``X-Forwarded-For``, so
sign-in throttling counts the real client and not the proxy.
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kernel.web.app import InstanceApp

log = logging.getLogger(__name__)

ENV_DB = "SUANPAN_DB"
ENV_ADDONS = "SUANPAN_ADDONS_PATH"
ENV_HOSTS = "SUANPAN_ALLOWED_HOSTS"
ENV_SECURE = "SUANPAN_SECURE_COOKIES"
ENV_PROXIES = "SUANPAN_TRUSTED_PROXIES"
ENV_JOBS = "SUANPAN_SERVE_JOBS"  # "inprocess": each worker runs the job runner (set by `serve`)
#: seconds a worker gets to finish its requests at shutdown or replacement before it is killed
WORKER_KILL_TIMEOUT = 30


def _split(value: str | None) -> list[str]:
    return [part for part in (value or "").replace(",", os.pathsep).split(os.pathsep) if part]


def _split_hosts(value: str | None) -> list[str]:
    return [h.strip() for h in (value or "").split(",") if h.strip()]


def app_factory() -> Any:
    """The app of the instance configured in the environment (granian calls this per worker).

    Wrapped to read ``X-Forwarded-For`` only when ``SUANPAN_TRUSTED_PROXIES`` names the proxy.
    """
    app = _instance_app()
    proxies = _split_hosts(os.environ.get(ENV_PROXIES))
    if not proxies:
        return app
    from granian.utils.proxies import wrap_asgi_with_proxy_headers

    return wrap_asgi_with_proxy_headers(app, trusted_hosts=proxies)


def _instance_app() -> InstanceApp:
    from kernel.database import default_url
    from kernel.instance import Instance
    from kernel.web.app import create_app

    url = os.environ.get(ENV_DB) or default_url()
    instance = Instance.open(url, _split(os.environ.get(ENV_ADDONS)))
    hosts = _split_hosts(os.environ.get(ENV_HOSTS))
    secure_raw = os.environ.get(ENV_SECURE, "").strip().lower()
    secure = {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False}.get(
        secure_raw
    )
    app = create_app(
        instance, allowed_hosts=[h.strip() for h in hosts] or None, secure_cookies=secure
    )
    if os.environ.get(ENV_JOBS) == "inprocess":
        start_inprocess_jobs(app, instance)
    return app


def start_inprocess_jobs(app: InstanceApp, instance: Any) -> None:
    """Run scheduled jobs and the outbox in this worker process while it serves.

    Started on the app's startup, inside the worker (a thread started before the
    server forks its workers would be copied mid-flight and can hang the child).
    With several workers each runs one; every job run is claimed in its own
    transaction, so none runs twice.
    """
    from kernel.jobs.local import LocalRunner

    instance.background_delivery = True
    runner = LocalRunner(instance)
    app.on_startup.append(lambda: runner.start())
    app.on_shutdown.append(lambda: runner.stop(timeout=5.0))


def serve(
    db_url: str,
    addons_path: list[str] | None = None,
    host: str = "127.0.0.1",
    port: int = 8069,
    workers: int = 1,
    reload: bool = False,
    *,
    allowed_hosts: list[str] | None = None,
    secure_cookies: bool | None = None,
) -> None:
    """Run granian on ``host:port`` with ``workers`` processes until interrupted."""
    from granian import Granian
    from granian.constants import Interfaces

    from kernel.web.app import DEFAULT_ALLOWED_HOSTS

    os.environ[ENV_DB] = db_url
    os.environ[ENV_ADDONS] = os.pathsep.join(addons_path or [])
    hosts = list(allowed_hosts or _split_hosts(os.environ.get(ENV_HOSTS)) or DEFAULT_ALLOWED_HOSTS)
    if host not in ("0.0.0.0", "::", "") and host not in hosts:
        hosts.append(host)  # the address we listen on is one of our names
    os.environ[ENV_HOSTS] = ",".join(hosts)
    if secure_cookies is not None:
        os.environ[ENV_SECURE] = "1" if secure_cookies else "0"
    log.info("serving %s on http://%s:%s with %s worker(s)", db_url, host, port, workers)
    Granian(
        "kernel.web.server:app_factory",
        address=host,
        port=port,
        interface=Interfaces.ASGI,
        workers=max(1, workers),
        factory=True,
        reload=reload,
        # a dead worker is replaced, the others keep serving (granian stops them all otherwise)
        respawn_failed_workers=True,
        workers_kill_timeout=WORKER_KILL_TIMEOUT,
    ).serve()
