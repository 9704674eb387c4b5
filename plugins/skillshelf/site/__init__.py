"""The published site of a skills tree, as plain data.

Nothing in this package imports MkDocs: :func:`skillshelf.site.plan.plan_site`
turns a scanned :class:`~skillshelf.model.SkillTree` into pages (Markdown
text plus where they go), static files and a navigation. The MkDocs plugin
(:mod:`skillshelf.mkdocs.plugin`) hands that plan to MkDocs; ``skillshelf
export`` (:mod:`skillshelf.site.export`) writes the same plan out as a plain
docs folder that any MkDocs-compatible engine builds without the plugin.
"""
