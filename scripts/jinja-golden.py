#!/usr/bin/env python3
"""Regenerates test/fixtures/jinja-parity/expected.json: every case of cases.json rendered by
Python's Jinja2 in dbt's environment (dbt-common's get_environment: a SandboxedEnvironment with
jinja2.ext.do and jinja2.ext.loopcontrols, Jinja2's default Undefined, no trim_blocks, no
lstrip_blocks, keep_trailing_newline off).

    python3 scripts/jinja-golden.py        # writes expected.json
    python3 scripts/jinja-golden.py --check  # exits 1 when expected.json is stale
"""
import json
import sys
from pathlib import Path

import jinja2
import jinja2.sandbox

HERE = Path(__file__).resolve().parent.parent / "test" / "fixtures" / "jinja-parity"


def dbt_environment() -> jinja2.Environment:
    return jinja2.sandbox.SandboxedEnvironment(extensions=["jinja2.ext.do", "jinja2.ext.loopcontrols"])


def main() -> int:
    cases = json.loads((HERE / "cases.json").read_text())
    env = dbt_environment()
    expected = {}
    for case in cases:
        name = case["name"]
        if name in expected:
            raise SystemExit(f"duplicate case name {name}")
        try:
            expected[name] = env.from_string(case["template"]).render(**case.get("context", {}))
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
