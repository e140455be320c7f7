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
from tests.drf_views import WhoAmIView
from tokenapi.contrib.rest_framework import TokenAuthentication

SCHEME = {
    "type": "http",
    "scheme": "basic",
    "description": (
        "HTTP Basic with the user id as the user name and the token as the password. "
        "The same pair may instead be sent as `user` and `token` form or query "
        "parameters, or in a JSON object body."
    ),
}


@pytest.fixture
def spectacular_settings(settings: Any) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    }


class SiteTokenAuthentication(TokenAuthentication):
    """A site's own subclass: the scheme describes it too."""


class SubclassView(WhoAmIView):
    authentication_classes = (SiteTokenAuthentication,)


def _schema() -> dict[str, Any]:
    from tests import integration_urls

    patterns = [*integration_urls.urlpatterns, path("drf/subclass/", SubclassView.as_view())]
    generator = SchemaGenerator(patterns=patterns)
    return generator.get_schema(request=None, public=True)  # type: ignore[no-any-return]


@pytest.mark.usefixtures("spectacular_settings")
def test_generated_schema_declares_the_scheme() -> None:
    import tokenapi.contrib.spectacular  # noqa: F401 (registers, as ready() does)

    schema = _schema()
    validate(schema)
    assert schema["components"]["securitySchemes"]["tokenapiAuth"] == SCHEME


@pytest.mark.usefixtures("spectacular_settings")
def test_views_using_the_class_require_the_scheme() -> None:
    import tokenapi.contrib.spectacular  # noqa: F401

    paths = _schema()["paths"]
    # The project default: the token, then the session (the README's order).
    assert paths["/drf/whoami/"]["get"]["security"] == [{"tokenapiAuth": []}, {"cookieAuth": []}]
    assert paths["/drf/notes/"]["post"]["security"] == [{"tokenapiAuth": []}, {"cookieAuth": []}]
    assert paths["/drf/subclass/"]["get"]["security"] == [{"tokenapiAuth": []}]


def test_scheme_matches_the_shipped_description() -> None:
    from tokenapi.contrib.openapi import load_description

    description = load_description()
    assert description["components"]["securitySchemes"]["tokenapiAuth"] == SCHEME


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
