from django.contrib import admin

from api.models import Note


@admin.register(Note)
class NoteAdmin(admin.ModelAdmin):
    list_display = ("text", "owner", "created")
    list_filter = ("created",)
    search_fields = ("text",)
