"""The token endpoints, their OpenAPI description, token_required and DRF views."""

from django.urls import include, path

from tests import drf_views, views

urlpatterns = [
    path("token/", include("tokenapi.urls")),
    path("token/", include("tokenapi.contrib.openapi.urls")),
    path("api/sync/", views.sync_view),
    path("api/async/", views.async_view),
    path("api/class/", views.ClassView.as_view()),
    path("drf/whoami/", drf_views.WhoAmIView.as_view(), name="drf-whoami"),
    path("drf/public/", drf_views.PublicView.as_view()),
    path("drf/token-then-session/", drf_views.TokenThenSessionView.as_view()),
    path("drf/session-then-token/", drf_views.SessionThenTokenView.as_view()),
    path("drf/lazy/", drf_views.LazyAuthenticationView.as_view()),
    path("drf/", include(drf_views.router.urls)),
]
