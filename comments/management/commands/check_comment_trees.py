"""Verify every comment thread's nested-set invariants; optionally rebuild one thread."""

from django.core.management.base import BaseCommand, CommandError

from comments import tree


class Command(BaseCommand):
    help = "Check every comment thread's tree; exit 1 with a report if any is broken."

    def add_arguments(self, parser):
        parser.add_argument(
            "--rebuild",
            type=int,
            metavar="THREAD",
            help="Rebuild the thread with this tree_id from its parent links, then check.",
        )

    def handle(self, *args, rebuild=None, **options):
        if rebuild is not None:
            rebuilt = tree.rebuild_thread(rebuild)
            if not rebuilt:
                raise CommandError(f"No thread with tree_id {rebuild}.")
            self.stdout.write(f"Rebuilt thread(s): {', '.join(map(str, rebuilt))}")
        problems = tree.check_trees()
        if problems:
            for problem in problems:
                self.stderr.write(str(problem))
            threads = len({problem.tree_id for problem in problems})
            raise CommandError(
                f"{len(problems)} problem(s) in {threads} thread(s). "
                "Repair one with --rebuild THREAD.",
                returncode=1,
            )
        self.stdout.write(self.style.SUCCESS("All comment threads are intact."))
