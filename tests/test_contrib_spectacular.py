"""tokenapi.contrib.spectacular: TokenAuthentication in drf-spectacular schemas."""

from __future__ import annotations

import sys
from typing import Any

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import path
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.generators import SchemaGenerator
from openapi_spec_validator import validate

import tokenapi.contrib
from tests import integration_urls
from tests.drf_views import WhoAmIView
from tokenapi.contrib.openapi import load_description
from tokenapi.contrib.rest_framework import TokenAuthentication


class SiteTokenAuthentication(TokenAuthentication):
    """A site's own subclass: the scheme describes it too."""


class SubclassView(WhoAmIView):
    authentication_classes = (SiteTokenAuthentication,)


def test_generated_schemas_declare_the_scheme_of_the_shipped_description(settings: Any) -> None:
    import tokenapi.contrib.spectacular  # noqa: F401 (registers, as ready() does)

    schema_class = {"DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, **schema_class}
    patterns = [*integration_urls.urlpatterns, path("drf/subclass/", SubclassView.as_view())]
    schema = SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)
    validate(schema)
    shipped = load_description()["components"]["securitySchemes"]["tokenapiAuth"]
    assert schema["components"]["securitySchemes"]["tokenapiAuth"] == shipped
    # Views using the class require it: by default the token, then the session (the manual's).
    paths = schema["paths"]
    assert paths["/drf/whoami/"]["get"]["security"] == [{"tokenapiAuth": []}, {"cookieAuth": []}]
    assert paths["/drf/notes/"]["post"]["security"] == [{"tokenapiAuth": []}, {"cookieAuth": []}]
    assert paths["/drf/subclass/"]["get"]["security"] == [{"tokenapiAuth": []}]


def test_app_registers_the_extension_when_drf_spectacular_is_installed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def registered() -> bool:
        return any(
            extension.target_class == "tokenapi.contrib.rest_framework.TokenAuthentication"
            for extension in OpenApiAuthenticationExtension._registry
        )

    # Forget the extension, so that only ready() can bring it back.
    monkeypatch.delitem(sys.modules, "tokenapi.contrib.spectacular", raising=False)
    monkeypatch.delattr(tokenapi.contrib, "spectacular", raising=False)
    monkeypatch.setattr(
        OpenApiAuthenticationExtension,
        "_registry",
        [
            extension
            for extension in OpenApiAuthenticationExtension._registry
            if extension.__module__ != "tokenapi.contrib.spectacular"
        ],
    )
    with override_settings(INSTALLED_APPS=settings.INSTALLED_APPS):
        assert not registered()  # without drf_spectacular in INSTALLED_APPS, nothing
    with override_settings(INSTALLED_APPS=[*settings.INSTALLED_APPS, "drf_spectacular"]):
        assert registered()
