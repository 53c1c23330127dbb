"""Test addon of the web host: one of each contribution the shell assembles."""

from __future__ import annotations

from kernel.addons.parts import AddonParts


def register(parts: AddonParts) -> None:
    from webshell import hooks

    parts.plugin(hooks)
