"""``FieldError`` and ``Deadline`` are written out as tuple subclasses (a ``typing.NamedTuple`` costs a
cold start about 0.6M instructions each): they keep what the named tuples gave, their fields by name
and by position, equality and hashing as tuples, keyword construction, a readable repr, and pickling."""

from __future__ import annotations

import copy
import pickle
import time

from mangum.deadline import Deadline
from mangum.exceptions import FieldError, InvalidEvent


def test_a_field_error_is_its_three_fields_by_name_and_by_position() -> None:
    error = FieldError(path="rawPath", message="Input should be a valid string", kind="string_type")
    assert (error.path, error.message, error.kind) == (
        "rawPath",
        "Input should be a valid string",
        "string_type",
    )
    path, message, kind = error
    assert (path, message, kind) == tuple(error) == (error[0], error[1], error[2])
    assert len(error) == 3


def test_a_field_error_compares_and_hashes_as_the_tuple_of_its_fields() -> None:
    error = FieldError("body.qty", "Input should be a valid integer", "int_parsing")
    assert error == ("body.qty", "Input should be a valid integer", "int_parsing")
    assert error != FieldError("body.qty", "Input should be a valid integer", "missing")
    assert hash(error) == hash(("body.qty", "Input should be a valid integer", "int_parsing"))
    assert {error, FieldError("body.qty", "Input should be a valid integer", "int_parsing")} == {error}


def test_a_field_error_reads_as_before() -> None:
    error = FieldError("", "Input should be a valid dictionary", "dict_type")
    assert (
        repr(error) == "FieldError(path='', message='Input should be a valid dictionary', kind='dict_type')"
    )
    assert str(error) == "<event>: Input should be a valid dictionary [dict_type]"
    raised = InvalidEvent("ApiGatewayV2Event", (error,))
    assert (
        str(raised)
        == "invalid ApiGatewayV2Event event: <event>: Input should be a valid dictionary [dict_type]"
    )


def test_a_field_error_survives_pickling_and_copying() -> None:
    error = FieldError("headers.host", "Field required", "missing")
    for again in (pickle.loads(pickle.dumps(error)), copy.copy(error), copy.deepcopy(error)):
        assert type(again) is FieldError
        assert again == error
        assert again.kind == "missing"


def test_a_deadline_is_its_moment_and_clock_by_name_and_by_position() -> None:
    deadline = Deadline(12.5)
    assert deadline.at == 12.5
    assert deadline.clock is time.monotonic
    at, clock = deadline
    assert (at, clock) == (12.5, time.monotonic) == tuple(deadline)
    assert deadline == Deadline(12.5, time.monotonic) == (12.5, time.monotonic)
    assert hash(deadline) == hash((12.5, time.monotonic))
    assert repr(deadline) == f"Deadline(at=12.5, clock={time.monotonic!r})"


def test_a_deadline_moves_and_counts_with_its_own_clock() -> None:
    now = [100.0]

    def clock() -> float:
        return now[0]

    deadline = Deadline.after(5, clock=clock)
    assert deadline == Deadline(105.0, clock)
    assert type(deadline.extended(1)) is Deadline
    assert deadline.extended(1).at == 106.0
    assert deadline.within(2) == Deadline(102.0, clock)
    assert deadline.within(9) == deadline
    now[0] = 104.0
    assert (deadline.remaining(), deadline.expired) == (1.0, False)
    now[0] = 105.0
    assert (deadline.remaining(), deadline.expired) == (0.0, True)
    assert pickle.loads(pickle.dumps(Deadline(3.0))) == Deadline(3.0)
