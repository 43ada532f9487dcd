"""The event builders' own values: what serve and the samples put in the events they build."""

from __future__ import annotations

import base64
import uuid
from collections import Counter
from datetime import datetime, timedelta, timezone

from mangum._sources.builders import clf_time, connection_id, random_uuid


def test_connection_ids_are_base64_in_form_and_safe_in_a_url_path() -> None:
    # serve's Management API and inspector take the id in a URL path: a "/" in it split the path
    # (a 404 for a test posting to a connection about once in five runs).
    ids = {connection_id() for _ in range(5000)}
    assert len(ids) == 5000
    for made in ids:
        assert "/" not in made
        assert "+" not in made
        assert len(base64.b64decode(made, validate=True)) == 11


def test_random_uuids_are_version_4_written_as_uuid_writes_them() -> None:
    made = [random_uuid() for _ in range(5000)]
    assert len(set(made)) == 5000
    variants: Counter[str] = Counter()
    for text in made:
        parsed = uuid.UUID(text)
        assert str(parsed) == text
        assert parsed.version == 4
        assert parsed.variant == uuid.RFC_4122
        variants[text[19]] += 1
    # The variant digit takes each of its four values (8, 9, a, b), not one fixed one.
    assert set(variants) == set("89ab")


def test_request_times_are_written_as_api_gateway_writes_them() -> None:
    assert (
        clf_time(datetime(2020, 3, 12, 19, 3, 58, 123456, tzinfo=timezone.utc))
        == "12/Mar/2020:19:03:58 +0000"
    )
    assert clf_time(datetime(2021, 1, 2, 3, 4, 5, tzinfo=timezone.utc)) == "02/Jan/2021:03:04:05 +0000"
    start = datetime(2024, 1, 1, tzinfo=timezone.utc)
    for day in range(0, 366, 7):  # every month's name, as the C locale's strftime writes it
        moment = start + timedelta(days=day, seconds=day * 997)
        assert clf_time(moment) == moment.strftime("%d/%b/%Y:%H:%M:%S +0000")
