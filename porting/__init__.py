"""Bringing a blog in from WordPress, Blogger and Disqus, and taking it out again.

- ``readers``: one per format (``wxr``, ``blogger``, ``disqus``); each turns a file into
  ``records`` (plain dataclasses) and knows no database. ``xmlstream`` reads XML in
  constant memory; ``text`` and ``markdown`` turn imported HTML into what we store.
- ``writer``: applies records in one transaction, idempotent through ``ImportedItem``;
  comments wait in ``staging`` until they can go in parents first.
- ``exporters``: the blog written out as WXR or JSON; ``identity`` gives stable uids, so
  an export imported elsewhere can be imported again.
- ``command``: what the five management commands share.
"""
