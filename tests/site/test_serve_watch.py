"""Watching the skills tree with inotify under ``mkdocs serve``: every change asks for
a rebuild, reading does not, and anything unusual falls back to MkDocs' polling."""

from __future__ import annotations

import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from skillshelf.config import LintConfig
from skillshelf.mkdocs.serve.watch import stop, watch_natively

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify")


class FakeServer:
    """The two attributes of MkDocs' LiveReloadServer that its watch callback uses."""

    def __init__(self) -> None:
        self._rebuild_cond = threading.Condition()
        self._want_rebuild = False

    def wait(self, seconds: float = 5.0) -> bool:
        """Whether a rebuild was asked for within ``seconds``; the request is taken."""
        with self._rebuild_cond:
            asked = self._rebuild_cond.wait_for(lambda: self._want_rebuild, timeout=seconds)
            self._want_rebuild = False
        return asked


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "skills"
    (root / "cat/one/references").mkdir(parents=True)
    (root / "cat/one/SKILL.md").write_text("---\nname: one\n---\n\nBody.\n", "utf-8")
    (root / "cat/one/references/ref.md").write_text("# Ref\n", "utf-8")
    (root / "cat/DESCRIPTION.md").write_text("---\ntitle: Cat\n---\n", "utf-8")
    return root


@pytest.fixture
def watched(tree: Path) -> Iterator[FakeServer]:
    server = FakeServer()
    observer = watch_natively(server, str(tree))
    assert observer is not None
    try:
        yield server
    finally:
        stop(observer)
    assert not observer.is_alive()


def quiet(server: FakeServer) -> bool:
    """No rebuild asked for in the next half second."""
    return not server.wait(0.5)


CHANGES: list[tuple[str, Callable[[Path], None]]] = [
    ("append", lambda t: _append(t / "cat/one/SKILL.md")),
    ("new skill", lambda t: _new_skill(t / "cat/two")),
    ("delete file", lambda t: (t / "cat/one/references/ref.md").unlink()),
    ("rename file", lambda t: (t / "cat/DESCRIPTION.md").rename(t / "cat/README.md")),
    ("move skill", lambda t: (t / "cat/one").rename(t / "one")),
    ("move skill out", lambda t: (t / "cat/one").rename(t.parent / "elsewhere")),
    ("delete folder", lambda t: shutil.rmtree(t / "cat/one")),
]


def _append(path: Path) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write("\nmore\n")


def _new_skill(folder: Path) -> None:
    folder.mkdir()
    (folder / "SKILL.md").write_text("---\nname: two\n---\n", "utf-8")


@pytest.mark.parametrize("change", [c for _, c in CHANGES], ids=[n for n, _ in CHANGES])
def test_every_change_asks_for_a_rebuild(
    tree: Path, watched: FakeServer, change: Callable[[Path], None]
) -> None:
    change(tree)
    assert watched.wait()


def test_reading_the_tree_asks_for_nothing(tree: Path, watched: FakeServer) -> None:
    for path in sorted(tree.rglob("*")):
        if path.is_file():
            path.read_bytes()
        else:
            list(path.iterdir())
    assert quiet(watched)


def test_a_new_folder_is_watched_too(tree: Path, watched: FakeServer) -> None:
    _new_skill(tree / "cat/two")
    assert watched.wait()
    time.sleep(0.2)  # the watcher adds the new folder's watch on its own thread
    watched.wait(0.2)
    (tree / "cat/two/SKILL.md").write_text("---\nname: two\n---\n\nEdited.\n", "utf-8")
    assert watched.wait()


def test_file_system_types_from_the_mount_table() -> None:
    from skillshelf.mkdocs.serve.watch import filesystem_type

    mounts = (
        "/dev/vda / ext4 rw 0 0\n"
        "server:/export /home/me/net nfs4 rw 0 0\n"
        "drvfs /mnt/c 9p rw 0 0\n"
        "tmpfs /home/me/net/scratch\\040space tmpfs rw 0 0\n"
    )
    assert filesystem_type("/home/me/skills", mounts) == "ext4"
    assert filesystem_type("/home/me/net", mounts) == "nfs4"
    assert filesystem_type("/home/me/network", mounts) == "ext4"
    assert filesystem_type("/mnt/c/Users/me/skills", mounts) == "9p"
    assert filesystem_type("/home/me/net/scratch space/skills", mounts) == "tmpfs"
    assert filesystem_type("relative", mounts) is None


