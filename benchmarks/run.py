"""skillshelf benchmarks: ``make bench`` (``.venv/bin/python benchmarks/run.py``).

Generates seeded synthetic trees (benchmarks/generate.py) of 100, 1,000 and
10,000 skills under benchmarks/.work/ (gitignored), then measures, every
figure being the wall time of whole processes (start-up included):

* ``skillshelf lint`` of the whole tree with every rule: cold (``--no-cache``)
  and warm (scan cache filled by a previous run), and warm after editing one
  SKILL.md;
* the Agent Skills reference validators ``skills-ref`` 0.1.1 (Python) and
  ``skills-ref-rs`` 0.3.3 (Rust), run through their ``validate(skill_dir)``
  API over every skill in one process, and ``check-jsonschema`` 0.39.0 on the
  SKILL.md frontmatter against schemas/skill.schema.json (check-jsonschema
  reads YAML files, so the frontmatter is first extracted into one .yaml file
  per skill; that preparation is timed separately). They are installed into
  their own venv, benchmarks/.work/tools, created here on first use;
* the pre-commit hook on a one-file change in the 1,000-skill tree:
  ``skillshelf lint <file>`` as pre-commit runs it, and a real
  ``pre-commit run --files <file>`` in a throwaway consumer repository using
  the hook from this working tree;
* the site of the 1,000-skill tree: ``mkdocs build`` with the skillshelf
  plugin, the same pages exported by ``skillshelf export`` and built from the
  static ``nav`` it writes, and the exported docs folder built with
  mkdocs-awesome-nav 3.3.0 (default ordering, in the tools venv with the same
  MkDocs and mkdocs-material); wall time and peak RSS of each process, and the
  page counts, which must agree;
* the page weight of the site of each tree: bytes per HTML page (mean, median,
  95th percentile, largest), the catalog page and the catalog's data
  (``_skillshelf/catalog.json``), and the size of material's search index (raw
  and gzip-compressed);
* the catalog in headless chromium (Debian's /usr/bin/chromium) on each tree's
  site: the time from opening the page to its filters being ready (the data
  fetched and the first cards drawn), and the time each filter change takes
  until the next frame (typing words, choosing a category, adding a tag);
* ``mkdocs serve`` on that tree: the time from saving one SKILL.md (a unique
  marker appended) to the served page showing it, median of several edits, and
  from adding a skill to a sibling page's nav and its category's page listing
  it and its own page being served, median of several additions.

Figures are printed and written to benchmarks/RESULTS.md with the machine and
the command line. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
WORK = HERE / ".work"
TOOLS = WORK / "tools"
CACHE = WORK / "cache"
BIN = Path(sys.executable).parent
TOOL_PINS = (
    "skills-ref==0.1.1",
    "skills-ref-rs==0.3.3",
    "check-jsonschema==0.39.0",
    "mkdocs==1.6.1",
    "mkdocs-material==9.8.1",
    "mkdocs-awesome-nav==3.3.0",
)
SITE_YML = """site_name: bench
site_url: https://example.invalid/
docs_dir: docs
theme:
  name: material
  features:
    - navigation.indexes
    - navigation.prune      # without it material's nav rendering is quadratic
    - navigation.path
    - content.code.copy
plugins:
  - search
  - skillshelf
validation:
  links:
    not_found: info
    anchors: info
markdown_extensions:
  - admonition
  - attr_list
  - md_in_html
  - tables
  - toc:
      permalink: true
  - pymdownx.details
  - pymdownx.superfences
  - pymdownx.highlight:
      anchor_linenums: true
  - pymdownx.inlinehilite
