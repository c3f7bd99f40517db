"""Bringing a blog in from WordPress, Blogger and Disqus, and taking it out again.

- ``xmlstream``: constant-memory reading of XML exports, tolerant of undeclared prefixes.
- ``wxr``, ``blogger``, ``disqus``: each format read into ``records``.
- ``importing``: records written in one transaction, idempotent through ``ImportedItem``.
- ``staging``: comments held in a temporary table until they can go in parents first.
- ``text``: imported HTML made into plain text (comments) or Markdown (posts).
- ``wxr_export``, ``json_export``: writing the blog out again.
- ``identity``: stable uids, so an export imported elsewhere can be imported again.
"""
