"""Every error the library raises, under one base class, :class:`MangumError`."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # this module is on every cold start: no Callable subscripted at import
    from collections.abc import Callable
    from typing import TypeAlias

    _Reduced: TypeAlias = tuple[
        Callable[[type[BaseException], tuple[object, ...]], BaseException],
        tuple[type[BaseException], tuple[object, ...]],
        dict[str, object],
    ]


def _restored(cls: type[BaseException], args: tuple[object, ...]) -> BaseException:
    """An error as it was pickled, made without running its ``__init__`` (whose parameters are not
    its ``args``); pickle then sets its attributes, ``__notes__`` among them."""
    error = cls.__new__(cls, *args)
    error.args = args  # OSError.__new__ keeps no args for a subclass with its own __init__
    return error


def _reduced(error: BaseException) -> _Reduced:
    # BaseException's own reduction calls the class with ``args`` (the message): not what the
    # __init__ of most errors here takes, so they could not cross a process boundary.
    return _restored, (type(error), error.args), error.__dict__


class MangumError(Exception):
    """Base class of every error raised by mangum."""

    def __reduce__(self) -> _Reduced:
        return _reduced(self)


class FieldError(tuple[str, str, str]):
    """One problem found in an event: where it is and what is wrong, never the offending value.

    A tuple of ``(path, message, kind)`` with those three names, as a named tuple is: written out
    rather than a ``typing.NamedTuple``, whose class creation compiles code and costs about 0.6M
    instructions of every cold start (this module is on the adapter's import path).
    """

    __slots__ = ()

    def __new__(cls, path: str, message: str, kind: str) -> FieldError:
        return tuple.__new__(cls, (path, message, kind))

    def __getnewargs__(self) -> tuple[str, str, str]:
        return (self[0], self[1], self[2])

    @property
    def path(self) -> str:
        """The dotted path of the field (``requestContext.http.method``); empty for the event itself."""
        return self[0]

    @property
    def message(self) -> str:
        """What is wrong, in pydantic's words."""
        return self[1]

    @property
    def kind(self) -> str:
        """pydantic's error type (``missing``, ``string_type``...)."""
        return self[2]

    def __repr__(self) -> str:
        return f"FieldError(path={self[0]!r}, message={self[1]!r}, kind={self[2]!r})"

    def __str__(self) -> str:
        return f"{self[0] or '<event>'}: {self[1]} [{self[2]}]"


class EventError(MangumError, ValueError):
    """An incoming Lambda event cannot be used."""


class UnsupportedEvent(EventError):
    """The event matches none of the known event sources.

    ``tried`` names the sources checked, in detection order.
    """

    def __init__(self, reason: str, tried: tuple[str, ...]) -> None:
        self.reason = reason
        self.tried = tried
        super().__init__(f"unsupported event: {reason}; tried {', '.join(tried)}")


class InvalidEvent(EventError):
    """The event has a known shape but a field is missing or of the wrong type.

    ``source`` names the model that was validated; ``errors`` lists each field path with what is wrong.
    Messages never include header or body values.
    """

    def __init__(self, source: str, errors: tuple[FieldError, ...]) -> None:
        self.source = source
        self.errors = errors
        detail = "; ".join(str(error) for error in errors)
        super().__init__(f"invalid {source} event: {detail}")


class InvalidBody(EventError):
    """The event body cannot be decoded (bad base64) or does not parse into the requested model."""

    def __init__(self, message: str, errors: tuple[FieldError, ...] = ()) -> None:
        self.errors = errors
        detail = "; ".join(str(error) for error in errors)
        super().__init__(f"{message}: {detail}" if detail else message)


class InvalidArn(MangumError, ValueError):
    """A string is not an API Gateway ``execute-api`` ARN (``arn:aws:execute-api:{region}:...``)."""


class InvalidResponse(MangumError, ValueError):
    """A response model was given a value Lambda would refuse (status out of range, CR/LF in a header)."""


class ConfigurationError(MangumError, ValueError):
    """A ``Mangum(...)`` argument, or a function given to ``typed_handler``, is unusable; the message
    names the argument or the function."""


class LifespanFailure(MangumError):
    """The application's lifespan startup or shutdown failed."""


class LifespanUnsupported(MangumError):
    """The application does not support the lifespan protocol (raised only with ``lifespan="on"``)."""


class UnexpectedMessage(MangumError):
    """The application sent an ASGI message that is not valid at this point of the protocol."""


class RestoreFailed(MangumError):
    """An after-restore callback (:func:`mangum.snapstart.after_restore`) raised, or was still running
    near Lambda's 10 s restore limit: SnapStart's restore fails with it (``Runtime.AfterRestoreError``)."""


class ResponseTooLarge(MangumError):
    """The serialized response exceeds Lambda's 6 MB payload limit (the adapter answers 500 instead)."""


class DeadlineExceeded(BaseException):
    """The application was still running at the invocation's deadline; ``where`` says where.

    A ``BaseException``, as ``asyncio.CancelledError`` is, so that the application's own
    ``except Exception`` clauses do not take it for one of its errors and carry on: the one error of
    mangum's that is not a :class:`MangumError`. The adapter answers it (a 504 for HTTP, a 500 for
    WebSocket, the stream ended with an error); it never reaches the caller of the handler.
    """

    def __init__(self, where: str) -> None:
        super().__init__(f"the application was still running at the invocation's deadline ({where})")
        self.where = where

    def __reduce__(self) -> _Reduced:
        return _reduced(self)
