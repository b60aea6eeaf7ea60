#!/usr/bin/env python3
"""Regenerates test/fixtures/jinja-parity/expected.json: every case of cases.json rendered by
Python's Jinja2 in dbt's environment (dbt-common's get_environment: a SandboxedEnvironment with
jinja2.ext.do and jinja2.ext.loopcontrols, Jinja2's default Undefined, no trim_blocks, no
lstrip_blocks, keep_trailing_newline off).

    python3 scripts/jinja-golden.py        # writes expected.json
    python3 scripts/jinja-golden.py --check  # exits 1 when expected.json is stale
"""
import datetime
import hashlib
import itertools
import json
import re
import sys
from pathlib import Path

import jinja2
import jinja2.runtime
import jinja2.sandbox
import yaml

HERE = Path(__file__).resolve().parent.parent / "test" / "fixtures" / "jinja-parity"


def dbt_environment() -> jinja2.Environment:
    env = jinja2.sandbox.SandboxedEnvironment(extensions=["jinja2.ext.do", "jinja2.ext.loopcontrols"])
    env.globals.update(dbt_context())
    return env


class MacroReturn(Exception):
    """dbt's MacroReturn: what return(x) raises, caught by the macro that is running."""

    def __init__(self, value):
        self.value = value


def _return(value):
    raise MacroReturn(value)


# dbt calls every macro through its MacroGenerator, which catches MacroReturn and gives its value:
# the same, for every Jinja2 macro (sparkdbt also lets a macro defined in the model return).
_invoke = jinja2.runtime.Macro._invoke


def _invoke_returning(self, arguments, autoescape):
    try:
        return _invoke(self, arguments, autoescape)
    except MacroReturn as returned:
        return returned.value


jinja2.runtime.Macro._invoke = _invoke_returning


class Relation:
    """dbt-adapters' BaseRelation as templates see it (quote policy all on; sparkdbt's include
    policy leaves the database out by default, where dbt-postgres includes it)."""

    def __init__(self, database, schema, identifier, type=None, include=None, quote=None):
        self.database, self.schema, self.identifier, self.type = database, schema, identifier, type
        self.include_policy = include or {"database": False, "schema": True, "identifier": True}
        self.quote_policy = quote or {"database": True, "schema": True, "identifier": True}

    name = property(lambda self: self.identifier)
    table = property(lambda self: self.identifier)
    is_table = property(lambda self: self.type == "table")
    is_view = property(lambda self: self.type == "view")

    def render(self):
        parts = [(k, getattr(self, k)) for k in ("database", "schema", "identifier")]
        return ".".join(f'"{v}"' if self.quote_policy[k] else v for k, v in parts if self.include_policy[k] and v)

    def _with(self, **changes):
        values = dict(database=self.database, schema=self.schema, identifier=self.identifier, type=self.type, include=self.include_policy, quote=self.quote_policy)
        values.update(changes)
        return Relation(**values)

    def include(self, database=None, schema=None, identifier=None):
        given = {k: v for k, v in dict(database=database, schema=schema, identifier=identifier).items() if v is not None}
        return self._with(include={**self.include_policy, **given})

    def quote(self, database=None, schema=None, identifier=None):
        given = {k: v for k, v in dict(database=database, schema=schema, identifier=identifier).items() if v is not None}
        return self._with(quote={**self.quote_policy, **given})

    def incorporate(self, path=None, type=None):
        return self._with(**(path or {}), **({} if type is None else {"type": type}))

    def __str__(self):
        return self.render()


class RuntimeConfig:
    """dbt's RuntimeConfigObject over a node's final config: get(name, default), require(name)."""

    def __init__(self, values):
        self.values = values

    def get(self, name, default=None):
        return self.values.get(name, default)

    def require(self, name):
        return self.values[name]


def dbt_context() -> dict:
    """The parts of dbt's context (core/dbt/context/base.py) that render without a warehouse."""
    return {
        "return": _return,
        "log": lambda msg, info=False: "",
        "print": lambda msg: "",
        "modules": {"datetime": datetime, "re": re, "itertools": itertools},
        "exceptions": {"warn": lambda msg, node=None: ""},
        "dbt_version": "1.11.0",
        "project_name": "",
        "tojson": _or_default(lambda value, sort_keys=False: json.dumps(value, sort_keys=sort_keys)),
        "fromjson": _or_default(lambda string: json.loads(string)),
        "toyaml": _or_default(lambda value, sort_keys=False: yaml.safe_dump(data=value, sort_keys=sort_keys)),
        "fromyaml": _or_default(lambda string: yaml.safe_load(string)),
        "local_md5": lambda value: hashlib.md5(value.encode("utf-8")).hexdigest(),
        "zip": lambda *args: list(zip(*args)),
        "set": _or_default(lambda value: set(value)),
    }


def _or_default(fn):
    """dbt's tojson/fromjson/toyaml/fromyaml/set: the value, or `default` when Python raises."""

    def call(value, default=None, **kwargs):
        try:
            return fn(value, **kwargs)
        except (ValueError, TypeError, yaml.YAMLError):
            return default

    return call


def case_context(case: dict) -> dict:
    """A case's variables, with `this` (a Relation) and `config` built as dbt gives them."""
    context = dict(case.get("context", {}))
    if "this" in case:
        context["this"] = Relation(**case["this"])
    if "config" in case:
        context["config"] = RuntimeConfig(case["config"])
    return context


def main() -> int:
    cases = json.loads((HERE / "cases.json").read_text())
    env = dbt_environment()
    expected = {}
    for case in cases:
        name = case["name"]
        if name in expected:
            raise SystemExit(f"duplicate case name {name}")
        try:
            expected[name] = env.from_string(case["template"]).render(**case_context(case))
        except Exception as error:  # a case must render in Jinja2: the corpus holds no error cases
            raise SystemExit(f"case {name} fails in Jinja2 {jinja2.__version__}: {error!r}")
    text = json.dumps(expected, indent=2, ensure_ascii=False) + "\n"
    target = HERE / "expected.json"
    if "--check" in sys.argv:
        return 0 if target.exists() and target.read_text() == text else 1
    target.write_text(text)
    print(f"{len(expected)} cases rendered by Jinja2 {jinja2.__version__} into {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
