"""Hook specifications of the kernel's own lifecycle.

Every hook is called with keyword arguments only. Hooks that contribute things
(routes, menus, views, jobs, commands) receive a ``register`` callable instead of
returning lists, so the kernel owns naming and clash handling. Unless a hook
says otherwise, it runs inside the unit of work (transaction) of the event that
fired it: if an implementation raises, the whole unit rolls back.

These docstrings are the contract: ``docs/hooks.md`` is rendered from them
(``python -m kernel.hookdocs``), and a test fails when it is stale or a hook has
no docstring.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kernel.hooks import HookFacade, hookspec

if TYPE_CHECKING:
    from kernel.env import Env
    from kernel.models.registry import Registry


# --- Registry and addon lifecycle -------------------------------------------------


@hookspec
def registry_ready(registry: Registry) -> None:
    """Called once an instance's registry has been composed (start-up, install, uninstall).

    ``registry`` is the freshly composed registry: models are mapped, but there is
    no unit of work, so no database access here. Return value is ignored.
    """


@hookspec
def addon_installed(env: Env, addon: str) -> None:
    """Called after ``addon`` was installed, inside the install transaction.

    Fires for every installed addon's implementation (including the new one),
    after its tables exist and its data files are loaded. Raising aborts the
    whole installation. Return value is ignored.
    """


@hookspec
def addon_uninstalling(env: Env, addon: str) -> None:
    """Called before ``addon``'s tables and data are removed, inside the uninstall transaction.

    Use it to clean rows your addon wrote about ``addon``'s records. Raising
    aborts the uninstall. Return value is ignored.
    """


# --- Contributions (called when the web host / CLI / scheduler is assembled) -------


@hookspec
def register_routes(register: Callable[..., None]) -> None:
    """Contribute Litestar route handlers or controllers.

    Call ``register(handler_or_controller)`` once per item. Called when the web
    app of an instance is assembled; no unit of work is open. Screens for your
    models come from ``register_views`` without any route of your own.
    """


@hookspec
def register_menus(register: Callable[..., None]) -> None:
    """Contribute menu entries: ``register(key, label, url, parent=None, sequence=10, group=None)``.

    ``key`` is unique across addons: prefix it with your addon's name. ``url`` is
    ``None`` for an entry that only holds others. ``parent`` is the key of the entry
    to hang yours under — any installed addon's, e.g. ``"base"`` (Master Data),
    ``"base.config"``, ``"sales"``, ``"stock"``, ``"stock.config"``, ``"purchase"``,
    ``"accounting"``, ``"reporting"`` or ``"kernel.settings"``; an entry whose parent
    is not installed is shown at the top level. Up to three levels (top menu →
    section → entries); siblings are sorted by ``sequence``, then key. ``group``
    (e.g. ``"sales_order.group_user"``) hides the entry from users not in it, and a
    holder left without visible entries is hidden too. Called once per composed
    registry; no unit of work is open.
    """


@hookspec
def register_views(register: Callable[..., None]) -> None:
    """Contribute list/form screens: ``register(view)`` with a :class:`kernel.web.views.View`.

    A ``View`` names a model and the URL segment of its screens (``/app/<url>``), its
    list (``ListView``), form (``FormView`` with ``Section`` and ``Lines``), filters and
    optional pivot; ``register(ViewExtension(...))`` adds columns, fields, sections or
    filters to another addon's view. The JSON API (``/api/v1/<model>``) needs no view.
    The classes and their options are described in the addon guide ("Views, menus
    and the JSON API")
    and their docstrings in ``kernel/web/views.py``. Called once per composed
    registry; no unit of work is open.
    """


@hookspec
def register_template_dirs(register: Callable[..., None]) -> None:
    """Contribute Jinja2 template folders: ``register(path)``.

    Folders of later addons (in dependency order) are searched first, so an addon
    overrides or extends a template of an addon it depends on.
    """


@hookspec
def register_static_dirs(register: Callable[..., None]) -> None:
    """Contribute static folders: ``register(prefix, path)``, served at ``/static/<prefix>/``.

    Use your addon's name as ``prefix``. Called when the web app of an instance is
    assembled; no unit of work is open.
    """


@hookspec
def register_form_panels(register: Callable[..., None]) -> None:
    """Contribute panels shown on a model's form under its status bar (a saved record's).

    ``register(key, model, render, group=None)`` with ``render(env, record) ->
    markupsafe.Markup | None`` (``None``: nothing to show for this record), called in
    a savepoint of the form's unit of work. Why: an addon shows what it knows about
    another addon's document (reporting: the order's milestones with times and
    people) without replacing that addon's view. A panel that raises is logged and
    left out.
    """


@hookspec
def register_document_links(register: Callable[..., None]) -> None:
    """Contribute the "related documents" of a model's form: ``register(DocumentLink(...))``.

    :class:`kernel.web.related.DocumentLink` names the form's model, the target
    model, a label ("Deliveries") and how to find the documents: ``domain(record)``
    (list filter pairs, so the count matches the list it opens) or ``where(env,
    Target, record)`` (an SQL condition; one document opens its form). Its
    ``milestones`` make those status-bar chips link to the same documents. Why a
    hook: the order's addon does not know who makes deliveries or invoices for it;
    each of those addons says so, and the kernel imports none of them. Links whose
    models are not installed, or that the user may not read, are left out.
    """


@hookspec
def register_dashboard_widgets(register: Callable[..., None]) -> None:
    """Contribute home-page widgets: ``register(key, title, render, group=None)``.

    ``render(env) -> markupsafe.Markup`` is called inside a read-only unit of work.
    """


@hookspec
def register_cli_commands(register: Callable[..., None]) -> None:
    """Contribute click commands to ``suanpan``: ``register(command)``.

    Called when the database given to ``suanpan`` is initialized; a name already
    taken (by the kernel or another addon) is ignored with a warning. Receive the
    instance with ``kernel.cli.pass_instance``::

        @click.command("loyalty-report")
        @pass_instance
        def loyalty_report(instance):
            with instance.unit(None, su=True, readonly=True) as env:
                ...


        @hookimpl
        def register_cli_commands(register):
            register(loyalty_report)

    Run it as ``suanpan --db URL loyalty-report`` (database options go before the
    command name).
    """


@hookspec
def register_jobs(register: Callable[..., None]) -> None:
    """Contribute scheduled jobs: ``register(name, func, every_seconds)`` or ``register(name, func, cron="0 2 * * *")``.

    ``name`` is ``<addon>.<job>``. Keyword options: ``cron`` (five fields, or six
    with seconds; instead of ``every_seconds``), ``queue`` (default ``"default"``;
    ``suanpan worker --queue`` picks queues), ``max_failures`` (default 5: after
    that many failed runs in a row the job is disabled and shown as failing).
    ``func(env)`` runs in its own unit of work as the system (``env.su``), on the
    in-process runner (SQLite, ``suanpan serve``) or a ``suanpan worker``
    (PostgreSQL); a run never overlaps another run of the same job. What it
    returns is kept as the run's summary; raising rolls the run back and records
    the error. Called when the job runner is assembled; no unit of work is open.
    See ``docs/jobs.md`` for how runs are scheduled on SQLite and PostgreSQL.
    """


@hookspec
def register_notifications(register: Callable[..., None]) -> None:
    """Declare the internal notifications an addon sends: ``register(event, label, group)``.

    Users of ``group`` see each on their Notifications page (user menu) and may
    turn it off; :func:`kernel.mail.notify.staff` (``staff(env, event, group)``)
    returns only those who still want it. Called when the page is built; no unit of
    work is open.
    """


# --- Units of work and side effects -----------------------------------------------


@hookspec(firstresult=True)
def deliver_outbox_message(env: Env, topic: str, payload: dict[str, Any]) -> bool | None:
    """Send one outbox message (e-mail, webhook, ...) after its transaction committed.

    Return ``True`` when your implementation handled ``topic``; the first ``True``
    stops the call. ``None`` means "not mine". Raising leaves the message pending
    with its reason: it is tried again after a growing delay (30 s, 1 min, 2 min …
    1 h) and shown as failed after 8 attempts. Runs outside the business
    transaction, in a unit of its own: what your implementation writes through
    ``env`` commits together with the "sent" mark.
    """


@hookspec(firstresult=True)
def mail_attachment(env: Env, kind: str, res_id: int) -> tuple[str, bytes, str] | None:
    """Render an e-mail attachment when the message is sent: ``(filename, data, mimetype)``.

    :func:`kernel.mail.notify.notify` names attachments as ``(kind, id)``, e.g.
    ``("accounting.invoice_pdf", 42)``; the addon owning ``kind`` answers, others
    return ``None``. Runs in the sending unit, as the system.
    """


# --- Typed calls ------------------------------------------------------------------


class KernelHooks(HookFacade):
    """Typed calls of the hooks above: ``KernelHooks(env).addon_installed(env=env, addon=name)``."""

    __slots__ = ()

    def registry_ready(self, *, registry: Registry) -> None:
        self._hook.registry_ready(registry=registry)

    def addon_installed(self, *, env: Env, addon: str) -> None:
        self._hook.addon_installed(env=env, addon=addon)

    def addon_uninstalling(self, *, env: Env, addon: str) -> None:
        self._hook.addon_uninstalling(env=env, addon=addon)

    def register_routes(self, *, register: Callable[..., None]) -> None:
        self._hook.register_routes(register=register)

    def register_menus(self, *, register: Callable[..., None]) -> None:
        self._hook.register_menus(register=register)

    def register_views(self, *, register: Callable[..., None]) -> None:
        self._hook.register_views(register=register)

    def register_template_dirs(self, *, register: Callable[..., None]) -> None:
        self._hook.register_template_dirs(register=register)

    def register_static_dirs(self, *, register: Callable[..., None]) -> None:
        self._hook.register_static_dirs(register=register)

    def register_form_panels(self, *, register: Callable[..., None]) -> None:
        self._hook.register_form_panels(register=register)

    def register_document_links(self, *, register: Callable[..., None]) -> None:
        self._hook.register_document_links(register=register)

    def register_dashboard_widgets(self, *, register: Callable[..., None]) -> None:
        self._hook.register_dashboard_widgets(register=register)

    def register_cli_commands(self, *, register: Callable[..., None]) -> None:
        self._hook.register_cli_commands(register=register)

    def register_jobs(self, *, register: Callable[..., None]) -> None:
        self._hook.register_jobs(register=register)

    def register_notifications(self, *, register: Callable[..., None]) -> None:
        self._hook.register_notifications(register=register)

    def deliver_outbox_message(
        self, *, env: Env, topic: str, payload: dict[str, Any]
    ) -> bool | None:
        handled: bool | None = self._hook.deliver_outbox_message(
            env=env, topic=topic, payload=payload
        )
        return handled

    def mail_attachment(self, *, env: Env, kind: str, res_id: int) -> tuple[str, bytes, str] | None:
        found: tuple[str, bytes, str] | None = self._hook.mail_attachment(
            env=env, kind=kind, res_id=res_id
        )
        return found
