"""A JSON Schema compiled into one predicate: is this instance valid, yes or no.

``citecheck report`` and ``--resume`` load reports of thousands of citations;
the ``jsonschema`` package spends seconds walking one (it collects errors and
resolves references as it goes). :func:`compile_schema` turns the report's own
``schema.json`` into Python source once (one function per schema node that
holds others, every leaf test inlined), so a valid report is accepted in a
fraction of that time, from the same schema: nothing is restated by hand. Only
when the answer is no does :mod:`citecheck.report.load` ask ``jsonschema``
which error to show.

It knows exactly the keywords ``schema.json`` uses, with the semantics of
draft 2020-12 (a keyword constrains only instances of its own type; integers
include ``1.0``; booleans are not numbers), and refuses to compile a schema
with any other keyword, so a schema that grows a keyword cannot be checked
less strictly than ``jsonschema`` checks it (tests/report/test_schema_check.py
compares the two on every malformed report and on random edits).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

Check = Callable[[Any], bool]

_ANNOTATIONS = frozenset({"$schema", "$id", "$defs", "title", "description"})
_KEYWORDS = frozenset(
    {
        "type",
        "const",
        "enum",
        "required",
        "properties",
        "dependentRequired",
        "items",
        "prefixItems",
        "minItems",
        "maxItems",
        "minimum",
        "maximum",
        "pattern",
        "oneOf",
        "$ref",
    }
)
# One test per JSON type, as a Python expression over the instance {v}.
_TYPE_TESTS = {
    "object": "isinstance({v}, dict)",
    "array": "isinstance({v}, list)",
    "string": "isinstance({v}, str)",
    "null": "{v} is None",
    "boolean": "isinstance({v}, bool)",
    "integer": "_is_integer({v})",
    "number": "_is_number({v})",
}


class UnsupportedSchema(ValueError):
    """The schema uses a keyword this compiler does not implement."""


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_integer(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


def _equal(left: Any, right: Any) -> bool:
    # JSON equality: 1 == 1.0, but True is not 1.
    if isinstance(left, bool) or isinstance(right, bool):
        return type(left) is type(right) and left == right
    return bool(left == right)


class _Compiler:
    def __init__(self, schema: Mapping[str, Any]) -> None:
        self.definitions: Mapping[str, Any] = schema.get("$defs", {})
        self.lines: list[str] = []
        self.constants: dict[str, Any] = {
            "_is_number": _is_number,
            "_is_integer": _is_integer,
            "_equal": _equal,
        }
        self.functions: dict[int, str] = {}  # id(schema node) -> its function's name
        self.root = self.function(schema)

    def constant(self, value: Any) -> str:
        name = f"_c{len(self.constants)}"
        self.constants[name] = value
        return name

    def resolve(self, target: str) -> Mapping[str, Any]:
        prefix = "#/$defs/"
        name = target[len(prefix) :]
        if not target.startswith(prefix) or name not in self.definitions:
            raise UnsupportedSchema(f"$ref {target!r}: only local #/$defs/ references")
        definition: Mapping[str, Any] = self.definitions[name]
        return definition

    def function(self, node: Mapping[str, Any]) -> str:
        """The name of a function ``(v) -> bool`` that checks ``node``."""
        if id(node) in self.functions:
            return self.functions[id(node)]
        name = f"_f{len(self.functions)}"
        self.functions[id(node)] = name
        body: list[str] = []
        self.statements(node, "v", body, "    ", 0)
        self.lines += [f"def {name}(v):", *body, "    return True", ""]
        return name

    def statements(
        self, node: Mapping[str, Any], v: str, out: list[str], pad: str, depth: int
    ) -> None:
        """Lines that ``return False`` unless ``v`` satisfies ``node``."""
        unknown = set(node) - _ANNOTATIONS - _KEYWORDS
        if unknown:
            raise UnsupportedSchema(f"keywords {sorted(unknown)} are not supported")
        types = node.get("type")
        names = [types] if isinstance(types, str) else list(types or [])
        if names:
            test = " or ".join(_TYPE_TESTS[name].format(v=v) for name in names)
            out.append(f"{pad}if not ({test}): return False")
        only = names[0] if len(names) == 1 else None

        def guard(kind: str) -> tuple[str, bool]:
            # A keyword of another type's applies only to instances of that type.
            if only == kind:
                return pad, False
            out.append(f"{pad}if {_TYPE_TESTS[kind].format(v=v)}:")
            return pad + "    ", True

        if "const" in node:
            out.append(f"{pad}if not _equal({v}, {self.constant(node['const'])}): return False")
        if "enum" in node:
            options = list(node["enum"])
            if all(isinstance(option, str) for option in options):
                allowed = self.constant(frozenset(options))
                out.append(f"{pad}if not (isinstance({v}, str) and {v} in {allowed}): return False")
            else:
                listed = self.constant(options)
                out.append(f"{pad}if not any(_equal({v}, o) for o in {listed}): return False")
        if "pattern" in node:
            search = self.constant(re.compile(node["pattern"]).search)
            inner, _ = guard("string")
            out.append(f"{inner}if {search}({v}) is None: return False")
        for keyword, operator in (("minimum", "<"), ("maximum", ">")):
            if keyword in node:
                bound = self.constant(node[keyword])
                number = "" if only in {"integer", "number"} else f"_is_number({v}) and "
                out.append(f"{pad}if {number}{v} {operator} {bound}: return False")
        if {"required", "properties", "dependentRequired"} & set(node):
            inner, _ = guard("object")
            for required in node.get("required", ()):
                out.append(f"{inner}if {self.constant(required)} not in {v}: return False")
            for key, needed in node.get("dependentRequired", {}).items():
                missing = " or ".join(f"{self.constant(other)} not in {v}" for other in needed)
                out.append(f"{inner}if {self.constant(key)} in {v} and ({missing}): return False")
            for key, sub in node.get("properties", {}).items():
                item = f"x{depth}"
                out.append(f"{inner}if {self.constant(key)} in {v}:")
                out.append(f"{inner}    {item} = {v}[{self.constant(key)}]")
                self.statements(sub, item, out, inner + "    ", depth + 1)
        if {"items", "prefixItems", "minItems", "maxItems"} & set(node):
            inner, _ = guard("array")
            if "minItems" in node:
                out.append(f"{inner}if len({v}) < {int(node['minItems'])}: return False")
            if "maxItems" in node:
                out.append(f"{inner}if len({v}) > {int(node['maxItems'])}: return False")
            prefix = node.get("prefixItems", ())
            for index, sub in enumerate(prefix):
                item = f"x{depth}"
                out.append(f"{inner}if len({v}) > {index}:")
                out.append(f"{inner}    {item} = {v}[{index}]")
                self.statements(sub, item, out, inner + "    ", depth + 1)
            if "items" in node:
                item = f"x{depth}"
                rest = f"{v}[{len(prefix)}:]" if prefix else v
                out.append(f"{inner}for {item} in {rest}:")
                self.statements(node["items"], item, out, inner + "    ", depth + 1)
        if "oneOf" in node:
            calls = ", ".join(f"{self.function(option)}({v})" for option in node["oneOf"])
            out.append(f"{pad}if ({calls}).count(True) != 1: return False")
        if "$ref" in node:
            target = self.function(self.resolve(node["$ref"]))
            out.append(f"{pad}if not {target}({v}): return False")
        if not out or out[-1].endswith(":"):
            out.append(
                f"{pad}    pass" if out and out[-1].startswith(pad + "if ") else f"{pad}pass"
            )


def compile_schema(schema: Mapping[str, Any]) -> Check:
    """A predicate that is true exactly for the instances ``schema`` accepts."""
    compiler = _Compiler(schema)
    namespace: dict[str, Any] = dict(compiler.constants)
    exec(compile("\n".join(compiler.lines), "<citecheck schema>", "exec"), namespace)
    check: Check = namespace[compiler.root]
    return check
