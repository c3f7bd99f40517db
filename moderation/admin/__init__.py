"""The moderators' screens: the queue, the comment tree, edits with reasons, the audit log.

Thin on purpose: every change goes through ``moderation.services``, and who may see or do
what is asked of ``comments.permissions``. One module per screen:

- ``comments``: the comment list and change form (``forms``, ``filters``, bulk ``actions``)
- ``queue``: the moderation queue (the ``PendingComment`` proxy's one page)
- ``events``: the audit log; ``settings``: blocked terms and the policy
- ``outbox``: the mail queue, what failed and why (sent by ``manage.py worker``)
"""

from . import comments, events, outbox, queue, settings  # noqa: F401 - they register
