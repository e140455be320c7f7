"""The notes API, included under ``api/``."""

from django.urls import path

from api import views

urlpatterns = [
    path("whoami/", views.whoami, name="whoami"),
    path("notes/", views.notes, name="notes"),
    path("cbv/notes/", views.NoteListView.as_view(), name="cbv-notes"),
    path("async/notes/", views.notes_async, name="async-notes"),
]

if views.drf_available():
    from api.drf_views import NoteListAPIView

    urlpatterns.append(path("drf/notes/", NoteListAPIView.as_view(), name="drf-notes"))
