"""``mkdocs serve``: what a rebuild reuses of the ones before it.

:class:`~skillshelf.mkdocs.serve.session.ServeSession` is the one object the
plugin hands its events to; each other module is one cache (or the watcher,
or the collector pause), and :mod:`~skillshelf.mkdocs.serve.internals` holds
everything they need of MkDocs', material's and Jinja's private parts.
"""
