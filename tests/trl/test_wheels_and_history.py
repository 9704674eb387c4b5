"""Wheels from a real (local) index, keyed by published hash; the surface of a release; the
history folded from surfaces and read back."""

from __future__ import annotations

import hashlib
import http.server
import json
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from skillshelf.trl import cli, memo, wheels
from skillshelf.trl.history import ApiHistory, Positional
from skillshelf.trl.spans import fold, spans
from skillshelf.trl.surface import SurfaceExtractor, exported_names, subpackages


def make_wheel(path: Path, files: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return path


class Index:
    """A PEP 691 JSON simple index on 127.0.0.1 serving the wheels of one folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.requests: list[str] = []
        self.tamper: set[str] = set()  # filenames whose published hash is wrong
        index = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                index.requests.append(self.path)
                body, kind = index.answer(self.path)
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Type", kind)
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, *args: object) -> None:
                return

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/simple"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def answer(self, path: str) -> tuple[bytes | None, str]:
        if path.startswith("/files/"):
            target = self.folder / path.removeprefix("/files/")
            return (target.read_bytes() if target.is_file() else None), "application/zip"
        dist = path.removeprefix("/simple/").strip("/")
        files = []
        for wheel in sorted(self.folder.glob(f"{dist}-*.whl")):
            digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
            if wheel.name in self.tamper:
                digest = "0" * 64
            files.append(
                {
                    "filename": wheel.name,
                    "url": f"/files/{wheel.name}",
                    "hashes": {"sha256": digest},
                }
            )
        return json.dumps({"files": files}).encode(), wheels._SIMPLE_JSON


@pytest.fixture
def index(tmp_path: Path) -> Iterator[Index]:
    folder = tmp_path / "index"
    folder.mkdir()
    for version in ("1.0.0", "2.0.0"):
        make_wheel(
            folder / f"pkg-{version}-py3-none-any.whl", {"pkg/__init__.py": f"V = '{version}'\n"}
        )
    served = Index(folder)
    yield served
    served.server.shutdown()


def test_wheels_are_cached_under_their_published_hash_and_fetched_once(
    index: Index, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PIP_INDEX_URL", index.url)
    cache = tmp_path / "cache"
    first = wheels.fetch([("pkg", "1.0.0"), ("pkg", "2.0.0")], cache)
    wheel = first[("pkg", "1.0.0")]
    assert (cache / wheel.sha256 / "pkg-1.0.0-py3-none-any.whl").is_file()
    downloads = [r for r in index.requests if r.startswith("/files/")]
    assert len(downloads) == 2

    index.requests.clear()
    again = wheels.fetch([("pkg", "1.0.0"), ("pkg", "2.0.0")], cache)
    assert again == first
    assert index.requests == ["/simple/pkg/"]  # the index is asked, no wheel downloaded

    wheels.prune(cache, [wheel])
    assert sorted(p.name for p in cache.iterdir()) == [wheel.sha256]


def test_a_wheel_whose_bytes_do_not_match_the_published_hash_is_refused(
    index: Index, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PIP_INDEX_URL", index.url)
    index.tamper.add("pkg-1.0.0-py3-none-any.whl")
    with pytest.raises(wheels.ExtractError, match="is not the published"):
        wheels.fetch([("pkg", "1.0.0")], tmp_path / "cache")
    assert not any((tmp_path / "cache").rglob("*.whl"))


def test_a_missing_release_is_named(
    index: Index, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PIP_INDEX_URL", index.url)
    with pytest.raises(wheels.ExtractError, match=r"no pure-Python wheel for pkg 3\.0\.0"):
        wheels.fetch([("pkg", "3.0.0")], tmp_path / "cache")


def test_signatures_fails_loudly_when_the_index_is_unreachable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    closed = http.server.HTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
    port = closed.server_address[1]
    closed.server_close()  # nothing listens there now
    monkeypatch.setenv("PIP_INDEX_URL", f"http://127.0.0.1:{port}/simple")
    parser = cli.argparse.ArgumentParser(prog="skillshelf")
    cli.register_cli(parser.add_subparsers())
    args = parser.parse_args(["signatures", "--check", "--cache", str(tmp_path)])
    assert args.handler(args) == cli.EXIT_ERROR
    err = capsys.readouterr().err
    assert f"cannot reach http://127.0.0.1:{port}/simple/" in err


def test_memo_returns_what_was_computed_and_forgets_what_a_run_did_not_use(tmp_path: Path) -> None:
    calls: list[int] = []

    def compute() -> dict[str, object]:
        calls.append(1)
        return {"b": (1, 2), "a": None}

    first = memo.Memo(tmp_path)
    assert first.get("kind", ["h1"], compute) == {"a": None, "b": [1, 2]}
    second = memo.Memo(tmp_path)
    assert second.get("kind", ["h1"], compute) == {"a": None, "b": [1, 2]}
    assert len(calls) == 1 and second.hits == 1
    third = memo.Memo(tmp_path)
    third.get("kind", ["h2"], compute)
    third.keep_only_used()
    assert len(list(tmp_path.glob("*.json"))) == 1


def test_the_memo_key_covers_every_module_the_extractor_imports() -> None:
    names = {p.name for p in memo.extractor_modules()}
    assert {"extract.py", "symbolic.py", "surface.py", "wheels.py", "resolve.py"} <= names
    assert "snippets.py" not in names and "history.py" not in names  # readers, not extractors


# ---- the surface of one release


PKG_INIT = """
_import_structure = {"trainer": ["FooConfig", "FooTrainer"]}
_import_structure["trainer"].extend(["BarConfig"])
"""
TRAINER_INIT = """
from .foo import FooConfig, FooTrainer, BarConfig
"""
FOO = """
from dataclasses import dataclass
from transformers import TrainingArguments, Trainer
from .deprecation import deprecate_kwarg

@dataclass
class FooConfig(TrainingArguments):
    beta: float = 0.1
    max_len: int = 3

class BarConfig:
    def __init__(self, a=1, *, b=2, **kwargs):
        self.c = kwargs.pop("c", 3)

class FooTrainer(Trainer):
    @deprecate_kwarg("tokenizer", new_name="processing_class")
    def __init__(self, model, args=None, processing_class=None):
        pass

@overload
def load(path: str) -> int: ...

def load(path, mode="r", *rest, strict=False):
    pass
"""
EXPERIMENTAL = """
from .baz_config import BazConfig
"""
BAZ = """
from dataclasses import dataclass
from ...trainer.foo import FooConfig

@dataclass
class BazConfig(FooConfig):
    gamma: float = 1.0
"""


def test_surface_of_a_release(tmp_path: Path) -> None:
    wheel = make_wheel(
        tmp_path / "pkg-1.0.0-py3-none-any.whl",
        {
            "pkg/__init__.py": PKG_INIT,
            "pkg/trainer/__init__.py": TRAINER_INIT,
            "pkg/trainer/foo.py": FOO,
            "pkg/experimental/__init__.py": "",
            "pkg/experimental/baz/__init__.py": EXPERIMENTAL,
            "pkg/experimental/baz/baz_config.py": BAZ,
        },
    )
    sources = wheels.Sources.from_wheels([wheel])
    assert exported_names(sources, "pkg") == {"FooConfig", "FooTrainer", "BarConfig"}
    assert subpackages(sources, "pkg.experimental") == ["pkg.experimental.baz"]
    extractor = SurfaceExtractor(sources, "pkg.")
    foo = extractor.api("pkg", "FooConfig")
    assert foo is not None and foo.arguments == {"beta", "max_len"}
    assert foo.inherits == "transformers.TrainingArguments"
    bar = extractor.api("pkg", "BarConfig")
    assert bar is not None and bar.arguments == {"a", "b", "c"} and bar.var_keyword
    trainer = extractor.api("pkg", "FooTrainer")
    assert trainer is not None
    assert trainer.arguments == {"model", "args", "processing_class", "tokenizer"}
    assert trainer.renamed == {"tokenizer": "processing_class"}
    assert (trainer.positional, trainer.var_positional) == (
        ["model", "args", "processing_class"],
        False,
    )
    assert foo.positional is None  # a dataclass: not read
    load = extractor.api("pkg.trainer.foo", "load")  # the definition, not the @overload stub
    assert load is not None and (load.positional, load.var_positional) == (["path", "mode"], True)
    baz = extractor.api("pkg.experimental.baz", "BazConfig")
    assert baz is not None and baz.arguments == {"beta", "max_len", "gamma"}


# ---- the history


def test_spans_are_runs_of_releases() -> None:
    releases = ["1", "2", "3", "4", "5"]
    assert spans([True, True, False, True, False], releases) == "1-2,4-4"
    assert spans([False] * 5, releases) == ""


def history() -> ApiHistory:
    releases = ["0.8.0", "0.9.0", "0.10.0", "1.0.0"]
    surfaces = [
        {"DPOTrainer": {"kind": "class", "imports": ["trl"], "arguments": ["beta", "tokenizer"]}},
        {
            "DPOTrainer": {"kind": "class", "imports": ["trl"], "arguments": ["beta", "tokenizer"]},
            "DPOConfig": {"kind": "class", "imports": ["trl"], "arguments": ["beta"]},
        },
        {
            "DPOTrainer": {"kind": "class", "imports": ["trl"], "arguments": ["processing_class"]},
            "DPOConfig": {"kind": "class", "imports": ["trl"], "arguments": ["beta", "rpo_alpha"]},
        },
        {
            "DPOTrainer": {"kind": "class", "imports": ["trl"], "arguments": ["processing_class"]},
            "DPOConfig": {
                "kind": "class",
                "imports": ["trl.experimental.dpo"],
                "arguments": ["beta"],
            },
        },
    ]
    for index, surface in enumerate(surfaces):
        order = (
            ["model", "ref_model", "beta", "args"] if index < 2 else ["model", "ref_model", "args"]
        )
        surface["DPOTrainer"]["positional"] = order
    data = fold(releases, surfaces)
    assert data["DPOTrainer"]["positional"] == {
        "model,ref_model,args/3": "0.10.0-1.0.0",
        "model,ref_model,beta,args/4": "0.8.0-0.9.0",
    }
    assert data["DPOTrainer"]["arguments"]["tokenizer"] == "0.8.0-0.9.0"
    assert data["DPOConfig"]["present"] == "0.9.0-1.0.0"
    return ApiHistory({"releases": {"trl": releases}, "apis": {"trl": data}})


def test_history_answers_when_things_existed() -> None:
    h = history()
    gone = h.argument("trl", "DPOTrainer", "tokenizer", "1.0.0")
    assert (gone.present, gone.last, gone.removed_in) == (False, "0.9.0", "0.10.0")
    assert h.argument("trl", "DPOConfig", "rpo_alpha", "1.0.0").removed_in == "1.0.0"
    future = h.api("trl", "DPOConfig", "0.8.0")
    assert (future.present, future.added_in) == (False, "0.9.0")
    assert h.arguments("trl", "DPOTrainer", "0.9.5") == {"beta", "tokenizer"}  # 0.9.0 stands for it
    assert h.positional("trl", "DPOTrainer", "0.9.5") == Positional(
        ("model", "ref_model", "beta", "args"), 4, False
    )
    assert h.positional("trl", "DPOConfig", "1.0.0") is None
    assert h.import_modules("trl", "DPOConfig", "1.0.0") == ["trl.experimental.dpo"]
    moved = h.import_span("trl", "DPOConfig", "trl", "1.0.0")
    assert (moved.present, moved.removed_in) == (False, "1.0.0")


def test_committed_history_knows_the_stale_arguments_skills_use() -> None:
    from skillshelf.trl.history import load

    h = load()
    sft = h.argument("trl", "SFTConfig", "max_seq_length", "1.16.0")
    assert not sft.present and sft.removed_in == "0.20.0"
    tokenizer = h.argument("trl", "DPOTrainer", "tokenizer", "1.16.0")
    assert tokenizer.removed_in == "0.13.0"  # 0.12 still took it, renamed with a warning
    evaluation = h.argument("transformers", "TrainingArguments", "evaluation_strategy", "5.23.0")
    assert not evaluation.present and evaluation.removed_in is not None
    ppo = h.api("trl", "PPOConfig", "1.16.0")
    assert not ppo.present and ppo.removed_in is not None
    assert h.import_modules("trl", "ORPOConfig", "1.16.0")[0] == "trl.experimental.orpo"
    assert h.record("transformers", "Trainer")["renamed"] == {"tokenizer": "processing_class"}
