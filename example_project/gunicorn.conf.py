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
# The whole request line, with tokenapi's filter masking the tokens that clients
# put in it (?token=... and the 2.x route <token>/<user>.json) and escaping
# control characters. Tokens in Authorization headers or bodies are never logged.
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms'
# gunicorn's own logging dictionary with the filter on both of its handlers.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_tokens": {"()": "tokenapi.logging.RedactTokens"}},
    "root": {"level": "INFO", "handlers": ["console"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["console"], "propagate": False},
    },
    "handlers": {
        name: {
            "class": "logging.StreamHandler",
            "filters": ["redact_tokens"],
            "stream": f"ext://sys.{stream}",
        }
        for name, stream in (("console", "stdout"), ("error_console", "stderr"))
    },
}
# No runtime control socket: the demo needs none, and servers started side by
# side (as the two-node test does) would fight over its single default path.
control_socket_disable = True
