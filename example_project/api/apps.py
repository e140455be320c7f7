from django.apps import AppConfig
from django.db.models.signals import post_save


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "Notes API"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from api.consumers import announce_note
        from api.models import Note

        post_save.connect(announce_note, sender=Note, dispatch_uid="announce_note")
