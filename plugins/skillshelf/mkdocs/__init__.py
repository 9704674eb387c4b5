"""MkDocs integration: the plugin and its options (see :mod:`skillshelf.site` for the logic)."""
