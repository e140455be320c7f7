"""A note: a short text that belongs to one user, who alone may read it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

MAX_TEXT_LENGTH = 1000


class Note(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notes"
    )
    text = models.TextField(max_length=MAX_TEXT_LENGTH)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created", "-id")

    def __str__(self) -> str:
        return self.text[:50]

    def as_json(self) -> dict[str, Any]:
        return {"id": self.pk, "text": self.text, "created": self.created}
