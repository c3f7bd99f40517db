"""How long what a reader writes may be: plain numbers, importable from anywhere
(``config.middleware`` names the comment limit when a request is too large) without
loading models or services."""

MAX_BODY = 10_000
MAX_NAME = 80
MAX_QUOTE = 2_000
NOTE_LIMIT = 300  # a moderator's reason and public note (CommentRevision.reason, edit_note)
