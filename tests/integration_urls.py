"""The token endpoints, their OpenAPI description and DRF views, as a DRF project includes them."""

from django.urls import include, path

from tests import drf_views

urlpatterns = [
    path("token/", include("tokenapi.urls")),
    path("token/", include("tokenapi.contrib.openapi.urls")),
    path("drf/whoami/", drf_views.WhoAmIView.as_view(), name="drf-whoami"),
    path("drf/token-then-session/", drf_views.TokenThenSessionView.as_view()),
    path("drf/session-then-token/", drf_views.SessionThenTokenView.as_view()),
    path("drf/", include(drf_views.router.urls)),
]
