"""Protected views of every supported style, answering who the request's user is."""

from django.http import HttpRequest, HttpResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import cache_page

from tokenapi.decorators import token_required
from tokenapi.http import JsonResponse


def _whoami(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"user": str(request.user.pk), "method": request.method})


@token_required
def sync_view(request: HttpRequest) -> HttpResponse:
    return _whoami(request)


@token_required
async def async_view(request: HttpRequest) -> HttpResponse:
    return _whoami(request)


@method_decorator(token_required, name="dispatch")
class ClassView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        return _whoami(request)

    def post(self, request: HttpRequest) -> HttpResponse:
        return _whoami(request)


class ViewCrashedError(Exception):
    """What the crashing views raise, for error-report tests."""


@token_required
def crashing_view(request: HttpRequest) -> HttpResponse:
    raise ViewCrashedError


@token_required
async def async_crashing_view(request: HttpRequest) -> HttpResponse:
    raise ViewCrashedError


# Cached outside the decorator, as Django's per-site cache would be.
cached_view = cache_page(60)(sync_view)
