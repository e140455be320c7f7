"""One view per cell; every authenticated view answers the same body."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse, JsonResponse

from project import settings

# The one user the setup creates.
USER_PK = 1


def plain(request: HttpRequest) -> HttpResponse:
    """No authentication, no query: the cost of Django and the client alone."""
    return JsonResponse({"user": USER_PK})


def bare(request: HttpRequest) -> HttpResponse:
    """No authentication, but the one query any authentication needs."""
    user = get_user_model()._default_manager.get(pk=USER_PK)
    return JsonResponse({"user": user.pk})


async def bare_async(request: HttpRequest) -> HttpResponse:
    user = await get_user_model()._default_manager.aget(pk=USER_PK)
    return JsonResponse({"user": user.pk})


def whoami(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"user": request.user.pk})


async def awhoami(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"user": request.user.pk})


if settings.HAS_DRF:
    from rest_framework.permissions import IsAuthenticated
    from rest_framework.request import Request
    from rest_framework.response import Response
    from rest_framework.views import APIView

    class DrfBare(APIView):
        """DRF without authentication, fetching the user: the DRF cells' baseline."""

        authentication_classes = ()
        permission_classes = ()

        def get(self, request: Request) -> Response:
            user = get_user_model()._default_manager.get(pk=USER_PK)
            return Response({"user": user.pk})

    class DrfWhoami(APIView):
        permission_classes = (IsAuthenticated,)

        def get(self, request: Request) -> Response:
            return Response({"user": request.user.pk})
