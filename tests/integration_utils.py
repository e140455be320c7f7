"""Checking answers against the shipped OpenAPI description (its tests and the axes lockouts)."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
from django.http import HttpResponse

from tokenapi.contrib.openapi import load_description


def documented_response(path: str, method: str, status: int) -> dict[str, Any]:
    """The response the shipped OpenAPI description documents, ``$ref`` resolved."""
    description = load_description()
    response: dict[str, Any] = description["paths"][path][method]["responses"][str(status)]
    if "$ref" in response:
        response = description["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    return response


def assert_documented(path: str, method: str, response: HttpResponse) -> None:
    """Check that ``response`` is one the description documents: status, headers and body."""
    description = load_description()
    documented = documented_response(path, method, response.status_code)

    def validate(instance: object, schema: dict[str, Any]) -> None:
        # Wrapped so that "#/components/..." references resolve in the description.
        jsonschema.Draft202012Validator(
            {"allOf": [schema], "components": description["components"]},
            format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
        ).validate(instance)

    for name, header in documented.get("headers", {}).items():
        if "$ref" in header:
            header = description["components"]["headers"][header["$ref"].rsplit("/", 1)[1]]
        if name not in response:
            assert not header.get("required"), f"{name} header missing"
            continue
        value: object = response[name]
        if header["schema"].get("type") == "integer":
            value = int(response[name])
        validate(value, header["schema"])
    (media_type,) = documented["content"]
    assert response["Content-Type"].split(";")[0] == media_type
    validate(json.loads(response.content), documented["content"][media_type]["schema"])
