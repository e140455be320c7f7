"""The suite again, with a user model keyed by UUID that logs in by email."""

from tests.settings import *  # noqa: F403

AUTH_USER_MODEL = "testapp.EmailUser"
