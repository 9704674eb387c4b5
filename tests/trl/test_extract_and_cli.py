"""The extractor on a tiny synthetic wheel, and the ``signatures`` sub-command's exit codes."""

from __future__ import annotations

import argparse
import json
import zipfile
from pathlib import Path

import pytest

from skillshelf.trl import cli, datafile, describe, extract, wheels
from skillshelf.trl.signatures import Signatures, holds

BASE = """
from dataclasses import dataclass, field

@dataclass
class TrainingArguments:
    output_dir: str | None = None
    fp16: bool = False
    bf16: bool | None = None
    eval_strategy: "IntervalStrategy | str" = "no"

    def __post_init__(self):
        self.eval_strategy = IntervalStrategy(self.eval_strategy)
        if self.fp16 and self.bf16:
            raise ValueError("At most one of fp16 and bf16")

from enum import Enum

class ExplicitEnum(str, Enum):
    pass

class IntervalStrategy(ExplicitEnum):
    NO = "no"
    STEPS = "steps"
"""

TRL_INIT = """
_import_structure = {"trainer": ["FooConfig", "FooTrainer"]}
"""
TRAINER_INIT = """
_import_structure = {"foo_config": ["FooConfig"], "foo_trainer": ["FooTrainer"]}
"""
FOO_CONFIG = """
import warnings
from dataclasses import dataclass, field
from transformers import TrainingArguments
from .base import _Base

@dataclass
class FooConfig(_Base):
    beta: float = 0.1
    loss_type: list[str] = field(default_factory=lambda: ["a"])
    loss_weights: list[float] | None = None
    old_knob: int | None = None
    hidden: int = field(default=0, init=False)

    def __post_init__(self):
        if self.loss_type == "a_short":
            self.loss_type = "a"
        if isinstance(self.loss_type, str):
            self.loss_type = [self.loss_type]
        if self.loss_weights is not None and len(self.loss_weights) != len(self.loss_type):
            raise ValueError(f"need {len(self.loss_type)} weights")
        if self.old_knob is not None:
            warnings.warn("`old_knob` is deprecated", FutureWarning)
        if "a_old" in self.loss_type:
            warnings.warn("'a_old' is deprecated, use 'a'", FutureWarning)
            self.loss_type = ["a" if t == "a_old" else t for t in self.loss_type]
        super().__post_init__()
"""
BASE_CONFIG = """
from dataclasses import dataclass
from transformers import TrainingArguments

@dataclass
class _Base(TrainingArguments):
    bf16: bool | None = None

    def __post_init__(self):
        self.bf16 = not self.fp16 if self.bf16 is None else self.bf16
        super().__post_init__()
"""
FOO_TRAINER = """
class FooTrainer:
    def __init__(self, model, args=None):
        self.losses = args.loss_type
        if "b" in self.losses and args.beta > 1:
            raise ValueError("b needs beta <= 1")
        if model.is_big:
            raise ValueError("never known")

    def loss(self, loss_type):
        if loss_type == "a":
            return 1
        elif loss_type in ("b", "c"):
            return 2
        else:
            raise ValueError("unknown")
"""


