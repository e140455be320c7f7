"""5. A django-ninja API, authenticated by tokenapi's ninja auth class: ``/api/ninja/``.

The same notes as the other views, as a ninja project writes them: listing is
an ``async def`` operation, creating a sync one; ``TokenAuth`` serves both.
The generated OpenAPI description (``/api/ninja/openapi.json``) names the
security scheme.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI, Status

from api.models import Note
from api.notes import InvalidNoteError, clean_text, read_fields
from tokenapi.contrib.ninja import TokenAuth, install

api = NinjaAPI(title="Notes (django-ninja)", auth=TokenAuth(), urls_namespace="ninja")
install(api)  # the decorator's JSON answers to refusals, and Vary: Authorization


@api.get("/notes/")
async def list_notes(request: HttpRequest) -> dict[str, Any]:
    notes = [note.as_json() async for note in Note.objects.filter(owner=request.auth)]
    return {"success": True, "notes": notes}


@api.post("/notes/", response={201: dict[str, Any], 400: dict[str, Any]})
def create_note(request: HttpRequest) -> Status[dict[str, Any]]:
    # The text comes from form fields or a JSON body, with or without the pair.
    try:
        text = clean_text(read_fields(request).get("text"))
    except InvalidNoteError as exc:
        return Status(400, {"success": False, "errors": str(exc)})
    note = Note.objects.create(owner=request.auth, text=text)
    return Status(201, {"success": True, "note": note.as_json()})
