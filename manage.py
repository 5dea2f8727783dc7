#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as error:
        if settings.configured:
            raise  # found after the settings loaded: Django's traceback says where
        # The settings themselves refuse to load (config/settings/production.py: no secret key): one line.
        sys.exit(f"ImproperlyConfigured: {error}")
