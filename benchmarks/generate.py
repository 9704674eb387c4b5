"""A seeded generator of realistic synthetic skills trees.

``python benchmarks/generate.py 1000 OUT [--seed 1]`` writes ``OUT/skills/``
(and ``OUT/skillshelf.toml``) holding 1,000 skills that lint clean:

* nested categories, two or three levels deep, each with a ``DESCRIPTION.md``;
  every leaf category holds 2-12 skills (inside ``min-skills``/``max-skills``);
* ``SKILL.md`` frontmatter per ``schemas/skill.schema.json`` (name equal to
  the folder, description, license, sometimes ``compatibility`` and
  ``allowed-tools``, ``metadata.skillshelf`` with version, author, tags,
  related skills that exist, dependencies, platforms, targets), in block
  style only, so that the reference validators (strictyaml) accept it too;
* bodies of a few kilobytes: headings, prose, lists, tables, code blocks
  (bash, YAML, Python; about one skill in five has a ``DPOConfig(...)`` or
  ``SFTConfig(...)`` call valid for TRL 1.16.0), relative links to references,
  to peer skills and to skills in other categories, all of which resolve,
  plus external links and link-like text inside code that is not a link;
* ``references/*.md`` sub-pages and bundled ``scripts/``, ``templates/`` and
  ``assets/`` files.

The output depends only on the size and the seed: the same arguments write
byte-identical trees.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

#: Bump when the generated content changes, so cached trees are rebuilt.
GENERATOR_VERSION = 4

_AREAS = (
    "mlops", "research", "data", "agents", "devops", "security", "media", "writing",
    "productivity", "science", "finance", "education", "cloud", "mobile", "web", "robotics",
)  # fmt: skip
_TOPICS = (
    "training", "inference", "evaluation", "serving", "pipelines", "monitoring", "storage",
    "retrieval", "vision", "audio", "speech", "search", "testing", "review", "deployment",
    "analysis", "reporting", "automation", "scraping", "labeling", "privacy", "compliance",
    "tuning", "quantization", "distillation", "alignment", "benchmarks", "visualization",
)  # fmt: skip
_WORDS = (
    "model", "dataset", "token", "vector", "prompt", "cache", "shard", "kernel", "graph",
    "batch", "stream", "queue", "index", "schema", "metric", "trace", "tensor", "adapter",
    "router", "policy", "reward", "sampler", "loader", "parser", "bridge", "agent", "runner",
    "planner", "crawler", "checker", "builder", "exporter", "profiler", "monitor", "tuner",
)  # fmt: skip
_VERBS = (
    "fine-tune", "serve", "profile", "quantize", "shard", "evaluate", "label", "deploy",
    "index", "search", "scrape", "summarize", "translate", "convert", "validate", "benchmark",
    "monitor", "debug", "visualize", "export", "schedule", "compress", "align", "distill",
)  # fmt: skip
_PROSE = (
    "the", "a", "model", "training", "run", "when", "with", "and", "each", "step", "data",
    "checkpoint", "memory", "GPU", "batch", "loss", "use", "for", "this", "skill", "before",
    "after", "config", "value", "set", "keep", "small", "large", "faster", "slower", "tokens",
    "output", "input", "file", "folder", "command", "script", "check", "result", "error",
    "warning", "retry", "cluster", "node", "worker", "queue", "latency", "throughput", "cost",
    "dataset", "split", "evaluation", "reference", "policy", "reward", "adapter", "rank",
)  # fmt: skip
_TAGS = (
    "Fine-Tuning", "DPO", "RLHF", "Inference", "Serving", "Evaluation", "Datasets", "Agents",
    "Retrieval", "Vision", "Audio", "Security", "DevOps", "Monitoring", "Quantization",
    "Distributed", "Research", "Writing", "Automation", "Testing", "CLI", "Cloud", "Python",
)  # fmt: skip
_LICENSES = ("MIT", "Apache-2.0", "BSD-3-Clause", "CC-BY-4.0")
_AUTHORS = ("skillshelf", "Orchestra Research", "Nous Research", "hermes-agent", "bench")
_LOSSES = ("sigmoid", "ipo", "hinge", "robust", "sigmoid_norm")
_DEPS = ("torch", "transformers", "datasets", "accelerate", "peft", "vllm", "numpy", "pandas")


def _block_list(key: str, items: list[str], indent: int) -> list[str]:
    """``key:`` and its items one per line: the reference validators' strictyaml
    refuses flow style (``[a, b]``, ``{a: b}``), so the trees use none."""
    pad = " " * indent
    return [f"{pad}{key}:", *(f"{pad}  - {item}" for item in items)]


@dataclass
class _Skill:
    name: str
    category: _Category
    references: list[str] = field(default_factory=list)
    trl: bool = False
    scripts: bool = False
    templates: bool = False
    assets: bool = False


@dataclass
class _Category:
    path: str
    title: str
    children: list[_Category] = field(default_factory=list)
    skills: list[_Skill] = field(default_factory=list)


class _Generator:
    def __init__(self, count: int, seed: int) -> None:
        self.count = count
        self.rng = random.Random(seed)
        self.names: set[str] = set()
        self.skills: list[_Skill] = []
        self.categories: list[_Category] = []

    # ---- shape -----------------------------------------------------------
    def leaf_sizes(self) -> list[int]:
        sizes: list[int] = []
        remaining = self.count
        while remaining > 0:
            size = min(remaining, self.rng.randint(2, 12))
            if remaining - size == 1:
                size += 1 if size < 12 else -1
            sizes.append(size)
            remaining -= size
        return sizes

    def category_name(self, used: set[str], pool: tuple[str, ...]) -> str:
        for _ in range(50):
            name = self.rng.choice(pool)
            if name not in used:
                used.add(name)
                return name
        name = f"{self.rng.choice(pool)}-{len(used)}"
        used.add(name)
        return name

    def skill_name(self) -> str:
        while True:
            parts = [self.rng.choice(_VERBS), self.rng.choice(_WORDS)]
            if self.rng.random() < 0.5:
                parts.append(self.rng.choice(_WORDS))
            name = "-".join(parts)
            if name in self.names:
                name = f"{name}-{len(self.names)}"
            if name not in self.names:
                self.names.add(name)
                return name

    def build(self) -> list[_Category]:
        sizes = self.leaf_sizes()
        tops: list[_Category] = []
        top_used: set[str] = set()
        index = 0
        while index < len(sizes):
            top_name = self.category_name(top_used, _AREAS)
            top = _Category(top_name, top_name.replace("-", " ").capitalize())
            tops.append(top)
            sub_used: set[str] = set()
            for _ in range(self.rng.randint(2, 8)):
                if index >= len(sizes):
                    break
                sub_name = self.category_name(sub_used, _TOPICS)
                sub = _Category(f"{top.path}/{sub_name}", sub_name.capitalize())
                top.children.append(sub)
                if self.rng.random() < 0.3 and len(sizes) - index >= 2:
                    leaf_used: set[str] = set()
                    for _ in range(self.rng.randint(2, 4)):
                        if index >= len(sizes):
                            break
                        leaf_name = self.category_name(leaf_used, _WORDS)
                        leaf = _Category(f"{sub.path}/{leaf_name}", leaf_name.capitalize())
                        sub.children.append(leaf)
                        self.fill(leaf, sizes[index])
                        index += 1
                else:
                    self.fill(sub, sizes[index])
                    index += 1
        # A top-level category with one leaf holding one... cannot happen: leaves hold >= 2.
        return tops

    def fill(self, category: _Category, size: int) -> None:
        self.categories.append(category)
        for _ in range(size):
            skill = _Skill(self.skill_name(), category)
            skill.references = sorted(
                self.rng.sample(
                    ["guide", "api", "troubleshooting", "examples", "advanced"],
                    self.rng.randint(0, 3),
                )
            )
            skill.trl = self.rng.random() < 0.2
            skill.scripts = self.rng.random() < 0.3
            skill.templates = self.rng.random() < 0.2
            skill.assets = self.rng.random() < 0.1
            category.skills.append(skill)
            self.skills.append(skill)

    # ---- text ------------------------------------------------------------
    def sentence(self, low: int = 8, high: int = 22) -> str:
        words = self.rng.choices(_PROSE, k=self.rng.randint(low, high))
        return words[0].capitalize() + " " + " ".join(words[1:]) + "."

    def paragraph(self, sentences: int = 4) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(2, sentences + 2)))

    def frontmatter(self, skill: _Skill) -> str:
        rng = self.rng
        words = skill.name.replace("-", " ")
        lines = [
            "---",
            f"name: {skill.name}",
            f"description: {words.capitalize()} for {skill.category.title.lower()} work - "
            f"{self.sentence(10, 25)[:-1].lower()}. Use when you need to {words} "
            "reliably and repeatably.",
            f"license: {rng.choice(_LICENSES)}",
        ]
        if rng.random() < 0.3:
            lines.append("compatibility: Requires Python 3.10+ and network access to the Hub.")
        if rng.random() < 0.2:
            lines += _block_list("allowed-tools", ["Bash", "Read", "Write"], 0)
        lines += [
            "metadata:",
            "  skillshelf:",
            f"    version: {rng.randint(0, 3)}.{rng.randint(0, 12)}.{rng.randint(0, 9)}",
            f"    author: {rng.choice(_AUTHORS)}",
            *_block_list("tags", rng.sample(_TAGS, rng.randint(1, 5)), 4),
        ]
        related = [s.name for s in rng.sample(self.skills, min(3, len(self.skills)))]
        related = [r for r in dict.fromkeys(related) if r != skill.name][: rng.randint(0, 3)]
        if related:
            lines += _block_list("related-skills", related, 4)
        deps = [f"{d}>={rng.randint(1, 4)}.{rng.randint(0, 9)}" for d in rng.sample(_DEPS, 2)]
        if skill.trl:
            deps.insert(0, "trl==1.16.0")
        lines += _block_list("dependencies", [f'"{d}"' for d in deps], 4)
        platforms = rng.sample(["linux", "macos", "windows"], rng.randint(1, 3))
        lines += _block_list("platforms", platforms, 4)
        if skill.trl:
            lines += ["    targets:", '      trl: "1.16.0"']
        lines.append("---")
        return "\n".join(lines) + "\n"

    def trl_snippet(self, skill: _Skill) -> str:
        rng = self.rng
        if rng.random() < 0.75:
            return (
                "```python\n"
                "from trl import DPOConfig, DPOTrainer\n\n"
                "config = DPOConfig(\n"
                f'    output_dir="runs/{skill.name}",\n'
                f"    beta={rng.choice(['0.1', '0.05', '0.2', '0.5'])},\n"
                f'    loss_type="{rng.choice(_LOSSES)}",\n'
                f"    learning_rate={rng.choice(['5e-7', '1e-6', '5e-6'])},\n"
                f"    per_device_train_batch_size={rng.choice([1, 2, 4, 8])},\n"
                f"    gradient_accumulation_steps={rng.choice([1, 4, 8, 16])},\n"
                f"    max_length={rng.choice([512, 1024, 2048])},\n"
                "    bf16=True,\n"
                ")\n"
                "trainer = DPOTrainer(model=model, args=config, train_dataset=dataset)\n"
                "trainer.train()\n"
                "```\n"
            )
        return (
            "```python\n"
            "from trl import SFTConfig\n\n"
            "config = SFTConfig(\n"
            f'    output_dir="runs/{skill.name}",\n'
            f"    max_length={rng.choice([1024, 2048, 4096])},\n"
            f"    packing={rng.choice(['True', 'False'])},\n"
            f"    learning_rate={rng.choice(['1e-5', '2e-5', '2e-4'])},\n"
            ")\n"
            "```\n"
        )

    def link_to(self, source: _Skill, target: _Skill) -> str:
        rel = os.path.relpath(
            f"{target.category.path}/{target.name}/SKILL.md",
            f"{source.category.path}/{source.name}",
        ).replace(os.sep, "/")
        return f"[{target.name}]({rel})"

    def skill_md(self, skill: _Skill) -> str:
        rng = self.rng
        parts = [self.frontmatter(skill), f"\n# {skill.name.replace('-', ' ').title()}\n"]
        parts.append(f"\n{self.paragraph()}\n")
        peers = [s for s in skill.category.skills if s is not skill]
        faraway = rng.choice(self.skills)
        see = [self.link_to(skill, p) for p in rng.sample(peers, min(2, len(peers)))]
        if faraway is not skill:
            see.append(self.link_to(skill, faraway))
        if see:
            parts.append(f"\nSee also {', '.join(see)}.\n")
        parts.append("\n## When to use\n\n")
        parts += [f"- {self.sentence(5, 12)}\n" for _ in range(rng.randint(3, 6))]
        parts.append("\n## Quick start\n\n```bash\n")
        parts.append(f"pip install {rng.choice(_DEPS)}\n")
        parts.append(f'echo "see [the docs](missing/{skill.name}.md)"  # not a link: code\n```\n')
        if skill.trl:
            parts.append(f"\n## Training\n\n{self.paragraph(3)}\n\n{self.trl_snippet(skill)}")
        else:
            parts.append(
                "\n```python\nimport json\n\n"
                f'with open("{skill.name}.json") as handle:\n    data = json.load(handle)\n'
                "print(len(data))\n```\n"
            )
        parts.append(f"\n## Details\n\n{self.paragraph(5)}\n\n{self.paragraph(5)}\n")
        parts.append("\n| Setting | Default | Notes |\n|---|---|---|\n")
        parts += [
            f"| `{rng.choice(_WORDS)}_{rng.choice(_WORDS)}` | {rng.randint(1, 512)} | "
            f"{self.sentence(4, 9)} |\n"
            for _ in range(rng.randint(2, 5))
        ]
        if skill.templates:
            parts.append(
                f"\nStart from [the template](templates/config.yaml) (`{skill.name}` `[x](y)`).\n"
            )
        if skill.scripts:
            parts.append("\nRun [`scripts/run.py`](scripts/run.py) to reproduce.\n")
        if skill.assets:
            parts.append("\n![Architecture](assets/diagram.svg)\n")
        if skill.references:
            parts.append("\n## References\n\n")
            for ref in skill.references:
                anchor = "#overview" if rng.random() < 0.3 else ""
                parts.append(f"- [{ref.title()}](references/{ref}.md{anchor})\n")
        parts.append(
            f"\nUpstream documentation: [{rng.choice(_DEPS)}](https://example.org/docs/{skill.name}).\n"
        )
        return "".join(parts)

    def reference_md(self, skill: _Skill, ref: str) -> str:
        others = [r for r in skill.references if r != ref]
        text = f"# {ref.title()}\n\n## Overview\n\n{self.paragraph(5)}\n\n"
        text += f"Back to [{skill.name}](../SKILL.md)"
        if others:
            text += f"; see also [{others[0]}]({others[0]}.md)"
        text += ".\n\n"
        for _ in range(self.rng.randint(2, 5)):
            text += f"## {self.sentence(2, 4)[:-1]}\n\n{self.paragraph(6)}\n\n"
        return text

    def description_md(self, category: _Category) -> str:
        rng = self.rng
        text = (
            f"---\ntitle: {category.title}\n"
            f"description: Skills for {category.title.lower()} - "
            f"{self.sentence(6, 14)[:-1].lower()}.\n"
        )
        if rng.random() < 0.5:
            text += f"order: {rng.randint(1, 9) * 10}\n"
        text += f"---\n\n{self.paragraph(3)}\n"
        entries = [f"[{s.name}]({s.name}/SKILL.md)" for s in category.skills[:3]]
        entries += [
            f"[{c.title}]({c.path.rsplit('/', 1)[-1]}/DESCRIPTION.md)"
            for c in category.children[:3]
        ]
        if entries:
            text += f"\nStart with {', '.join(entries)}.\n"
        return text

    # ---- output ----------------------------------------------------------
    def write(self, out: Path) -> None:
        tops = self.build()
        skills_dir = out / "skills"
        files: dict[str, str] = {}

        def walk(category: _Category) -> None:
            files[f"{category.path}/DESCRIPTION.md"] = self.description_md(category)
            for child in category.children:
                walk(child)

        for top in tops:
            walk(top)
        for skill in self.skills:
            base = f"{skill.category.path}/{skill.name}"
            files[f"{base}/SKILL.md"] = self.skill_md(skill)
            for ref in skill.references:
                files[f"{base}/references/{ref}.md"] = self.reference_md(skill, ref)
            if skill.scripts:
                files[f"{base}/scripts/run.py"] = (
                    f'"""Reproduce {skill.name}."""\n\nprint("{skill.name}")\n'
                )
            if skill.templates:
                files[f"{base}/templates/config.yaml"] = f"name: {skill.name}\nsteps: 100\n"
            if skill.assets:
                files[f"{base}/assets/diagram.svg"] = (
                    '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>\n'
                )
        for rel, text in files.items():
            path = skills_dir / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
        (out / "skillshelf.toml").write_text('root = "skills"\n', encoding="utf-8")


def generate(count: int, out: Path, *, seed: int = 1, force: bool = False) -> Path:
    """Write a tree of ``count`` skills into ``out`` (reused when already there);
    returns ``out``. The skills root is ``out / "skills"``."""
    stamp = out / ".generated"
    wanted = f"generator={GENERATOR_VERSION} count={count} seed={seed}\n"
    if not force and stamp.is_file() and stamp.read_text(encoding="utf-8") == wanted:
        return out
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    _Generator(count, seed).write(out)
    stamp.write_text(wanted, encoding="utf-8")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("count", type=int, help="number of skills")
    parser.add_argument("out", type=Path, help="project folder to write (skills/ goes inside)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--force", action="store_true", help="rewrite even when up to date")
    args = parser.parse_args()
    generate(args.count, args.out, seed=args.seed, force=args.force)
    print(f"{args.count} skills in {args.out / 'skills'}")


if __name__ == "__main__":
    main()
