"""WSGI entry point for gunicorn (``gunicorn config.wsgi``).

Gunicorn runs no system checks: the refusals of ``config/checks.py`` (mail to the console,
no SITE_URL, a per-process cache under several workers) stop it here, before it serves.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")
application = get_wsgi_application()

from config.checks import refuse_to_start  # noqa: E402 - needs the apps loaded

refuse_to_start()
