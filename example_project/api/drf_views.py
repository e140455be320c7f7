"""4. A Django REST framework view, authenticated by tokenapi's DRF class.

Imported only when both Django REST framework and ``tokenapi.contrib.rest_framework``
are installed (see ``api/urls.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.parsers import JSONParser as DRFJSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.models import Note
from api.notes import InvalidNoteError, clean_text
from tokenapi.contrib.rest_framework import TokenAuthentication


class JSONParser(DRFJSONParser):
    """DRF's JSON parser, with a 400 instead of a 500 for a body nested too deeply."""

    def parse(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().parse(*args, **kwargs)
        except RecursionError:  # DRF catches ValueError only
            raise ParseError("JSON parse error - the body is nested too deeply.") from None


class NoteListAPIView(APIView):
    authentication_classes = (TokenAuthentication,)
    parser_classes = (JSONParser, FormParser, MultiPartParser)
    permission_classes = (IsAuthenticated,)
    renderer_classes = (JSONRenderer,)

    def get(self, request: Request) -> Response:
        notes = [note.as_json() for note in Note.objects.filter(owner=request.user)]
        return Response({"success": True, "notes": notes})

    def post(self, request: Request) -> Response:
        data = request.data  # a list, for a JSON array body
        try:
            text = clean_text(data.get("text") if isinstance(data, Mapping) else None)
        except InvalidNoteError as exc:
            return Response({"success": False, "errors": str(exc)}, status=400)
        note = Note.objects.create(owner=request.user, text=text)
        return Response({"success": True, "note": note.as_json()}, status=201)
