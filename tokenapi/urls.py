"""The token endpoints; include them under a prefix such as ``token/``."""

from django.urls import path, re_path

from tokenapi import views

urlpatterns = [
    path("new.json", views.token_new, name="api_token_new"),
    path("verify.json", views.token_verify, name="api_token_verify"),
    path("refresh.json", views.token_refresh, name="api_token_refresh"),
    # Any primary key type and any token length: 2.x's 24-character tokens and today's.
    re_path(r"^(?P<token>[^/]+)/(?P<user>[^/]+)\.json$", views.token_check, name="api_token"),
]
