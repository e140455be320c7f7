"""6. A WebSocket notes feed, served by ``example.asgi`` at ``ws/notes/`` (Django Channels).

On connecting, the user gets ``{"notes": [...]}``, their notes newest first;
then ``{"note": {...}}`` for each note they write, through any view or this
socket (send ``{"text": "..."}``; anything else is answered with an error).
``TokenRequiredMixin`` refuses sockets without a valid pair (close codes 4400,
4401, 4403) and closes one with 4403 at its next message once the pair no
longer authenticates (password changed).
"""

from __future__ import annotations

import json
from typing import Any

from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import get_channel_layer
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from api.models import Note
from api.notes import InvalidNoteError, clean_text
from tokenapi.contrib.channels import TokenRequiredMixin


def feed_group(user_id: object) -> str:
    return f"notes.{user_id}"


class NotesFeedConsumer(TokenRequiredMixin, AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        user = self.scope["user"]
        await self.channel_layer.group_add(feed_group(user.pk), self.channel_name)
        await self.accept()  # answers the subprotocol "tokenapi" to browsers that offered it
        await self.send_json({"notes": await database_sync_to_async(notes_of)(user)})

    async def disconnect(self, code: int) -> None:
        if self.scope["user"].is_authenticated:
            await self.channel_layer.group_discard(
                feed_group(self.scope["user"].pk), self.channel_name
            )

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        # Not JSON, or a binary frame: an answer saying so, not an exception.
        try:
            content = json.loads(text_data) if text_data is not None else None
        except (ValueError, RecursionError):
            content = None
        await self.receive_json(content)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        try:
            text = clean_text(content.get("text") if isinstance(content, dict) else None)
        except InvalidNoteError as exc:
            await self.send_json({"success": False, "errors": str(exc)})
            return
        await database_sync_to_async(Note.objects.create)(owner=self.scope["user"], text=text)

    async def note_created(self, message: dict[str, Any]) -> None:
        await self.send_json({"note": message["note"]})

    @classmethod
    async def encode_json(cls, content: Any) -> str:
        return json.dumps(content, cls=DjangoJSONEncoder)


def notes_of(user: Any) -> list[dict[str, Any]]:
    return [note.as_json() for note in Note.objects.filter(owner=user)]


def announce_note(sender: type[Note], instance: Note, created: bool, **kwargs: Any) -> None:
    """``post_save`` receiver: send a new note to its owner's open sockets, once it is committed."""
    layer = get_channel_layer()
    if not created or layer is None:
        return
    # JSON-safe, as a layer across processes (Redis) would need it.
    note = json.loads(json.dumps(instance.as_json(), cls=DjangoJSONEncoder))
    message = {"type": "note.created", "note": note}
    group = feed_group(instance.owner_id)
    transaction.on_commit(lambda: async_to_sync(layer.group_send)(group, message))