def test_falls_back_when_it_cannot_watch(
    tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert watch_natively(object(), str(tree)) is None  # not MkDocs' server
    assert watch_natively(FakeServer(), str(tmp_path / "missing")) is None
    # a tree on a network file system: inotify may not hear of changes made elsewhere
    monkeypatch.setattr("skillshelf.mkdocs.serve.watch.filesystem_type", lambda path: "nfs4")
    assert watch_natively(FakeServer(), str(tree)) is None


def test_serve_uses_it_for_the_tree_and_polls_the_rest(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mkdocs.livereload import LiveReloadServer

    from skillshelf.mkdocs.plugin import SkillshelfPlugin
    from skillshelf.mkdocs.serve import session as session_module

    # freezing is for the whole interpreter (tested in a process of its own)
    monkeypatch.setattr(session_module, "freeze_what_startup_made", lambda: False)
    plugin: Any = SkillshelfPlugin()
    plugin.load_config({})
    plugin.on_startup(command="serve", dirty=False)
    plugin.lint_config = LintConfig(project_dir=tree.parent, root=tree)
    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(tree))
    try:
        plugin.on_serve(server, config=None, builder=lambda: None)
        assert plugin.serve.tree_watcher is not None
        assert str(tree) not in server._watched_paths  # not polled as well
        (tree / "cat/one/SKILL.md").write_text("changed\n", "utf-8")
        with server._rebuild_cond:
            assert server._rebuild_cond.wait_for(lambda: server._want_rebuild, timeout=5)
    finally:
        plugin.on_shutdown()
        server.server_close()
    assert plugin.serve.tree_watcher is None

    plugin.config.serve_cache = False  # the option turns it off: MkDocs polls
    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(tree))
    try:
        plugin.on_serve(server, config=None, builder=lambda: None)
        assert plugin.serve.tree_watcher is None and str(tree) in server._watched_paths
    finally:
        plugin.on_shutdown()
        server.server_close()


def test_serve_watches_every_root_of_a_several_roots_library(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mkdocs.livereload import LiveReloadServer

    from skillshelf.mkdocs.plugin import SkillshelfPlugin
    from skillshelf.mkdocs.serve import session as session_module

    monkeypatch.setattr(session_module, "freeze_what_startup_made", lambda: False)
    extra = tree.parent / "optional-skills"
    (extra / "tool").mkdir(parents=True)
    (extra / "tool/SKILL.md").write_text("---\nname: tool\n---\n\nBody.\n", "utf-8")
    (tree.parent / "notes.txt").write_text("beside the roots\n", "utf-8")
    plugin: Any = SkillshelfPlugin()
    plugin.load_config({})
    plugin.on_startup(command="serve", dirty=False)
    plugin.lint_config = LintConfig(
        project_dir=tree.parent, root=tree.parent, roots=("skills", "optional-skills")
    )
    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(tree))
    try:
        plugin.on_serve(server, config=None, builder=lambda: None)
        assert plugin.serve.tree_watcher is not None
        (tree.parent / "notes.txt").write_text("changed\n", "utf-8")  # not in a root
        with server._rebuild_cond:
            assert not server._rebuild_cond.wait_for(lambda: server._want_rebuild, timeout=0.5)
        (extra / "tool/SKILL.md").write_text("changed\n", "utf-8")
        with server._rebuild_cond:
            assert server._rebuild_cond.wait_for(lambda: server._want_rebuild, timeout=5)
    finally:
        plugin.on_shutdown()
        server.server_close()

    plugin.config.serve_cache = False  # polled: each root, not the folder holding them
    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(tree))
    try:
        plugin.on_serve(server, config=None, builder=lambda: None)
        assert str(tree) in server._watched_paths and str(extra) in server._watched_paths
        assert str(tree.parent) not in server._watched_paths
    finally:
        plugin.on_shutdown()
        server.server_close()
