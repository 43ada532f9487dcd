"""The shared routes (see ``tests/support/frameworks/__init__.py``) in Django, served by its ASGI handler."""

from __future__ import annotations

import sys
import types

import django
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path

from mangum.types import ASGI
from tests.support.frameworks import BINARY, Boom

URLCONF = __name__ + "_urls"


def json_route(request: HttpRequest) -> JsonResponse:
    """Greeting plus what Django saw of the path."""
    return JsonResponse(
        {
            "hello": request.GET.get("name", "world"),
            "path": request.path_info,
            "root_path": request.META.get("SCRIPT_NAME", ""),
        }
    )


def binary_route(request: HttpRequest) -> HttpResponse:
    """Bytes 0..255 as a PNG."""
    return HttpResponse(BINARY, content_type="image/png")


def cookies_route(request: HttpRequest) -> HttpResponse:
    """Two cookies."""
    response = HttpResponse("cookies set", content_type="text/plain")
    response.set_cookie("a", "1")
    response.set_cookie("b", "2")
    return response


def boom_route(request: HttpRequest) -> HttpResponse:
    """Always fails."""
    raise Boom("boom")


def echo_route(request: HttpRequest) -> HttpResponse:
    """The request body back."""
    return HttpResponse(request.body, content_type=request.content_type)


def make_app() -> ASGI:
    """Django's ASGI handler over the routes above (settings configured in code, once)."""
    if not settings.configured:
        urls = types.ModuleType(URLCONF)
        urls.urlpatterns = [  # type: ignore[attr-defined]  # a URLconf is any module with this attribute
            path("json", json_route),
            path("binary", binary_route),
            path("cookies", cookies_route),
            path("boom", boom_route),
            path("echo", echo_route),
        ]
        sys.modules[URLCONF] = urls
        settings.configure(
            DEBUG=False,
            SECRET_KEY="tests-only",
            ROOT_URLCONF=URLCONF,
            ALLOWED_HOSTS=["*"],
            MIDDLEWARE=[],
            INSTALLED_APPS=[],
            USE_TZ=True,
            LOGGING_CONFIG=None,
        )
        django.setup()
    from django.core.handlers.asgi import ASGIHandler  # needs configured settings

    return ASGIHandler()
