"""Bad line ids and broken Unicode in a JSON body are the client's error (422), never a 500.

Both were found by the API fuzzing step (schemathesis): a nested line ``{"id": "abc"}``
and a lone UTF-16 surrogate (``"\\ud867"``) that no database can store.
"""

from __future__ import annotations

from typing import Any

import pytest
from fixtures.webclient import api_client


@pytest.mark.parametrize("line_id", ["abc", "", -3, 0, True, 2**70, 1.5])
def test_a_line_id_that_cannot_be_one_is_refused_naming_the_line(
    make_instance: Any, line_id: Any
) -> None:
    instance = make_instance(["base"])
    with api_client(instance, 1) as api:
        answer = api.patch("/api/v1/res.country/1", json={"regions": [{"id": line_id}]})
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert "regions.0.id" in answer.json()["fields"]


def test_half_a_surrogate_pair_is_refused_and_a_whole_pair_is_stored(make_instance: Any) -> None:
    instance = make_instance(["base"])
    with api_client(instance, 1) as api:
        broken = api.patch(
            "/api/v1/res.country/1",
            content=b'{"name": "Chin\\ud867a"}',
            headers={"content-type": "application/json"},
        )
        assert broken.status_code == 422, broken.text
        assert broken.json()["fields"] == {"body": broken.json()["detail"]}
        whole = api.patch(
            "/api/v1/res.country/1",
            content=b'{"name": "China \\ud867\\ude23"}',
            headers={"content-type": "application/json"},
        )
        assert whole.status_code == 200, whole.text
        assert api.get("/api/v1/res.country/1").json()["name"] == "China \U00029e23"
