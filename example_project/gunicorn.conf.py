"""gunicorn settings of the example project, used by ``make demo`` and the end-to-end tests.

    gunicorn -c example_project/gunicorn.conf.py --chdir example_project example.wsgi

Tokens are stateless, so any number of these servers, on any number of
machines, can serve the site: they need only the same ``SECRET_KEY`` and the
same ``DATABASE_URL``.
"""

import os

bind = ["127.0.0.1:8000"]
workers = int(os.environ.get("WEB_CONCURRENCY") or 2)
accesslog = "-"
# %(U)s is the path without its query string, so that a token sent as
# ?token=... never lands in the log. Tokens in Authorization headers or
# request bodies are not logged either.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
# No runtime control socket: the demo needs none, and servers started side by
# side (as the two-node test does) would fight over its single default path.
control_socket_disable = True
