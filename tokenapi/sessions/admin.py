"""The admin lists sessions and ends them; it never shows a session's key or a token."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from tokenapi.sessions.models import Session


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("__str__", "user", "device", "created", "refreshed", "ended")
    list_filter = ("ended", "created")
    list_select_related = ("user",)
    ordering = ("-created",)
    fields = ("user", "device", "created", "refreshed", "ended")
    readonly_fields = fields
    actions = ("end_sessions",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # sessions begin at a login

    @admin.action(description="End the selected sessions", permissions=["change"])
    def end_sessions(self, request: HttpRequest, queryset: QuerySet[Session]) -> None:
        ended = queryset.filter(ended__isnull=True).update(ended=timezone.now())
        self.message_user(request, f"{ended} session(s) ended.", messages.SUCCESS)
