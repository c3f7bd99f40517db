# Colloquy for production: gunicorn serves config.wsgi, whitenoise serves the static files.
#   docker build -t colloquy .
#   docker run -e SECRET_KEY=... -e DATABASE_URL=... -e ALLOWED_HOSTS=... -p 8000:8000 colloquy
# Alone, the container migrates the database, then serves on port 8000 (docker-entrypoint.sh);
# docker-compose.yml leaves migrations to its one "migrate" job (RUN_MIGRATIONS=false).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    DJANGO_SETTINGS_MODULE=config.settings.prod

WORKDIR /app

# Dependencies first, in their own layer, so a code change does not reinstall them: the
# runtime lock (every package pinned, with its hashes; `make lock` writes it). The project
# itself is not a package: its code is copied next and runs from /app.
COPY requirements/base.txt requirements/base.txt
RUN pip install --require-hashes -r requirements/base.txt

COPY . .

# Hashed, compressed static files for whitenoise. The settings need a SECRET_KEY and a
# DATABASE_URL to load; these placeholders exist only for this command (collectstatic
# opens no connection) and are not part of the image's environment.
RUN SECRET_KEY=collectstatic-placeholder-not-a-secret \
    DATABASE_URL=postgres://collectstatic@localhost/unused \
    SITE_URL=http://localhost \
    EMAIL_URL=smtp://localhost:25 \
    python manage.py collectstatic --noinput

# Code and static files stay owned by root: the server process can read them, not change them.
# The user's home holds only gunicorn's control socket (~/.gunicorn/).
RUN groupadd --system colloquy \
    && useradd --system --gid colloquy --create-home --home-dir /home/colloquy colloquy
USER colloquy

EXPOSE 8000
# Ready means the database and the cache answer (/readyz; 503 otherwise), not just a
# listening socket. The app answers the probe before host checks and HTTPS redirects.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=4)"]

ENTRYPOINT ["/bin/sh", "/app/docker-entrypoint.sh"]
