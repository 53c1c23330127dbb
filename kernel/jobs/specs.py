"""What addons register with ``register_jobs``: a name, a function and a schedule.

A schedule is an interval (``every_seconds``) or a cron expression (``cron``, five
fields, or six with seconds), read with croniter — the parser procrastinate uses.
Collected once per composed registry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from croniter import croniter

from kernel.errors import AddonError
from kernel.hookspecs import KernelHooks
from kernel.i18n import _

if TYPE_CHECKING:
    from kernel.models.registry import Registry


@dataclass(frozen=True)
class JobSpec:
    """One registered job. ``func(env, **params)`` runs in its own unit of work."""

    name: str
    func: Callable[..., Any]
    every_seconds: int | None = None
    cron: str = ""
    queue: str = "default"
    max_failures: int = 5

    def next_after(self, moment: dt.datetime) -> dt.datetime:
        """The first scheduled time strictly after ``moment`` (UTC)."""
        if self.cron:
            found: dt.datetime = croniter(self.cron, moment).get_next(dt.datetime)
            return found
        return moment + dt.timedelta(seconds=self.every_seconds or 3600)

    @property
    def addon(self) -> str:
        return self.name.split(".", 1)[0]


def make_spec(
    name: str,
    func: Callable[..., Any],
    every_seconds: int | None = None,
    *,
    cron: str = "",
    queue: str = "default",
    max_failures: int = 5,
) -> JobSpec:
    """Check what an addon registers; a bad schedule fails at start-up, not at 3 a.m."""
    if not name or "." not in name:
        raise AddonError(_("job name %(name)s must be <addon>.<job>", name=name))
    if bool(every_seconds) == bool(cron):
        raise AddonError(
            _("job %(name)s needs either every_seconds or a cron expression", name=name)
        )
    if every_seconds is not None and every_seconds < 1:
        raise AddonError(_("job %(name)s: every_seconds must be at least 1", name=name))
    if cron and not croniter.is_valid(cron):
        raise AddonError(_("job %(name)s: invalid cron expression %(cron)s", name=name, cron=cron))
    return JobSpec(name, func, every_seconds, cron, queue, max_failures)


def job_specs(registry: Registry) -> dict[str, JobSpec]:
    """Every job of the installed addons by name (collected once per registry)."""
    found: dict[str, JobSpec] | None = getattr(registry, "_job_specs", None)
    if found is not None:
        return found
    specs: dict[str, JobSpec] = {}

    def register(
        name: str, func: Callable[..., Any], every_seconds: int | None = None, **kw: Any
    ) -> None:
        if name in specs:
            raise AddonError(_("job %(name)s is registered twice", name=name))
        specs[name] = make_spec(name, func, every_seconds, **kw)

    KernelHooks(registry.pm).register_jobs(register=register)
    setattr(registry, "_job_specs", specs)  # noqa: B010 - a cache the dataclass does not declare
    return specs
