"""DRF views protected by tokenapi's authentication class, as a DRF project writes them."""

from __future__ import annotations

from django.http import QueryDict
from rest_framework import routers, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tokenapi.contrib.rest_framework import TokenAuthentication


def _whoami(request: Request) -> dict[str, object]:
    return {
        "user": str(request.user.pk),
        "auth": request.auth,
        "authenticator": type(request.successful_authenticator).__name__,
    }


class WhoAmIView(APIView):
    """Uses the project's DEFAULT_AUTHENTICATION_CLASSES."""

    permission_classes = (IsAuthenticated,)

    def get(self, request: Request) -> Response:
        return Response(_whoami(request))

    def post(self, request: Request) -> Response:
        # Reads the body after authentication did: DRF must still parse it.
        data = request.data.dict() if isinstance(request.data, QueryDict) else request.data
        files = {name: upload.read().decode() for name, upload in request.FILES.items()}
        return Response({**_whoami(request), "data": data, "files": files})


class PublicView(WhoAmIView):
    permission_classes = ()


class TokenThenSessionView(WhoAmIView):
    authentication_classes = (TokenAuthentication, SessionAuthentication)


class SessionThenTokenView(WhoAmIView):
    authentication_classes = (SessionAuthentication, TokenAuthentication)


class LazyAuthenticationView(WhoAmIView):
    """Authenticates on first use of request.user, after the view has read request.data."""

    permission_classes = ()

    def perform_authentication(self, request: Request) -> None:
        pass

    def post(self, request: Request) -> Response:
        data = request.data
        return Response({"data": data, **_whoami(request)})


class NoteViewSet(viewsets.ViewSet):
    permission_classes = (IsAuthenticated,)

    def list(self, request: Request) -> Response:
        return Response([{"owner": str(request.user.pk), "text": "first"}])

    def create(self, request: Request) -> Response:
        return Response({"owner": str(request.user.pk), "text": request.data["text"]}, status=201)


router = routers.SimpleRouter()
router.register("notes", NoteViewSet, basename="note")
