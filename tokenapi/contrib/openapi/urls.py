"""``openapi.json``; include it next to ``tokenapi.urls``, e.g. under ``token/``."""

from django.urls import path

from tokenapi.contrib.openapi import views

urlpatterns = [
    path("openapi.json", views.openapi_description, name="api_token_openapi"),
]
