"""The sessions admin: lists sessions, ends them, never shows a key or a token."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.contrib import admin
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory

from tokenapi.sessions.models import Session, open_session

pytestmark = [pytest.mark.sessions, pytest.mark.urls("tests.admin_urls")]


def as_superuser(request: Any) -> Any:
    # Any user model: the test user model has no is_staff to log into the admin with.
    request.user = mock.Mock(is_active=True, is_staff=True, has_perm=lambda *a: True)
    request.session = {}
    request._messages = FallbackStorage(request)
    request._dont_enforce_csrf_checks = True
    return request


def test_the_admin_lists_and_ends_sessions_without_their_keys(user: Any) -> None:
    phone = open_session(user, "phone")
    model_admin = admin.site._registry[Session]
    factory = RequestFactory()
    listing = model_admin.changelist_view(as_superuser(factory.get("/")))
    page = model_admin.change_view(as_superuser(factory.get("/")), str(phone.pk))
    html = listing.rendered_content + page.rendered_content
    assert "phone" in html and phone.key not in html
    assert not model_admin.has_add_permission(as_superuser(factory.get("/")))
    action = {"action": "end_sessions", "_selected_action": [phone.pk]}
    model_admin.changelist_view(as_superuser(factory.post("/", action)))
    assert Session.objects.get().ended is not None
