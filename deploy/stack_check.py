"""deploy/local-stack's check: an approval made on one replica shows on every replica at once.

A post with one held comment and a moderator are written as the app writes them; every
worker of both replicas (and nginx) caches the page; the moderator signs in through nginx
and approves the comment in the moderation queue on replica 1; then the next pages of
both replicas must show it, and nginx within PAGE_CACHE_S_MAXAGE.
"""

import json
import re
import secrets
import subprocess
import sys
import time
import uuid

from local_stack import ROOT, Stack, StackError, fetch


def check(stack: Stack) -> list[str]:
    """An approval made on one replica shows on every replica at once (and through
    nginx within its s-maxage); returns the problems found."""
    held_text = f"Held, then approved {uuid.uuid4().hex[:8]}"
    post_path, comment_id, password = seed(stack, held_text)
    problems = []
    replicas = [stack.ports["web-1"], stack.ports["web-2"]]
    for port in [*replicas, *replicas, stack.ports["nginx"], stack.ports["nginx"]]:
        status, page, _ = fetch(port, "GET", post_path)  # every worker caches the page
        if status != 200 or held_text in page:
            problems.append(f"before approval, 127.0.0.1:{port} answered {status}")
    moderator = {}
    status, page, _ = fetch(stack.ports["nginx"], "GET", "/admin/login/", cookies=moderator)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    login = {"username": "stack-moderator", "password": password, "next": "/admin/",
             "csrfmiddlewaretoken": token.group(1) if token else ""}  # fmt: skip
    status, _, _ = fetch(stack.ports["nginx"], "POST", "/admin/login/", fields=login,
                         cookies=moderator)  # fmt: skip
    if status != 302:
        return [*problems, f"the moderator could not sign in through nginx ({status})"]
    queue = "/admin/moderation/pendingcomment/"
    _, page, _ = fetch(stack.ports["nginx"], "GET", queue, cookies=moderator)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    approve = {"action": "approve", "comment": comment_id,
               "csrfmiddlewaretoken": token.group(1) if token else ""}  # fmt: skip
    status, _, _ = fetch(stack.ports["web-1"], "POST", queue, fields=approve, cookies=moderator)
    if status != 302:
        return [*problems, f"the approval on replica 1 answered {status}"]
    # At once: the next request to any worker of any replica shows it.
    for name in ("web-1", "web-2"):
        shown = sum(held_text in fetch(stack.ports[name], "GET", post_path)[1] for _ in range(4))
        print(f"local-stack: {name}: {shown} of 4 pages show the approval at once")
        if shown != 4:
            problems.append(f"{name}: {4 - shown} of 4 pages still without the approval")
    # nginx keeps a page PAGE_CACHE_S_MAXAGE (5 s), then revalidates it: a bound on how
    # long, not a measure of speed; a loaded machine may take longer to answer.
    waited = wait_through_nginx(stack, post_path, held_text)
    if waited is None:
        problems.append("nginx still served the page without the approval after 30 s")
    else:
        print(f"local-stack: nginx shows the approval after {waited:.1f} s")
    return problems


def wait_through_nginx(stack: Stack, path: str, text: str) -> float | None:
    """Seconds until nginx serves a page with ``text``; None if not within 30 s."""
    started = time.monotonic()
    while time.monotonic() < min(stack.deadline, started + 30):
        if text in fetch(stack.ports["nginx"], "GET", path)[1]:
            return time.monotonic() - started
        time.sleep(0.2)
    return None


def seed(stack: Stack, held_text: str) -> tuple[str, int, str]:
    """A post with one held comment and a moderator, written as the app writes them."""
    password = secrets.token_urlsafe(16)
    code = f"""
import json
from django.contrib.auth import get_user_model
from django.utils import timezone
from blog.models import Post
from comments.services import comment_create_as_is
user = get_user_model().objects.create_superuser(
"stack-moderator", "mod@example.org", {password!r}
)
post = Post.objects.create(title="The local stack", author=user, body="Checked.",
                       status=Post.Status.PUBLISHED, published_at=timezone.now())
held = comment_create_as_is(post=post, parent=None, body={held_text!r}, status="pending",
                        submitted_at=timezone.now(), source="local-stack")
print(json.dumps([post.get_absolute_url(), held.pk]))
"""
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT, env=stack.env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    if result.returncode != 0:
        raise StackError(f"seeding failed:\n{result.stderr[-2000:]}")
    path, comment_id = json.loads(result.stdout.strip().splitlines()[-1])
    return path, comment_id, password
