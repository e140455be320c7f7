from django.urls import include, path

from tests import views

urlpatterns = [
    path("token/", include("tokenapi.urls")),
    path("api/sync/", views.sync_view, name="sync"),
    path("api/async/", views.async_view, name="async"),
    path("api/class/", views.ClassView.as_view(), name="class"),
    path("api/crash/", views.crashing_view),
    path("api/async-crash/", views.async_crashing_view),
    path("api/cached/", views.cached_view),
]
