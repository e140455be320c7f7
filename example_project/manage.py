#!/usr/bin/env python3
"""The example project's command line: ``python manage.py migrate``, ``runserver``, ..."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "example.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