def make_wheel(path: Path, files: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return path


@pytest.fixture
def sources(tmp_path: Path) -> wheels.Sources:
    transformers = make_wheel(
        tmp_path / "transformers-5.23.0-py3-none-any.whl",
        {
            "transformers/__init__.py": "from .training_args import TrainingArguments\n",
            "transformers/training_args.py": BASE,
        },
    )
    trl = make_wheel(
        tmp_path / "trl-9.9.9-py3-none-any.whl",
        {
            "trl/__init__.py": TRL_INIT,
            "trl/trainer/__init__.py": TRAINER_INIT,
            "trl/trainer/foo_config.py": FOO_CONFIG,
            "trl/trainer/base.py": BASE_CONFIG,
            "trl/trainer/foo_trainer.py": FOO_TRAINER,
            "trl-9.9.9.dist-info/METADATA": "Name: trl\nRequires-Dist: transformers>=4.56.2\n",
        },
    )
    return wheels.Sources.from_wheels([trl, transformers])


def test_extracts_fields_rules_and_loss_types(sources: wheels.Sources) -> None:
    wheels.check_requirement(sources, "trl-9.9.9-py3-none-any.whl", "transformers", "5.23.0")
    names = extract.trl_exports(sources)
    assert names == {"FooConfig": ("trl", "trl")}
    extractor = describe.PackageExtractor(sources, "trl.")
    (foo,) = extractor.classes(names).values()
    data = foo.data
    assert data["mro"] == [
        "trl.trainer.foo_config.FooConfig",
        "trl.trainer.base._Base",
        "transformers.training_args.TrainingArguments",
    ]
    assert data["inherits"] == "transformers.training_args.TrainingArguments"
    args = data["arguments"]
    assert "hidden" not in args  # init=False
    assert "output_dir" not in args  # stored once with TrainingArguments
    assert args["loss_type"] == {"accepts": ["str"], "annotation": "list[str]", "default": ["a"]}
    assert args["old_knob"]["deprecated"] == "`old_knob` is deprecated"
    assert set(data["loss_types"]) == {"a", "b", "c", "a_old", "a_short"}
    assert data["loss_types"]["a_old"]["replaced_by"] == "a"
    assert data["loss_types"]["a_short"] == {"same_as": "a"}  # rewritten without a warning
    messages = ["".join(p for p in r["message"] if isinstance(p, str)) for r in foo.rules]
    assert messages == ["need  weights", "At most one of fp16 and bf16", "b needs beta <= 1"]
    external = extractor.external_class(data["inherits"])
    assert external is not None
    assert external["arguments"]["eval_strategy"]["choices"] == ["no", "steps"]

    merged = Signatures(
        {
            "format": 1,
            "pinned": {"trl": "9.9.9", "transformers": "5.23.0", "peft": "0"},
            "releases": {"9.9.9": {"transformers": "5.23.0", "classes": {"FooConfig": "x"}}},
            "transformers": {"5.23.0": {"classes": {data["inherits"]: external}}},
            "class_pool": {"x": dict(data, rules=["r0", "r1", "r2"])},
            "rule_pool": {f"r{i}": r for i, r in enumerate(foo.rules)},
        }
    )
    cls = merged.config_class("trl", "9.9.9", "FooConfig")
    assert cls is not None and {"output_dir", "beta", "fp16"} <= set(cls.arguments)
    env = cls.defaults()
    weights, fp, trainer = cls.rules
    assert holds(weights.condition, {**env, "loss_type": "b", "loss_weights": [1.0, 2.0]})
    assert not holds(weights.condition, {**env, "loss_type": ["b", "c"], "loss_weights": [1, 2]})
    assert holds(fp.condition, {**env, "fp16": True, "bf16": True})
    assert not holds(fp.condition, {**env, "fp16": True})  # bf16 becomes `not fp16`
    assert trainer.phase == "trainer"
    assert holds(trainer.condition, {**env, "loss_type": "b", "beta": 2})


def test_requirement_mismatch_is_an_error(sources: wheels.Sources) -> None:
    with pytest.raises(wheels.ExtractError):
        wheels.check_requirement(sources, "trl-9.9.9-py3-none-any.whl", "transformers", "4.0.0")


def test_dumps_is_deterministic() -> None:
    data = {"b": {"y": [1, 2], "x": {"deep": {"deeper": {"k": 1, "a": 2}}}}, "a": 1}
    text = datafile.dumps(data)
    assert text == datafile.dumps(json.loads(text))
    assert text.index('"a"') < text.index('"b"')
    assert '{"a":2,"k":1}' in text  # compact below the fourth level


# ---- the sub-command


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="skillshelf")
    sub = parser.add_subparsers()
    cli.register_cli(sub)
    return parser.parse_args(argv)


def generated(signatures: str, history: str = "{}\n") -> cli.Generated:
    return cli.Generated(signatures, history, wheels=3, memo_hits=1, memo_misses=2)


def test_check_exit_codes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "trl-signatures.json").write_text('{\n "a": 1\n}\n', encoding="utf-8")
    (tmp_path / "api-history.json").write_text("{}\n", encoding="utf-8")
    monkeypatch.setattr(cli, "generate", lambda cache: generated('{\n "a": 1\n}\n'))
    args = parse(["signatures", "--check", "--schemas", str(tmp_path), "--cache", str(tmp_path)])
    assert args.handler(args) == 0

    monkeypatch.setattr(cli, "generate", lambda cache: generated('{\n "a": 2\n}\n'))
    assert args.handler(args) == 1
    captured = capsys.readouterr()
    assert '- "a": 1' in captured.out and '+ "a": 2' in captured.out
    assert "out of date" in captured.err
    assert (tmp_path / "trl-signatures.json").read_text(encoding="utf-8") == '{\n "a": 1\n}\n'

    def fail(cache: Path) -> cli.Generated:
        raise wheels.ExtractError("cannot reach https://pypi.org/simple/trl/: no network")

    monkeypatch.setattr(cli, "generate", fail)
    assert args.handler(args) == 2
    assert "no network" in capsys.readouterr().err


def test_regenerate_writes_both_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    schemas = tmp_path / "schemas"
    monkeypatch.setattr(cli, "generate", lambda cache: generated("{}\n", '{"h": 1}\n'))
    args = parse(["signatures", "--schemas", str(schemas), "--cache", str(tmp_path / "c")])
    assert args.cache == tmp_path / "c"
    assert args.handler(args) == 0
    assert (schemas / "trl-signatures.json").read_text(encoding="utf-8") == "{}\n"
    assert (schemas / "api-history.json").read_text(encoding="utf-8") == '{"h": 1}\n'


def test_usage_errors_exit_2() -> None:
    with pytest.raises(SystemExit) as excinfo:
        parse(["signatures", "--bogus"])
    assert excinfo.value.code == 2
