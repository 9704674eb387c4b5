"""Profile one ``mkdocs serve`` rebuild after a one-line edit of a SKILL.md (or, with
``--add``, after a new skill was added next to one).

Usage: ``python benchmarks/profile_serve.py PROJECT [--add] [--rounds N] [--top N]
[--idle S]``, PROJECT being a folder with a mkdocs.yml (``benchmarks/run.py`` leaves one in
``benchmarks/.work/site/n1000``). Loads the config the way ``mkdocs serve`` does
(plugins told ``command="serve"``, a temporary site folder kept between
rebuilds, a fresh config for each rebuild), builds once, then for each round
appends a line to one SKILL.md and times the rebuild; the last round runs under
cProfile and the functions with the most cumulative and own time are printed.
With ``--phases``, no profiler: each timed rebuild prints the wall time spent in
MkDocs' build steps and in each plugin's event handlers (inclusive times, so
nested steps are counted in their callers too). With ``--idle S``, each edit
comes S seconds after the previous rebuild, as a user's next save would (work the
plugin leaves for idle time then runs between rebuilds; its CPU time is printed).
Each rebuild also prints how many of the plugin's finished pages it kept and
rendered again. The skills added with ``--add`` are removed at the end.
"""

from __future__ import annotations

import argparse
import cProfile
import logging
import pstats
import shutil
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

#: Inclusive wall seconds per build step or plugin event, for the current rebuild.
PHASES: defaultdict[str, float] = defaultdict(float)


def timed(label: str, function: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            PHASES[label] += time.perf_counter() - started

    return wrapper


def time_build_steps() -> None:
    """Wrap MkDocs' build steps (module functions and methods) with timers."""
    import mkdocs.commands.build as build_module
    from mkdocs import utils
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page
    from mkdocs.theme import Theme

    utils.write_file = timed("write page/template files", utils.write_file)  # type: ignore[assignment]
    utils.clean_directory = timed("clean site_dir", utils.clean_directory)  # type: ignore[assignment]
    for name in ("get_files", "get_navigation", "_populate_page", "_build_page"):
        setattr(build_module, name, timed(name, getattr(build_module, name)))
    Files.copy_static_files = timed("copy static files", Files.copy_static_files)  # type: ignore[method-assign]
    Files.add_files_from_theme = timed("add theme files", Files.add_files_from_theme)  # type: ignore[method-assign]
    Theme.get_env = timed("theme env", Theme.get_env)  # type: ignore[method-assign]
    Page.validate_anchor_links = timed("validate anchors", Page.validate_anchor_links)  # type: ignore[method-assign]


def time_plugin_events(config: Any) -> None:
    """Wrap each plugin's event handlers in this config's collection with timers."""
    collection = config.plugins
    for event, methods in collection.events.items():
        for index, method in enumerate(methods):
            origin = collection._event_origins.get(method, "?")
            wrapper = timed(f"{origin}.on_{event}", method)
            collection._event_origins[wrapper] = origin
            methods[index] = wrapper


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("project", type=Path)
    parser.add_argument("--rounds", type=int, default=3, help="timed rebuilds after an edit")
    parser.add_argument("--top", type=int, default=45, help="rows of each profile table")
    parser.add_argument("--phases", action="store_true", help="time build steps, no cProfile")
    parser.add_argument("--idle", type=float, default=0.0, help="seconds between rebuilds")
    parser.add_argument("--add", action="store_true", help="add a skill instead of editing")
    args = parser.parse_args()

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    logging.basicConfig(level=logging.WARNING)
    project: Path = args.project.resolve()
    site_dir = tempfile.mkdtemp(prefix="mkdocs_profile_")
    serve_url = "http://127.0.0.1:8000/"

    def config() -> Any:
        loaded = load_config(config_file=str(project / "mkdocs.yml"), site_dir=site_dir)
        loaded.site_url = serve_url
        if args.phases:
            time_plugin_events(loaded)
        return loaded

    if args.phases:
        time_build_steps()

    first = config()
    first.plugins.on_startup(command="serve", dirty=False)
    added: list[Path] = []
    try:
        started = time.perf_counter()
        build(first, serve_url=serve_url)
        print(f"first build: {time.perf_counter() - started:.2f} s")
        # what `mkdocs serve` does next (plugins may prepare for the rebuilds)
        from mkdocs.livereload import LiveReloadServer

        server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=site_dir)
        first.plugins.on_serve(server, config=first, builder=lambda: None)
        skills = sorted((project / "skills").rglob("SKILL.md"))
        skill = skills[len(skills) // 3]
        for round in range(args.rounds + 1):
            if args.idle:
                cpu_started = time.process_time()
                time.sleep(args.idle)
                idle_cpu = time.process_time() - cpu_started
                print(f"idle {args.idle:.1f} s before the edit: CPU {idle_cpu:.2f} s")
            if args.add:
                name = f"profile-new-{time.time_ns()}"
                new = skill.parent.parent / name / "SKILL.md"
                new.parent.mkdir()
                added.append(new.parent)
                new.write_text(
                    f"---\nname: {name}\ndescription: Added.\nlicense: MIT\n---\n\n# {name}\n",
                    encoding="utf-8",
                )
                change = f"adding {new.parent.relative_to(project)}"
            else:
                with skill.open("a", encoding="utf-8") as handle:
                    handle.write(f"\nprofile-marker-{time.time_ns()}\n")
                change = f"editing {skill.relative_to(project)}"
            profiler = cProfile.Profile() if round == args.rounds and not args.phases else None
            PHASES.clear()
            started = time.perf_counter()
            cpu_started = time.process_time()
            if profiler is not None:
                profiler.enable()
            rebuilt = config()
            build(rebuilt, serve_url=serve_url)
            if profiler is not None:
                profiler.disable()
            label = "profiled rebuild" if profiler else "rebuild"
            pages = rebuilt.plugins["skillshelf"].serve.page_cache
            print(
                f"{label} after {change}: "
                f"{time.perf_counter() - started:.2f} s "
                f"(CPU {time.process_time() - cpu_started:.2f} s; "
                f"{pages.hits} finished pages kept, {pages.misses} rendered)"
            )
            if args.phases:
                for label, seconds in sorted(PHASES.items(), key=lambda item: -item[1]):
                    if seconds >= 0.01:
                        print(f"    {seconds:7.2f} s  {label}")
            if profiler is not None:
                stats = pstats.Stats(profiler)
                stats.sort_stats("cumulative").print_stats(args.top)
                stats.sort_stats("tottime").print_stats(args.top)
    finally:
        shutil.rmtree(site_dir, ignore_errors=True)
        for folder in added:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
