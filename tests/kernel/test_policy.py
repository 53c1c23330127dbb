"""Model policies (kernel.policy): every kernel model has one, and bad declarations are refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kernel import policy
from kernel.errors import AddonError


def test_every_kernel_model_has_an_explicit_policy(make_instance: Any) -> None:
    instance = make_instance([])
    assert policy.undeclared(instance.registry) == []
    assert policy.misplaced(instance.registry) == []
    rules = policy.policies(instance.registry)
    assert rules.of("ir.sequence.counter").system == {"create", "write", "delete"}
    assert rules.of("res.user.apikey").immutable == {"user_id"}
    assert "read" in rules.of("web.session").system
    assert rules.of("ir.attachment").attached and not rules.of("ir.attachment").system


@pytest.mark.parametrize(
    "body",
    [
        '[[policy]]\nmodel = "x"\n',  # no kind
        '[[policy]]\nmodel = "x"\nkind = "open"\n',  # unknown kind
        '[[policy]]\nmodel = "x"\nkind = "data"\nsystem = "w"\n',  # system ops on a data model
        '[[policy]]\nmodel = "x"\nkind = "system"\nsystem = "wx"\n',  # unknown letter
    ],
)
def test_malformed_policies_are_refused_with_the_file_named(tmp_path: Path, body: str) -> None:
    path = tmp_path / "security.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(AddonError, match=r"security\.toml"):
        for item in policy.read_policies(path):
            policy.parse("demo", item, path)
