"""The published site of a skills tree, as plain data.

Nothing in this package imports MkDocs: :func:`skillshelf.site.plan.plan_site`
turns a scanned :class:`~skillshelf.model.SkillTree` into pages (Markdown
text plus where they go), static files and a navigation. The MkDocs plugin
(:mod:`skillshelf.mkdocs.plugin`) hands that plan to MkDocs; ``skillshelf
export`` (:mod:`skillshelf.site.export`) writes the same plan out as a plain
docs folder that any MkDocs-compatible engine builds without the plugin.

Imports run one way (tests/site/test_site_imports.py):

* leaves: :mod:`~skillshelf.site.text` (escaping, relative URLs),
  :mod:`~skillshelf.site.urls` (where each page and file goes),
  :mod:`~skillshelf.site.order` (the nav order), :mod:`~skillshelf.site.options`,
  :mod:`~skillshelf.site.entries` (a skill as the lists show it),
  :mod:`~skillshelf.site.install` (the install command's template);
* :mod:`~skillshelf.site.files` reads a skill's files (zip, digests, views);
* the texts, each a pure function of one frozen input value:
  :mod:`~skillshelf.site.render` (category and other pages),
  :mod:`~skillshelf.site.skill_page`, :mod:`~skillshelf.site.catalog` (the catalog, its
  data, the home page's cards, the tags index), :mod:`~skillshelf.site.outputs`
  (``skills.json``, ``llms.txt``, redirects), and
  :mod:`~skillshelf.site.placeholders`, which puts lists into hand-written pages;
* :mod:`~skillshelf.site.inputs` reads the model into those values;
* :mod:`~skillshelf.site.plan` places everything, asking
  :mod:`~skillshelf.site.memo` for texts whose input did not change;
* :mod:`~skillshelf.site.export` writes a plan out.
"""
