# Colloquy for production: gunicorn serves config.wsgi, whitenoise serves the static files.
#   docker build -t colloquy .
#   docker run -e SECRET_KEY=... -e DATABASE_URL=... -e ALLOWED_HOSTS=... -p 8000:8000 colloquy
# The container migrates the database, then serves on port 8000 (see docker-entrypoint.sh).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    DJANGO_SETTINGS_MODULE=config.settings.prod

WORKDIR /app

# Dependencies first, in their own layer, so a code change does not reinstall them. The
# project is not a package (`packages = []`): `pip install .` installs its dependencies and
# no code; the code is copied next and runs from /app.
COPY pyproject.toml ./
RUN pip install . && rm -rf build ./*.egg-info

COPY . .

# Hashed, compressed static files for whitenoise. The settings need a SECRET_KEY and a
# DATABASE_URL to load; these placeholders exist only for this command (collectstatic
# opens no connection) and are not part of the image's environment.
RUN SECRET_KEY=collectstatic-placeholder-not-a-secret \
    DATABASE_URL=postgres://collectstatic@localhost/unused \
    python manage.py collectstatic --noinput

# Code and static files stay owned by root: the server process can read them, not change them.
# The user's home holds only gunicorn's control socket (~/.gunicorn/).
RUN groupadd --system colloquy \
    && useradd --system --gid colloquy --create-home --home-dir /home/colloquy colloquy
USER colloquy

EXPOSE 8000
# Listening is enough here: an HTTP probe would need a host from ALLOWED_HOSTS and HTTPS.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
    CMD ["python", "-c", "import socket; socket.create_connection(('127.0.0.1', 8000), 3)"]

ENTRYPOINT ["/bin/sh", "/app/docker-entrypoint.sh"]
