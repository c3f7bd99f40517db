"""The ground floor: what is not about posts or comments.

The COPY/INSERT helpers (``dbcopy``), prepared queries (``prepared``), pagination
arithmetic (``pagination``), the page cache and its middleware (``pagecache``,
``localpages``) and the response headers set once for every page (``headers``). Every app
may import ``core``; ``core`` imports none of them (tests/config/test_architecture.py).
"""
