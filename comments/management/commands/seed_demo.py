"""Load Colloquy's demo content (our own words) and print the demo accounts."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from blog.demo import ACCOUNTS, DEMO_PASSWORD, seed_posts
from blog.models import Post
from comments.demo import seed_comments


class Command(BaseCommand):
    help = "Create demo accounts, series, posts and discussions. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="Only seed when the database has no posts."
        )

    def handle(self, *args, if_empty=False, **options):
        if not settings.DEMO_ACCOUNTS_ALLOWED:
            # The demo's password is published: such accounts on a real site are open doors.
            raise CommandError(
                "seed_demo creates accounts whose password is published, so it runs only "
                "with the development settings "
                "(DJANGO_SETTINGS_MODULE=config.settings.dev); refused under "
                f"{settings.SETTINGS_MODULE}."
            )
        if if_empty and Post.objects.exists():
            self.stdout.write("Database already has posts; not seeding.")
        else:
            with transaction.atomic():
                seeded = seed_posts()
                seed_comments(seeded["posts"])
            self.stdout.write(self.style.SUCCESS("Demo content loaded."))
        self.stdout.write(f"Demo accounts (password for each: {DEMO_PASSWORD}):")
        for username, role in ACCOUNTS:
            self.stdout.write(f"  {username:<10} {role}")
