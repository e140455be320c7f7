"""The token endpoints; include them under a prefix such as ``token/``."""

from django.urls import path, re_path

from tokenapi import sessions, views

urlpatterns = [
    path("new.json", views.token_new, name="api_token_new"),
    path("verify.json", views.token_verify, name="api_token_verify"),
    path("refresh.json", views.token_refresh, name="api_token_refresh"),
]
if sessions.is_enabled():
    from tokenapi.sessions import views as session_views

    urlpatterns += [
        path("logout.json", session_views.token_logout, name="api_token_logout"),
        path("logoutall.json", session_views.token_logoutall, name="api_token_logoutall"),
        path("sessions.json", session_views.token_sessions, name="api_token_sessions"),
    ]
urlpatterns += [
    # Any primary key type and any token length: 2.x's 24-character tokens and today's.
    re_path(r"^(?P<token>[^/]+)/(?P<user>[^/]+)\.json$", views.token_check, name="api_token"),
]
