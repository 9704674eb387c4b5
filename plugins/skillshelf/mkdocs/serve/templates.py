"""The template code: the theme's templates compiled once per ``mkdocs serve``
session instead of once per rebuild.

MkDocs makes a new Jinja environment for every build, which compiles every
template again. :class:`TemplateCodeCache` is Jinja's own bytecode cache
(its public extension point), kept in memory: a template is reused only when
its source (Jinja checks a checksum of it) and every environment setting that
shapes the compiled code are the same.
"""

from __future__ import annotations

from jinja2 import Environment
from jinja2.bccache import Bucket, BytecodeCache

from skillshelf.mkdocs.serve.keys import digest, stable, unstable


def _environment_text(env: Environment) -> str:
    """Everything of a Jinja environment that changes how a template compiles."""
    return stable(
        (
            env.block_start_string,
            env.block_end_string,
            env.variable_start_string,
            env.variable_end_string,
            env.comment_start_string,
            env.comment_end_string,
            env.line_statement_prefix,
            env.line_comment_prefix,
            env.trim_blocks,
            env.lstrip_blocks,
            env.newline_sequence,
            env.keep_trailing_newline,
            sorted(env.extensions),
            env.optimized,
            env.autoescape,
            env.finalize,
            env.is_async,
            sorted(env.filters),
            sorted(env.tests),
            env.policies,  # e.g. ext.i18n.trimmed, applied while compiling
        )
    )


class TemplateCodeCache(BytecodeCache):
    """The theme's templates compiled once per serve session instead of per rebuild.

    MkDocs makes a new Jinja environment for every build, which compiles every
    template again. This is Jinja's own bytecode cache, kept in memory: a template
    is reused only when its source (Jinja checks a checksum of it) and every
    environment setting that shapes the compiled code are the same.
    """

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def install(self, env: Environment) -> None:
        settings = _environment_text(env)
        if not unstable(settings) and env.bytecode_cache is None:
            env.bytecode_cache = self

    def get_bucket(
        self, environment: Environment, name: str, filename: str | None, source: str
    ) -> Bucket:
        key = digest(self.get_cache_key(name, filename), _environment_text(environment)).hex()
        bucket = Bucket(environment, key, self.get_source_checksum(source))
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self.code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()
