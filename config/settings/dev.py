"""Local development: debug on, a fixed throwaway key, mail printed to the console."""

import os

from .base import *  # noqa: F403
from .base import env

COLLOQUY_ENVIRONMENT = "development"
DEMO_ACCOUNTS_ALLOWED = True

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-do-not-deploy")  # noqa: S105
STORAGES["staticfiles"]["BACKEND"] = (  # noqa: F405
    "django.contrib.staticfiles.storage.StaticFilesStorage"
)
# runserver handles each connection in a thread of its own: a persistent database
# connection per thread piles up until PostgreSQL refuses clients (issue 12). Close each
# one at the end of its request, as Django's documentation advises for the dev server.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
# Mailed links point at the address the development server really listens on: manage.py
# runserver (and so make run, PORT=8123 included) says it in COLLOQUY_LISTENING_URL.
# A SITE_URL of your own (environment or .env) still wins.
SITE_URL = env("SITE_URL", default=os.environ.get("COLLOQUY_LISTENING_URL") or SITE_URL)  # noqa: F405
