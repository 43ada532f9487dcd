"""The event builders' own values: what serve and the samples put in the events they build."""

from __future__ import annotations

import base64

from mangum._sources.builders import connection_id


def test_connection_ids_are_base64_in_form_and_safe_in_a_url_path() -> None:
    # serve's Management API and inspector take the id in a URL path: a "/" in it split the path
    # (a 404 for a test posting to a connection about once in five runs).
    ids = {connection_id() for _ in range(5000)}
    assert len(ids) == 5000
    for made in ids:
        assert "/" not in made
        assert "+" not in made
        assert len(base64.b64decode(made, validate=True)) == 11
