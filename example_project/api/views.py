"""Protected JSON endpoints in every style ``token_required`` supports.

Each lists (GET) and creates (POST, field ``text``) the notes of the user the
token belongs to; nobody sees anybody else's notes. The client sends its user
id and token as parameters (form fields or query string), in a JSON body, or
as ``Authorization: Basic base64(user:token)``.
"""

from __future__ import annotations

import functools
from importlib.util import find_spec

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View

from api.models import Note
from api.notes import InvalidNoteError, clean_text, read_fields
from tokenapi.decorators import token_required
from tokenapi.http import JsonResponse, JsonResponseBadRequest, JsonResponseNotAllowed

ALLOWED_METHODS = ("GET", "HEAD", "POST")


def method_not_allowed(request: HttpRequest) -> HttpResponse:
    response = JsonResponseNotAllowed(f"Method {request.method} not allowed; use GET or POST.")
    response["Allow"] = ", ".join(ALLOWED_METHODS)
    return response


@functools.cache
def drf_available() -> bool:
    """Whether Django REST framework and tokenapi's DRF authentication are installed."""
    return find_spec("rest_framework") is not None and (
        find_spec("tokenapi.contrib.rest_framework") is not None
    )


def list_notes(request: HttpRequest) -> HttpResponse:
    notes = Note.objects.filter(owner=request.user)
    return JsonResponse({"notes": [note.as_json() for note in notes]})


def create_note(request: HttpRequest) -> HttpResponse:
    try:
        text = clean_text(read_fields(request).get("text"))
    except InvalidNoteError as exc:
        return JsonResponseBadRequest(str(exc))
    note = Note.objects.create(owner=request.user, text=text)
    return JsonResponse({"note": note.as_json()}, status=201)


def index(request: HttpRequest) -> HttpResponse:
    """What this site offers, for people exploring it with curl."""
    endpoints = {
        "obtain a token": reverse("api_token_new"),
        "verify a token": reverse("api_token_verify"),
        "refresh a token": reverse("api_token_refresh"),
        "list your devices (sessions)": reverse("api_token_sessions"),
        "log out this device": reverse("api_token_logout"),
        "log out every device": reverse("api_token_logoutall"),
        "OpenAPI description of the token endpoints": reverse("api_token_openapi"),
        "who am I (README's quickstart view)": reverse("whoami"),
        "notes (function view)": reverse("notes"),
        "notes (class-based view)": reverse("cbv-notes"),
        "notes (async view)": reverse("async-notes"),
    }
    if drf_available():
        endpoints["notes (Django REST framework)"] = reverse("drf-notes")
    endpoints["notes (django-ninja)"] = reverse("ninja:list_notes")
    # WebSockets, served by example.asgi only (api/consumers.py).
    websockets = {"notes feed": "/ws/notes/"}
    return JsonResponse({"endpoints": endpoints, "websockets": websockets})


# 0. The README's quickstart view.
@token_required
def whoami(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"username": request.user.get_username()})


# 1. A function view.
@token_required
def notes(request: HttpRequest) -> HttpResponse:
    if request.method in ("GET", "HEAD"):
        return list_notes(request)
    if request.method == "POST":
        return create_note(request)
    return method_not_allowed(request)


# 2. A class-based view, protected through method_decorator.
@method_decorator(token_required, name="dispatch")
class NoteListView(View):
    http_method_names = ("get", "head", "post")

    def get(self, request: HttpRequest) -> HttpResponse:
        return list_notes(request)

    def post(self, request: HttpRequest) -> HttpResponse:
        return create_note(request)

    def http_method_not_allowed(
        self, request: HttpRequest, *args: object, **kwargs: object
    ) -> HttpResponse:
        # Django's own answer is an empty text/html 405; API clients get JSON.
        return method_not_allowed(request)


# 3. An async view: the decorator authenticates without blocking the event loop.
@token_required
async def notes_async(request: HttpRequest) -> HttpResponse:
    if request.method in ("GET", "HEAD"):
        owned = Note.objects.filter(owner=request.user)
        return JsonResponse({"notes": [note.as_json() async for note in owned]})
    if request.method == "POST":
        try:
            text = clean_text(read_fields(request).get("text"))
        except InvalidNoteError as exc:
            return JsonResponseBadRequest(str(exc))
        note = await Note.objects.acreate(owner=request.user, text=text)
        return JsonResponse({"note": note.as_json()}, status=201)
    return method_not_allowed(request)
