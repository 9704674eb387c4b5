"""The reorganization in shared/seeds, reproduced as a tree, lints as its own rules say.

The seed split a 40-skill flat `mlops` into seven sub-categories, merged
singleton categories into `media`, `creative`, `research` and `productivity`,
moved two misplaced skills and gave every category a DESCRIPTION.md. It
breaks its own rule in exactly one place: `mlops/research` holds only dspy.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from tests.conftest import description_md, skill_md

from skillshelf.config import config_from_table
from skillshelf.lint import lint
from skillshelf.model import scan

MakeTree = Callable[[Mapping[str, str | bytes]], Path]

AFTER = {
    "mlops/training": "accelerate axolotl flash-attention grpo-rl-training peft pytorch-fsdp "
    "pytorch-lightning simpo slime torchtitan trl-fine-tuning unsloth",
    "mlops/inference": "gguf guidance instructor llama-cpp obliteratus outlines tensorrt-llm vllm",
    "mlops/models": "audiocraft clip llava segment-anything stable-diffusion whisper",
    "mlops/vector-databases": "chroma faiss pinecone qdrant",
    "mlops/evaluation": "huggingface-tokenizers lm-evaluation-harness nemo-curator saelens "
    "weights-and-biases",
    "mlops/cloud": "lambda-labs modal",
    "mlops/research": "dspy",
    "media": "gif-search youtube-content heartmula songsee",
    "creative": "excalidraw ascii-art",
    "research": "domain-intel blogwatcher polymarket ml-paper-writing",
    # The seed names only what moved; these categories held other skills already.
    "software-development": "code-review systematic-debugging",
    "productivity": "ocr-and-documents notion",
}
#: The flat layout before the split, for the backwards-compatibility check.
BEFORE_MLOPS = sum(len(AFTER[c].split()) for c in AFTER if c.startswith("mlops/"))


def reorganized_tree() -> dict[str, str]:
    files: dict[str, str] = {}
    for category, names in AFTER.items():
        parts = category.split("/")
        for depth in range(1, len(parts) + 1):
            folder = "/".join(parts[:depth])
            files[f"{folder}/DESCRIPTION.md"] = description_md(parts[depth - 1].title())
        for name in names.split():
            files[f"{category}/{name}/SKILL.md"] = skill_md(name)
    return files


def test_only_mlops_research_is_flagged(make_tree: MakeTree) -> None:
    root = make_tree(reorganized_tree())
    config = config_from_table({}, project_dir=root.parent, root=root)
    diagnostics = lint(config).diagnostics
    assert [(d.rule, d.path.relative_to(root).as_posix()) for d in diagnostics] == [
        ("singleton-category", "mlops/research")
    ]
    assert "dspy" in diagnostics[0].message


def test_categories_are_the_folder_path_above_the_skill(make_tree: MakeTree) -> None:
    tree = scan(make_tree(reorganized_tree()))
    by_name = {skill.name: skill.category.path for skill in tree.skills}
    assert by_name["axolotl"] == "mlops/training"
    assert by_name["gif-search"] == "media"
    # 38 stay under mlops; with code-review and ml-paper-writing, which moved out,
    # the old flat list held 40.
    assert tree.categories["mlops"].total_skills == BEFORE_MLOPS == 38
    assert len(tree.categories["mlops/training"].skills) == 12


def test_the_flat_layout_before_the_split_still_scans(make_tree: MakeTree) -> None:
    flat = {
        f"mlops/{name}/SKILL.md": skill_md(name)
        for c in AFTER
        if c.startswith("mlops/")
        for name in AFTER[c].split()
    }
    root = make_tree(flat | {"mlops/DESCRIPTION.md": description_md("MLOps")})
    tree = scan(root)
    assert {skill.category.path for skill in tree.skills} == {"mlops"}
    config = config_from_table({}, project_dir=root.parent, root=root)
    # 38 skills in one flat category is exactly what the reorganization fixed.
    assert [d.rule for d in lint(config).diagnostics] == ["oversized-category"]
