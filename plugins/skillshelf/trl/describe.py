"""One class to data: its arguments, the rules on them and its loss types."""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass
from typing import Any

from skillshelf.trl.losses import (
    QUOTED,
    VALUES_SENTENCE,
    LossTypes,
    dispatch_chains,
    loss_aliases,
    loss_help,
    methods_of,
)
from skillshelf.trl.resolve import (
    ClassInfo,
    FieldInfo,
    Resolver,
    dataclass_fields,
    dotted_name,
    method,
)
from skillshelf.trl.symbolic import Executor, is_self, is_set_test, referenced_args, viable
from skillshelf.trl.wheels import Sources


@dataclass
class ClassData:
    name: str
    info: ClassInfo
    data: dict[str, Any]
    rules: list[dict[str, Any]]


class PackageExtractor:
    def __init__(self, sources: Sources, own_prefix: str) -> None:
        self.sources = sources
        self.resolver = Resolver(sources)
        self.own_prefix = own_prefix
        self._dispatch: dict[str, LossTypes] = {}
        self._isinstance: dict[int, list[tuple[str, str]]] = {}

    def classes(self, names: dict[str, tuple[str, str]]) -> dict[str, ClassData]:
        """``names`` maps an exported name to (module to resolve it in, import path)."""
        out: dict[str, ClassData] = {}
        for name in sorted(names):
            module, import_path = names[name]
            found = self.resolver.resolve(module, name)
            if not isinstance(found, ClassInfo) or not found.is_dataclass:
                continue
            out[name] = self.describe(name, found, import_path)
        return out

    def describe(self, name: str, cls: ClassInfo, import_path: str) -> ClassData:
        mro = self.resolver.mro(cls)
        fields = dataclass_fields(mro)
        executor = Executor(self.resolver, mro, set(fields))
        final = executor.run_post_init()
        trainers = self._trainers(mro)
        for trainer in trainers:
            executor.run_trainer_init(trainer, final)
        external = next(
            (
                c.qualname
                for c in mro
                if isinstance(c, ClassInfo)
                and not c.module.startswith(self.own_prefix)
                and c.is_dataclass
            ),
            None,
        )
        accepts = self._isinstance_types(mro, trainers, set(fields))
        own_accepts = self._isinstance_types(
            [c for c in mro if isinstance(c, ClassInfo) and c.module.startswith(self.own_prefix)],
            trainers,
            set(fields),
        )
        arguments: dict[str, Any] = {}
        for fname in sorted(fields):
            f = fields[fname]
            if external is not None and not f.owner.startswith(self.own_prefix):
                continue  # stored once with the external base
            arguments[fname] = field_data(f, executor.choices.get(fname), accepts.get(fname))
        rules: list[dict[str, Any]] = []
        deprecated: dict[str, str] = {}
        for rule in executor.rules:
            if not viable(rule.cond):
                continue
            refs = referenced_args(rule.cond)
            text = "".join(p for p in rule.message if isinstance(p, str))
            if rule.level == "warning":
                if len(refs) == 1 and "deprecat" in text.lower() and is_set_test(rule.cond, fields):
                    deprecated.setdefault(next(iter(refs)), text)
                continue
            rules.append(rule.data())
        for arg, text in deprecated.items():
            if arg in arguments:
                arguments[arg]["deprecated"] = text
        data: dict[str, Any] = {
            "module": cls.module,
            "import": import_path,
            "mro": [c if isinstance(c, str) else c.qualname for c in mro],
            "arguments": arguments,
        }
        if external is not None:
            data["inherits"] = external
        if "loss_type" in fields:
            loss = self._loss_types(mro, trainers, fields["loss_type"])
            if loss:
                data.update(loss)
        if external is not None:
            # accepted types / choices discovered on inherited arguments
            extra: dict[str, Any] = {}
            for fname in sorted(fields):
                f = fields[fname]
                if f.owner.startswith(self.own_prefix):
                    continue
                note: dict[str, Any] = {}
                if fname in own_accepts:
                    note["accepts"] = sorted(own_accepts[fname])
                if fname in deprecated:
                    note["deprecated"] = deprecated[fname]
                if note:
                    extra[fname] = note
            if extra:
                data["inherited_notes"] = extra
        return ClassData(name, cls, data, _dedupe(rules))

    def external_class(self, qualname: str) -> dict[str, Any] | None:
        module, _, name = qualname.rpartition(".")
        found = self.resolver.resolve(module, name)
        if not isinstance(found, ClassInfo):
            return None
        mro = self.resolver.mro(found)
        fields = dataclass_fields(mro)
        executor = Executor(self.resolver, mro, set(fields))
        executor.run_post_init()
        accepts = self._isinstance_types(mro, [], set(fields))
        return {
            "module": module,
            "mro": [c if isinstance(c, str) else c.qualname for c in mro],
            "arguments": {
                n: field_data(fields[n], executor.choices.get(n), accepts.get(n))
                for n in sorted(fields)
            },
        }

    def _trainers(self, mro: list[ClassInfo | str]) -> list[ClassInfo]:
        """The trainer classes that go with the config classes along the MRO."""
        out: list[ClassInfo] = []
        for item in mro:
            if not isinstance(item, ClassInfo) or not item.module.startswith(self.own_prefix):
                continue
            if not item.node.name.endswith("Config") or not item.module.endswith("_config"):
                continue
            trainer_module = item.module[: -len("_config")] + "_trainer"
            trainer_name = item.node.name.lstrip("_")[: -len("Config")] + "Trainer"
            found = self.resolver.resolve(trainer_module, trainer_name)
            if (
                isinstance(found, ClassInfo)
                and method(found.node, "__init__") is not None
                and all(t.qualname != found.qualname for t in out)
            ):
                out.append(found)
        return out

    def _isinstance_types(
        self, mro: list[ClassInfo | str], trainers: list[ClassInfo], fields: set[str]
    ) -> dict[str, set[str]]:
        """Types an argument is explicitly handled as: ``isinstance(self.x, str)``."""
        out: dict[str, set[str]] = {}
        funcs: list[ast.AST] = []
        for item in mro:
            if isinstance(item, ClassInfo):
                funcs += [s for s in item.node.body if isinstance(s, ast.FunctionDef)]
        for trainer in trainers:
            init = method(trainer.node, "__init__")
            if init is not None:
                funcs.append(init)
        for func in funcs:
            for attr, type_name in self._isinstance_checks(func):
                if attr in fields:
                    out.setdefault(attr, set()).add(type_name)
        return out

    def _isinstance_checks(self, func: ast.AST) -> list[tuple[str, str]]:
        key = id(func)
        if key in self._isinstance:
            return self._isinstance[key]
        found: list[tuple[str, str]] = []
        for node in ast.walk(func):
            if not (isinstance(node, ast.Call) and dotted_name(node.func) == "isinstance"):
                continue
            if len(node.args) != 2 or not isinstance(node.args[0], ast.Attribute):
                continue
            owner = node.args[0].value
            if not (is_self(owner) or dotted_name(owner) in ("args", "self.args")):
                continue
            types = node.args[1]
            for elt in types.elts if isinstance(types, ast.Tuple) else [types]:
                dotted = dotted_name(elt)
                if dotted in ("str", "int", "float", "bool", "list", "dict", "tuple"):
                    found.append((node.args[0].attr, dotted))
        self._isinstance[key] = found
        return found

    def _module_dispatch(self, module: str) -> LossTypes:
        if module not in self._dispatch:
            found = LossTypes()
            tree = self.sources.module(module)
            if tree is not None:
                dispatch_chains(tree, found)
                located = LossTypes()  # the same chains again, method by method, for where
                for where, func in methods_of(tree):
                    dispatch_chains(ast.Module(body=[func], type_ignores=[]), located, where)
                found.raised_in = located.raised_in
            self._dispatch[module] = found
        return self._dispatch[module]

    def _loss_types(
        self, mro: list[ClassInfo | str], trainers: list[ClassInfo], loss_field: FieldInfo
    ) -> dict[str, Any]:
        found = LossTypes()
        for trainer in trainers:
            cached = self._module_dispatch(trainer.module)
            found.dispatch |= cached.dispatch
            found.validated |= cached.validated
            for key, value in cached.rejected.items():
                found.rejected.setdefault(key, value)
            found.raised_in |= {w for w in cached.raised_in if w.split(".")[0] == trainer.node.name}
        for item in mro:
            if isinstance(item, ClassInfo) and item.module.startswith(self.own_prefix):
                post = method(item.node, "__post_init__")
                if post is not None:
                    loss_aliases(post, found)
                    module_tree = ast.Module(body=[post], type_ignores=[])
                    dispatch_chains(module_tree, found, f"{item.node.name}.__post_init__")
        literal = (
            set(re.findall(r"""['"]([A-Za-z0-9_]+)['"]""", loss_field.annotation))
            if ("Literal" in loss_field.annotation)
            else set()
        )
        base = found.dispatch or found.validated or literal
        if not base:
            return {}
        valid = base | set(found.aliases)
        table: dict[str, Any] = {}
        for value in sorted(valid):
            table[value] = found.aliases.get(value, {})
        out: dict[str, Any] = {"loss_types": table}
        rejected = {k: v for k, v in sorted(found.rejected.items()) if k not in valid}
        if rejected:
            out["loss_types_rejected"] = rejected
        if found.raised_in:
            out["loss_types_raised_in"] = sorted(found.raised_in)
        help_text = ""
        for stmt in loss_help(self.resolver, mro):
            help_text += stmt
        listed = VALUES_SENTENCE.search(help_text)
        documented = set(QUOTED.findall(listed.group(1) if listed else help_text))
        if literal:
            documented |= literal
        if documented:
            mismatch = {
                "documented_not_accepted": sorted(documented - valid),
                "accepted_not_documented": sorted(valid - documented - set(found.aliases)),
            }
            mismatch = {k: v for k, v in mismatch.items() if v}
            if mismatch:
                out["loss_types_doc_mismatch"] = mismatch
        return out


def field_data(
    f: FieldInfo, enum_choices: list[str] | None, accepts: set[str] | None
) -> dict[str, Any]:
    out: dict[str, Any] = {"annotation": f.annotation}
    if f.has_literal_default:
        out["default"] = f.default
    elif f.default_source is not None:
        out["default_source"] = f.default_source
    else:
        out["required"] = True
    choices = enum_choices if enum_choices is not None else (list(f.choices) if f.choices else None)
    if choices:
        out["choices"] = choices
    if accepts:
        out["accepts"] = sorted(accepts)
    return out


def _dedupe(rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: set[str] = set()
    out: list[dict[str, Any]] = []
    for rule in rules:
        key = json.dumps(rule, sort_keys=True)
        if key not in seen:
            seen.add(key)
            out.append(rule)
    return out