"""

sys.path.insert(0, str(HERE))
from generate import generate  # noqa: E402

_REFERENCE_RUNNER = r"""
import sys, time
from pathlib import Path
module = __import__(sys.argv[1])
root = Path(sys.argv[2])
dirs = sorted(p.parent for p in root.rglob("SKILL.md"))
start = time.perf_counter()
problems = sum(len(module.validate(d)) for d in dirs)
print(len(dirs), problems, time.perf_counter() - start)
"""

#: What each reference validator checks, written under its figures: they check less.
PEERS_CHECK = (
    "What each peer checks (each passes every generated tree: run.py stops if one "
    "reports a problem, so no figure times an early error path):",
    "",
    "- **skills-ref 0.1.1** (Python; command `agentskills`): per skill folder, SKILL.md "
    "exists and starts with `---`; the frontmatter parses with strictyaml (no flow "
    "lists or mappings, which is why the trees are written in block style); only the "
    "fields name, description, license, allowed-tools, metadata, compatibility; name "
    "non-empty, at most 64 characters, lowercase letters, digits and single hyphens, "
    "equal to the folder; description non-empty, at most 1,024; compatibility at most 500.",
    "- **skills-ref-rs 0.3.3** (Rust; command `skills-ref`): the same field, name, "
    "description and compatibility checks, with a YAML parser that also accepts flow style "
    "(checked by hand: `metadata: {a: b}` passes it, fails skills-ref; both refuse a "
    "repeated key, an unknown field, an uppercase name, a 501-character compatibility).",
    "- **check-jsonschema 0.39.0**: only the SKILL.md frontmatter, extracted beforehand "
    "to .yaml files, against `schemas/skill.schema.json`.",
    "- **skillshelf lint** (above) checks all that and the category tree, every "
    "Markdown file's frontmatter, links and anchors, TRL snippets, unsafe HTML, "
    "suppressions and the site's page paths.",
)


def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 2**20:.1f} GiB"
    except OSError:
        pass
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return {
        "nproc": str(os.cpu_count()),
        "CPU": cpu,
        "RAM": ram,
        "Python": platform.python_version(),
        "OS": platform.platform(),
        "load average at start": load,
    }


def timed(
    command: Sequence[str | Path],
    *,
    cwd: Path,
    env: dict[str, str] | None = None,
    accept: Sequence[int] = (0, 1),
) -> float:
    start = time.perf_counter()
    result = subprocess.run(
        [str(c) for c in command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if result.returncode not in accept:
        raise RuntimeError(f"{command} failed ({result.returncode}):\n{result.stderr[-2000:]}")
    return elapsed


def best(repeat: int, run: Callable[[], float]) -> float:
    return min(run() for _ in range(repeat))


def lint_env() -> dict[str, str]:
    return user_env() | {"SKILLSHELF_CACHE_DIR": str(CACHE), "NO_COLOR": "1"}


def user_env() -> dict[str, str]:
    """The environment of a user's shell: without PYTHONDONTWRITEBYTECODE, which
    some sandboxes set and which would make every run compile skillshelf's
    modules again (pip-installed packages, pre-commit's included, have bytecode)."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def ensure_tools() -> Path:
    python = TOOLS / "bin" / "python"
    stamp = TOOLS / ".pins"
    if not (python.exists() and stamp.is_file() and stamp.read_text() == "\n".join(TOOL_PINS)):
        shutil.rmtree(TOOLS, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(TOOLS)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", *TOOL_PINS],
            check=True,
        )
        stamp.write_text("\n".join(TOOL_PINS))
    return python


def edit_one(project: Path) -> Path:
    """Append a line to one SKILL.md (it stays clean) and return it."""
    skills = sorted((project / "skills").rglob("SKILL.md"))
    skill = skills[len(skills) // 2]
    edit_body(skill)
    return skill


def edit_body(skill: Path) -> None:
    with skill.open("a", encoding="utf-8") as handle:
        handle.write(f"\nEdited at {time.time_ns()}.\n")


def edit_frontmatter(skill: Path) -> None:
    """Give the skill a new description (it stays valid), so the frontmatter is parsed again."""
    lines = skill.read_text(encoding="utf-8").split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("description:"))
    lines[at] = f"description: Edited at {time.time_ns()}; use when timing the hook."
    skill.write_text("\n".join(lines), encoding="utf-8")


def bench_lint(project: Path, count: int, repeat: int, rows: list[list[str]]) -> None:
    skillshelf = BIN / "skillshelf"
    env = lint_env()
    cold = best(repeat, lambda: timed([skillshelf, "lint", "--no-cache"], cwd=project, env=env))
    timed([skillshelf, "lint"], cwd=project, env=env)  # fill the cache
    warm = best(repeat, lambda: timed([skillshelf, "lint"], cwd=project, env=env))

    def after_edit() -> float:
        edit_one(project)
        return timed([skillshelf, "lint"], cwd=project, env=env)

    edited = best(repeat, after_edit)
    for label, seconds in (
        ("skillshelf lint, cold (--no-cache)", cold),
        ("skillshelf lint, warm cache", warm),
        ("skillshelf lint, warm, 1 SKILL.md edited", edited),
    ):
        rows.append(row(label, count, seconds))


def bench_reference(project: Path, count: int, python: Path, rows: list[list[str]]) -> None:
    runner = WORK / "reference_runner.py"
    runner.write_text(_REFERENCE_RUNNER, encoding="utf-8")
    for module, label in (
        ("skills_ref", "skills-ref 0.1.1"),
        ("skills_ref_rs", "skills-ref-rs 0.3.3"),
    ):
        start = time.perf_counter()
        out = subprocess.run(
            [str(python), str(runner), module, str(project / "skills")],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        total = time.perf_counter() - start
        if int(out[1]):
            raise RuntimeError(
                f"{label} rejects the generated {count}-skill tree: {out[1]} problems"
            )
        rows.append(row(f"{label} validate() per skill, one process", count, total))
        rows.append(row(f"{label} validate() loop only (no start-up)", count, float(out[2])))


def bench_peer_cli(project: Path, count: int, rows: list[list[str]], sample: int = 50) -> None:
    """What a user of each peer's command line waits for: one process per skill
    folder (the commands take one), timed on an even sample of the tree's skills."""
    dirs = sorted(p.parent for p in (project / "skills").rglob("SKILL.md"))
    picked = dirs[:: max(1, len(dirs) // sample)][:sample]
    for command, label in (
        ("agentskills", "`agentskills validate DIR` (skills-ref 0.1.1)"),
        ("skills-ref", "`skills-ref validate DIR` (skills-ref-rs 0.3.3)"),
    ):
        executable = TOOLS / "bin" / command
        total = 0.0
        for folder in picked:
            start = time.perf_counter()
            result = subprocess.run(
                [str(executable), "validate", str(folder)], capture_output=True, text=True
            )
            total += time.perf_counter() - start
            if result.returncode != 0:
                raise RuntimeError(f"{command} rejects {folder}:\n{result.stdout}{result.stderr}")
        rows.append(
            row(
                f"{label}, one process per skill ({len(picked)} of {count:,} timed)",
                len(picked),
                total,
            )
        )


def bench_check_jsonschema(project: Path, count: int, python: Path, rows: list[list[str]]) -> None:
    out = WORK / f"frontmatter-{count}"
    start = time.perf_counter()
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    files: list[str] = []
    for index, skill in enumerate(sorted((project / "skills").rglob("SKILL.md"))):
        lines = skill.read_text(encoding="utf-8").split("\n")
        closing = next(i for i in range(1, len(lines)) if lines[i].rstrip() == "---")
        target = out / f"{index:05d}.yaml"
        target.write_text("\n".join(lines[1:closing]) + "\n", encoding="utf-8")
        files.append(str(target))
    prep = time.perf_counter() - start
    command = [
        str(TOOLS / "bin" / "check-jsonschema"),
        "--schemafile",
        str(REPO / "schemas" / "skill.schema.json"),
        *files,
    ]
    seconds = timed(command, cwd=out, accept=(0,))
    rows.append(row("check-jsonschema 0.39.0 (SKILL.md frontmatter only)", count, seconds))
    rows.append(row("  + extracting frontmatter to .yaml (preparation)", count, prep))


def row(label: str, count: int, seconds: float) -> list[str]:
    return [label, f"{count:,}", f"{seconds:.2f} s", f"{seconds / count * 1000:.2f} ms"]


def make_consumer(project: Path) -> Path:
    """A git repository holding the tree and using the hook from this working tree."""

    def git(cwd: Path, *args: str) -> str:
        env = os.environ | {
            "GIT_AUTHOR_NAME": "b",
            "GIT_AUTHOR_EMAIL": "b@example.invalid",
            "GIT_COMMITTER_NAME": "b",
            "GIT_COMMITTER_EMAIL": "b@example.invalid",
        }
        return subprocess.run(
            ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True
        ).stdout.strip()

    hook_repo = WORK / "hook-repo"
    shutil.rmtree(hook_repo, ignore_errors=True)
    hook_repo.mkdir(parents=True)
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy2(REPO / name, hook_repo / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(REPO / "plugins", hook_repo / "plugins", ignore=ignore)
    shutil.copytree(REPO / "schemas", hook_repo / "schemas", ignore=ignore)
    git(hook_repo, "init", "-q", "-b", "main")
    git(hook_repo, "add", "-A")
    git(hook_repo, "commit", "-q", "-m", "snapshot")
    sha = git(hook_repo, "rev-parse", "HEAD")
    consumer = WORK / "consumer"
    shutil.rmtree(consumer, ignore_errors=True)
    shutil.copytree(project, consumer)
    (consumer / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hook_repo.as_uri()}\n    rev: {sha}\n"
        "    hooks:\n      - id: skillshelf-lint\n",
        encoding="utf-8",
    )
    git(consumer, "init", "-q", "-b", "main")
    git(consumer, "add", "-A")
    git(consumer, "commit", "-q", "-m", "tree")
    return consumer


def bench_precommit(project: Path, count: int, repeat: int, rows: list[list[str]]) -> None:
    skillshelf = BIN / "skillshelf"
    env = lint_env()
    one = edit_one(project)
    rel = one.relative_to(project)

    def hook(edit: Callable[[Path], None] | None, *, cache: bool = True) -> float:
        if edit is not None:
            edit(one)
        flags = [] if cache else ["--no-cache"]
        return timed([skillshelf, "lint", *flags, rel], cwd=project, env=env)

    cold = best(repeat, lambda: hook(None, cache=False))
    hook(None)  # fill the cache
    for label, seconds in (
        ("`skillshelf lint <1 file>`, no cache", cold),
        (
            "`skillshelf lint <1 file>`, warm cache, file unchanged",
            best(repeat, lambda: hook(None)),
        ),
        (
            "`skillshelf lint <1 file>`, warm, its body edited",
            best(repeat, lambda: hook(edit_body)),
        ),
        (
            "`skillshelf lint <1 file>`, warm, its frontmatter edited",
            best(repeat, lambda: hook(edit_frontmatter)),
        ),
    ):
        rows.append(row(label, count, seconds))

    consumer = make_consumer(project)
    home = WORK / "pre-commit-home"
    pc_env = user_env() | {"PRE_COMMIT_HOME": str(home), "SKILLSHELF_CACHE_DIR": str(CACHE)}
    pre_commit = [sys.executable, "-m", "pre_commit"]
    timed([*pre_commit, "install-hooks"], cwd=consumer, env=pc_env)
    target = consumer / rel

    def run_hook(edit: Callable[[Path], None]) -> float:
        edit(target)
        return timed([*pre_commit, "run", "--files", rel], cwd=consumer, env=pc_env)

    run_hook(edit_body)  # warms the cache for this tree
    rows.append(
        row(
            "`pre-commit run --files <1 file>` (hook installed), body edited",
            count,
            best(repeat, lambda: run_hook(edit_body)),
        )
    )
    rows.append(
        row(
            "`pre-commit run --files <1 file>` (hook installed), frontmatter edited",
            count,
            best(repeat, lambda: run_hook(edit_frontmatter)),
        )
    )


def measured(command: Sequence[str | Path], *, cwd: Path, env: dict[str, str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one process, from its own ``wait4`` rusage."""
    with tempfile.TemporaryFile() as output:
        start = time.perf_counter()
        process = subprocess.Popen(
            [str(c) for c in command], cwd=cwd, env=env, stdout=output, stderr=output
        )
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            output.seek(0)
            tail = output.read()[-2000:].decode(errors="replace")
            raise RuntimeError(f"{command} failed ({process.returncode}):\n{tail}")
    return elapsed, usage.ru_maxrss


def site_env() -> dict[str, str]:
    return lint_env() | {"NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}


def make_site_project(tree: Path, count: int) -> Path:
    """A fresh copy of the tree with a mkdocs.yml using the plugin and one docs page."""
    project = WORK / "site" / f"n{count}"
    shutil.rmtree(project, ignore_errors=True)
    shutil.copytree(tree / "skills", project / "skills")
    shutil.copy2(tree / "skillshelf.toml", project / "skillshelf.toml")
    (project / "docs").mkdir()
    (project / "docs" / "index.md").write_text("# Bench\n\nThe home page.\n", encoding="utf-8")
    (project / "mkdocs.yml").write_text(SITE_YML, encoding="utf-8")
    return project


def awesome_nav_config(exported: Path) -> Path:
    """The exported mkdocs.yml without its static nav, with mkdocs-awesome-nav instead
    (default ordering: no .nav.yml files), written into benchmarks/.work."""
    import yaml  # type: ignore[import-untyped]

    config = yaml.safe_load((exported / "mkdocs.yml").read_text(encoding="utf-8"))
    config.pop("nav", None)
    config["docs_dir"] = str(exported / "docs")
    config["plugins"] = [*config.get("plugins", []), "awesome-nav"]
    target = WORK / "site" / "awesome-nav.yml"
    target.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return target


def html_pages(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*.html")}


def bench_site(
    tree: Path, count: int, repeat: int, tools_python: Path | None
) -> tuple[list[str], list[list[str]]]:
    env = site_env()
    project = make_site_project(tree, count)
    exported = WORK / "site" / f"exported-{count}"
    shutil.rmtree(exported, ignore_errors=True)
    subprocess.run(
        [str(BIN / "skillshelf"), "export", str(exported)],
        cwd=project,
        env=env,
        check=True,
        capture_output=True,
    )
    variants: list[tuple[str, list[str | Path]]] = [
        ("`mkdocs build` with the skillshelf plugin", [BIN / "mkdocs", "build", "-q"]),
        (
            "`mkdocs build` of `skillshelf export` (static nav, no plugin)",
            [BIN / "mkdocs", "build", "-q", "-f", exported / "mkdocs.yml"],
        ),
    ]
    if tools_python is not None:
        variants.append(
            (
                "`mkdocs build` of the export with mkdocs-awesome-nav 3.3.0",
                [tools_python.parent / "mkdocs", "build", "-q", "-f", awesome_nav_config(exported)],
            )
        )
    results: list[tuple[str, float, int, int]] = []
    reference: set[str] | None = None
    for label, command in variants:
        site = WORK / "site" / "out"
        runs = []
        for _ in range(repeat):
            shutil.rmtree(site, ignore_errors=True)
            runs.append(measured([*command, "-d", site], cwd=project, env=env))
        pages = html_pages(site)
        if reference is None:
            reference = pages
        elif pages != reference:
            raise RuntimeError(f"{label}: the pages differ: {sorted(pages ^ reference)[:10]}")
        seconds = min(r[0] for r in runs)
        results.append((label, seconds, max(r[1] for r in runs), len(pages)))
    base = results[1][1]
    rows = [
        [
            label,
            f"{count:,}",
            f"{pages:,}",
            f"{seconds:.2f} s",
            f"{seconds / base:.2f}x ({(seconds / base - 1) * 100:+.0f}%)",
            f"{rss / 1024:.0f} MiB",
        ]
        for label, seconds, rss, pages in results
    ]
    header = ["What", "Skills", "HTML pages", "Wall (best)", "vs static nav", "Peak RSS (max)"]
    return header, rows


def bench_weight(tree: Path, count: int) -> tuple[list[str], list[str]]:
    """What readers download: the HTML pages of the site built with the plugin (bytes per
    page, the catalog page on its own since it lists skills), the catalog's data and
    material's search index, which the browser fetches whole on the first search (raw and
    gzip-compressed, as a static host serves it); and the catalog's speed in a browser
    (:func:`bench_catalog`)."""
    project = make_site_project(tree, count)
    site = WORK / "site" / f"weight-{count}"
    shutil.rmtree(site, ignore_errors=True)
    measured([BIN / "mkdocs", "build", "-q", "-d", site], cwd=project, env=site_env())
    sizes = {p.relative_to(site).as_posix(): p.stat().st_size for p in site.rglob("*.html")}
    catalog = sizes.pop("catalog/index.html", 0)
    pages = sorted(sizes.values())
    index = (site / "search" / "search_index.json").read_bytes()
    data = (site / "_skillshelf" / "catalog.json").read_bytes()
    speed = bench_catalog(site, count)
    shutil.rmtree(site, ignore_errors=True)
    return [
        f"{count:,}",
        f"{len(pages) + (1 if catalog else 0):,}",
        kib(statistics.mean(pages)),
        kib(statistics.median(pages)),
        kib(pages[int(len(pages) * 0.95)]),
        kib(max(pages)),
        kib(catalog),
        f"{kib(len(data))} ({kib(len(gzip.compress(data, 6)))} gzip)",
        mib(sum(pages) + catalog),
        mib(len(index)),
        mib(len(gzip.compress(index, 6))),
    ], speed


WEIGHT_HEADER = [
    "Skills",
    "HTML pages",
    "Page mean",
    "Page median",
    "Page p95",
    "Page max",
    "Catalog page",
    "Catalog data",
    "All HTML",
    "Search index",
    "Search index (gzip)",
]
CATALOG_HEADER = [
    "Skills",
    "Open to filters ready",
    "Words, median",
    "Words, slowest",
    "Category",
    "Tag",
    "Clear",
]
#: One filter change, timed in the page from the event to the next frame.
_FILTER_TIME = """async ([selector, value]) => {
  const control = document.querySelector(selector);
  const started = performance.now();
  control.value = value;
  control.dispatchEvent(new Event(control.tagName === "SELECT" ? "change" : "input"));
  await new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
  return performance.now() - started;
}"""
#: Typed one key at a time, as a reader types them.
_TYPED = ("d", "da", "dat", "data", "data p", "data pi", "data pip", "zzz", "")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def bench_catalog(site: Path, count: int) -> list[str]:
    """The catalog page of ``site`` in headless chromium, served from 127.0.0.1: how long
    until its filters work, and how long each filter change takes to show."""
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/catalog/"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            started = time.perf_counter()
            page.goto(url, wait_until="commit")
            page.wait_for_selector(".skillshelf-filters", timeout=120_000)
            ready = time.perf_counter() - started
            typed = [page.evaluate(_FILTER_TIME, ["#skillshelf-query", text]) for text in _TYPED]
            first = page.evaluate("document.querySelector('#skillshelf-category').options[1].value")
            category = page.evaluate(_FILTER_TIME, ["#skillshelf-category", first])
            tag_value = page.evaluate("document.querySelector('#skillshelf-tag').options[1].value")
            tag = page.evaluate(_FILTER_TIME, ["#skillshelf-tag", tag_value])
            clear = page.evaluate(
                """async () => {
                  const started = performance.now();
                  document.querySelector(".skillshelf-clear").click();
                  await new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
                  return performance.now() - started;
                }"""
            )
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return [
        f"{count:,}",
        f"{ready:.2f} s",
        f"{statistics.median(typed):.0f} ms",
        f"{max(typed):.0f} ms",
        f"{category:.0f} ms",
        f"{tag:.0f} ms",
        f"{clear:.0f} ms",
    ]


def kib(size: float) -> str:
    return f"{size / 1024:,.1f} KiB"


def mib(size: float) -> str:
    return f"{size / 1024 / 1024:,.2f} MiB"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch_page(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return str(response.read().decode("utf-8", "replace"))
    except (urllib.error.URLError, OSError):
        return None


def wait_for(url: str, needle: str, started: float, limit: float = 300.0) -> float:
    while time.perf_counter() - started < limit:
        body = fetch_page(url)
        if body is not None and needle in body:
            return time.perf_counter() - started
        time.sleep(0.05)
    raise RuntimeError(f"{url} did not show {needle!r} within {limit:.0f} s")


def skill_url(base: str, skills: Path, skill_md: Path) -> str:
    return f"{base}{skill_md.parent.relative_to(skills).as_posix()}/"


def add_skill(base: str, skills: Path, sibling: Path) -> float:
    """Seconds from writing a new skill next to ``sibling`` until a sibling's page lists
    it in its nav, its category's page lists it and its own page is served."""
    name = f"bench-new-{time.time_ns()}"
    new = sibling.parent.parent / name / "SKILL.md"
    time.sleep(1.0)  # let the previous rebuild settle
    started = time.perf_counter()
    new.parent.mkdir()
    new.write_text(
        f"---\nname: {name}\ndescription: A skill added while serving.\nlicense: MIT\n"
        f"---\n\n# {name}\n\nNew.\n",
        encoding="utf-8",
    )
    category = f"{base}{sibling.parent.parent.relative_to(skills).as_posix()}/"
    return max(
        wait_for(skill_url(base, skills, sibling), name, started),
        wait_for(category, name, started),
        wait_for(skill_url(base, skills, new), "New.", started),
    )


def bench_serve(tree: Path, count: int, edits: int, adds: int) -> tuple[list[str], list[list[str]]]:
    project = make_site_project(tree, count)
    skills = project / "skills"
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    log_file = (WORK / "site" / "serve.log").open("w", encoding="utf-8")
    started = time.perf_counter()
    server = subprocess.Popen(
        [str(BIN / "mkdocs"), "serve", "-a", f"127.0.0.1:{port}"],
        cwd=project,
        env=site_env(),
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    rows: list[list[str]] = []
    try:
        startup = wait_for(base, "</html>", started)
        rows.append(
            ["`mkdocs serve` start-up (first build, until / is served)", f"{startup:.2f} s"]
        )
        all_skills = sorted(skills.rglob("SKILL.md"))
        times: list[float] = []
        for index in range(edits):
            skill = all_skills[(index + 1) * len(all_skills) // (edits + 1)]
            marker = f"serve-marker-{time.time_ns()}"
            time.sleep(1.0)  # let the previous rebuild settle
            with skill.open("a", encoding="utf-8") as handle:
                handle.write(f"\n{marker}\n")
            times.append(wait_for(skill_url(base, skills, skill), marker, time.perf_counter()))
        rows.append(
            [
                f"edit one SKILL.md -> page shows it (median of {edits}; all: "
                + ", ".join(f"{t:.2f}" for t in times)
                + ")",
                f"{statistics.median(times):.2f} s",
            ]
        )
        added: list[float] = []
        for index in range(adds):
            sibling = all_skills[(2 * index + 1) * len(all_skills) // (2 * adds + 1)]
            added.append(add_skill(base, skills, sibling))
        rows.append(
            [
                f"add a skill -> a sibling page's nav and its category's page list it, its "
                f"own page is served (median of {adds}; all: "
                + ", ".join(f"{t:.2f}" for t in added)
                + ")",
                f"{statistics.median(added):.2f} s",
            ]
        )
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log_file.close()
    return ["What (1,000-skill tree)", "Seconds"], rows


def write_results(
    command: str,
    info: dict[str, str],
    sections: dict[str, list[list[str]]],
    tables: dict[str, tuple[list[str], list[list[str]]]] | None = None,
    notes: dict[str, Sequence[str]] | None = None,
) -> str:
    lines = [
        "# skillshelf benchmark results",
        "",
        "Written by `benchmarks/run.py`; re-run with the command below to reproduce.",
        "",
        f"Command: `{command}`",
        "",
        "| Machine | |",
        "|---|---|",
        *[f"| {k} | {v} |" for k, v in info.items()],
        "",
        "Times are wall-clock seconds of whole processes (start-up included) unless the "
        "row says otherwise; best of the repeats. Per-skill = total / skills.",
        "",
    ]
    for title, rows in sections.items():
        lines += [
            f"## {title}",
            "",
            "| What | Skills | Total | Per skill |",
            "|---|---:|---:|---:|",
        ]
        lines += [f"| {' | '.join(r)} |" for r in rows]
        lines.append("")
        if notes and title in notes:
            lines += [*notes[title], ""]
    for title, (header, rows) in (tables or {}).items():
        lines += [
            f"## {title}",
            "",
            f"| {' | '.join(header)} |",
            "|---|" + "---:|" * (len(header) - 1),
        ]
        lines += [f"| {' | '.join(r)} |" for r in rows]
        lines.append("")
    text = "\n".join(lines)
    (HERE / "RESULTS.md").write_text(text, encoding="utf-8")
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description="skillshelf benchmarks")
    parser.add_argument("--sizes", default="100,1000,10000", help="tree sizes (skills)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (best is kept)")
    parser.add_argument("--skip-tools", action="store_true", help="skip the reference tools")
    parser.add_argument("--skip-precommit", action="store_true")
    parser.add_argument("--skip-site", action="store_true", help="skip the site builds")
    parser.add_argument("--skip-serve", action="store_true", help="skip mkdocs serve")
    parser.add_argument("--skip-lint", action="store_true", help="skip the whole-tree lint")
    parser.add_argument("--serve-edits", type=int, default=5, help="edits timed under serve")
    parser.add_argument(
        "--skip-weight", action="store_true", help="skip the page weight of each size"
    )
    parser.add_argument("--serve-adds", type=int, default=3, help="skills added under serve")
    args = parser.parse_args()
    command = "make bench" if len(sys.argv) == 1 else "benchmarks/run.py " + " ".join(sys.argv[1:])
    info = machine()
    sizes = [int(s) for s in args.sizes.split(",")]
    shutil.rmtree(CACHE, ignore_errors=True)
    projects = {
        n: generate(n, WORK / "trees" / f"n{n}-s{args.seed}", seed=args.seed) for n in sizes
    }
    sections: dict[str, list[list[str]]] = {}
    notes: dict[str, Sequence[str]] = {}
    lint_rows: list[list[str]] = []
    for n, project in projects.items():
        if args.skip_lint:
            break
        print(f"lint {n} skills ...", flush=True)
        bench_lint(project, n, args.repeat if n < 10000 else max(1, args.repeat - 1), lint_rows)
    if lint_rows:
        sections["Linting the whole tree (all rules)"] = lint_rows
    if not args.skip_tools:
        python = ensure_tools()
        tool_rows: list[list[str]] = []
        for n, project in projects.items():
            print(f"reference tools {n} skills ...", flush=True)
            bench_reference(project, n, python, tool_rows)
            bench_peer_cli(project, n, tool_rows)
            bench_check_jsonschema(project, n, python, tool_rows)
        sections["Reference validators on the same trees (they check less)"] = tool_rows
        notes["Reference validators on the same trees (they check less)"] = PEERS_CHECK
    if not args.skip_precommit and 1000 in projects:
        print("pre-commit on the 1,000-skill tree ...", flush=True)
        pc_rows: list[list[str]] = []
        bench_precommit(projects[1000], 1000, args.repeat, pc_rows)
        sections["pre-commit: one changed file in a 1,000-skill tree"] = pc_rows
    tables: dict[str, tuple[list[str], list[list[str]]]] = {}
    if not args.skip_site and 1000 in projects:
        print("site builds of the 1,000-skill tree ...", flush=True)
        tools_python = None if args.skip_tools else ensure_tools()
        tables["Site: `mkdocs build` of the 1,000-skill tree (mkdocs-material, search)"] = (
            bench_site(projects[1000], 1000, args.repeat, tools_python)
        )
    if not args.skip_serve and 1000 in projects:
        print("mkdocs serve on the 1,000-skill tree ...", flush=True)
        tables["Site: `mkdocs serve` rebuilds of the 1,000-skill tree"] = bench_serve(
            projects[1000], 1000, args.serve_edits, args.serve_adds
        )
    if not args.skip_weight:
        weight_rows = []
        catalog_rows = []
        for n, project in projects.items():
            print(f"page weight and the catalog in a browser, {n} skills ...", flush=True)
            weight, speed = bench_weight(project, n)
            weight_rows.append(weight)
            catalog_rows.append(speed)
            print("  " + " | ".join(weight) + "\n  " + " | ".join(speed), flush=True)
        tables["Site: page weight (HTML bytes per page, search index)"] = (
            WEIGHT_HEADER,
            weight_rows,
        )
        tables["Site: the catalog in headless chromium (filters, to the next frame)"] = (
            CATALOG_HEADER,
            catalog_rows,
        )
    info["load average at end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(write_results(command, info, sections, tables, notes))


if __name__ == "__main__":
    main()
