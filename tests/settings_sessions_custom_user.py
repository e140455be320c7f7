"""Sessions again, with the UUID-keyed, email-login user model."""

from tests.settings_sessions import *  # noqa: F403

AUTH_USER_MODEL = "testapp.EmailUser"
