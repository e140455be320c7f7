"""tokenapi.sessions.models: opening, refreshing, ending and clearing sessions."""

from __future__ import annotations

import datetime
from typing import Any
from unittest import mock

import pytest
import time_machine
from django.utils import timezone

from tokenapi.backends import TokenBackend
from tokenapi.sessions.models import (
    Session,
    clear_sessions,
    logout_everywhere,
    open_session,
    refresh_session,
)
from tokenapi.tokens import token_generator

pytestmark = [pytest.mark.sessions, pytest.mark.django_db]


def test_a_session_has_a_256_bit_key_and_names_itself_by_its_device(user: Any) -> None:
    phone, unnamed = open_session(user, "phone"), open_session(user)
    assert len(phone.key) == 43 and phone.key != unnamed.key  # 32 random bytes, base64
    assert (str(phone), str(unnamed)) == (f"phone #{phone.pk}", f"session #{unnamed.pk}")
    assert unnamed.device == ""


def test_a_refresh_touches_its_own_open_session_only(user: Any, settings: Any) -> None:
    settings.TOKENAPI_SESSION_MAX_AGE = 60
    mine, other = open_session(user), open_session(user)
    before = Session.objects.get(pk=other.pk).refreshed
    assert refresh_session(mine)
    assert Session.objects.get(pk=other.pk).refreshed == before
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=61)):
        assert not refresh_session(mine)  # past its max age


def test_logging_out_everywhere_twice_ends_the_tokens_minted_between(user: Any) -> None:
    def authenticates(token: str) -> bool:
        return TokenBackend().authenticate(None, pk=user.pk, token=token) is not None

    logout_everywhere(user)
    between = token_generator.make_token(user)  # signs the new state, on this very instance
    assert authenticates(between)
    logout_everywhere(user)
    assert not authenticates(between)


@pytest.mark.parametrize(
    ("setting", "value", "kept", "cleared"),
    [
        # Each token lives until the end of its day: at most a day and a DST hour.
        ("TOKEN_TIMEOUT_DAYS", 0, 24 * 3600, 25 * 3600),
        ("TOKENAPI_TIMEOUT", 600, 599, 600),
    ],
    ids=["until-the-end-of-the-day", "in-seconds"],
)
def test_clearing_deletes_the_sessions_not_refreshed_within_a_tokens_life(
    user: Any, settings: Any, setting: str, value: int, kept: int, cleared: int
) -> None:
    setattr(settings, setting, value)
    now = timezone.now()
    for seconds in (kept, cleared):
        Session.objects.filter(pk=open_session(user, str(seconds)).pk).update(
            refreshed=now - datetime.timedelta(seconds=seconds)
        )
    with time_machine.travel(now, tick=False):
        assert clear_sessions() == 1
    assert list(Session.objects.values_list("device", flat=True)) == [str(kept)]


@pytest.mark.parametrize("ending", ["logout_everywhere", "password-change"])
def test_a_session_opened_by_a_request_that_raced_an_ending_holds_dead_tokens(
    user: Any, ending: str
) -> None:
    from tokenapi.views import issue_token

    # What the refresh's check read, the token state with the user, before the ending.
    racing = type(user).objects.select_related("tokenapi_state").get(pk=user.pk)
    elsewhere = type(user).objects.get(pk=user.pk)
    if ending == "logout_everywhere":
        logout_everywhere(elsewhere)
    else:
        elsewhere.set_password("changed meanwhile")
        elsewhere.save()
    token = issue_token(racing)["token"]  # its session opens after the ending's sweep
    assert TokenBackend().authenticate(None, pk=user.pk, token=token) is None


def test_logging_out_everywhere_takes_a_state_made_meanwhile(user: Any) -> None:
    from tokenapi.sessions.models import TokenState

    token = token_generator.make_token(user)
    TokenState.objects.create(user=user, signed_password="made by a racing re-hash")
    real_filter, missed = TokenState.objects.filter, []

    def missing_at_first(*args: Any, **kwargs: Any) -> Any:
        if not missed:  # as if the state were made just after this looked
            missed.append(True)
            return mock.Mock(update=lambda **fields: 0)
        return real_filter(*args, **kwargs)

    with mock.patch.object(TokenState.objects, "filter", missing_at_first):
        logout_everywhere(user)  # its insert then collides with the state made
    assert TokenState.objects.get(user=user).signed_password != "made by a racing re-hash"
    assert TokenBackend().authenticate(None, pk=user.pk, token=token) is None
