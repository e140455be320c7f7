"""The suite with django-axes, configured by the manual's snippet as a site pastes it.

``make test`` runs ``tests/test_contrib_axes.py`` under these settings; its tests
marked ``axes`` run only there. tokenapi.sessions is installed too, so that its
routes' lockouts are tested as well.
"""

from tests.examples import code
from tests.settings_sessions import *  # noqa: F403

# Copies: the snippet extends them in place.
INSTALLED_APPS = list(INSTALLED_APPS)  # noqa: F405
MIDDLEWARE = list(MIDDLEWARE)  # noqa: F405

exec(code("docs/integrations/axes.rst", "django-axes"))  # noqa: S102 (our own documentation)

ROOT_URLCONF = "tests.integration_urls"
