#!/usr/bin/env python3
"""Project checks of the minidiff skeleton package and its link with the book's exercises.

    .venv/bin/python scripts/check_minidiff.py            # all checks; exercises not yet in the book: PENDING
    .venv/bin/python scripts/check_minidiff.py --strict   # once the chapters are merged: PENDING fails too
    .venv/bin/python scripts/check_minidiff.py --no-pytest  # only the static checks (no torch needed)

Checks:
  compile      every .py file under minidiff/ compiles
  skeleton     every exercise symbol (a function or class whose body raises NotImplementedError("练习 <id>"))
               has nothing but a docstring and that raise (no implementation), is in its module's __all__,
               and is wrapped in `# ANCHOR: <name>` / `# ANCHOR_END: <name>` for mdBook's {{#include}}
  torch-names  every `torch.…` name in minidiff's docstrings is public PyTorch API (reference/torch_api.txt)
  book         both directions between minidiff and book/**/*.md:
                 - each skeleton id names an exercise `::: exercise {#<id> … skeleton=<symbol>}` whose
                   skeleton= is this symbol (a missing exercise is PENDING, or FAIL with --strict);
                 - each exercise with skeleton=<symbol> names an exercise symbol of minidiff that raises
                   with the exercise's id;
                 - each {{#include …minidiff….py:<anchor>}} in the book names an existing file and anchor
  wiring       on the unfilled skeleton, every student test (minidiff/tests) is collected and fails with
               NotImplementedError("练习 <id>") for the exercise its @pytest.mark.exercise names, not with
               an import or syntax error; every exercise has at least one test (junitxml is parsed)
  helpers      minidiff/checks: the implemented data sets and plot helpers work

The last line is "N passed, N failed".
"""

from __future__ import annotations

import argparse
import ast
import os
import py_compile
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "minidiff"
SRC = PKG / "minidiff"
BOOK = ROOT / "book"
RAISE_RE = re.compile(r"^练习 ([a-z0-9]+(?:-[a-z0-9]+)*)$")


class Report:
    def __init__(self) -> None:
        self.passed = 0
        self.failed = 0
        self.pending = 0

    def ok(self, what: str) -> None:
        self.passed += 1
        print(f"ok      {what}")

    def fail(self, what: str) -> None:
        self.failed += 1
        print(f"FAIL    {what}")

    def pend(self, what: str) -> None:
        self.pending += 1
        print(f"PENDING {what}")


def rel(p: Path) -> str:
    return p.relative_to(ROOT).as_posix()


# --- compile -----------------------------------------------------------------------------------------


def check_compile(r: Report) -> None:
    files = sorted(PKG.rglob("*.py"))
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        for i, f in enumerate(files):
            try:
                py_compile.compile(str(f), cfile=os.path.join(tmp, f"{i}.pyc"), doraise=True)
            except py_compile.PyCompileError as e:
                bad += 1
                r.fail(f"compile {rel(f)}: {e.msg.strip()}")
    if not bad:
        r.ok(f"compile: {len(files)} files under minidiff/")


# --- skeleton ----------------------------------------------------------------------------------------


@dataclass
class Symbol:
    module: str  # e.g. "schedules"
    name: str
    kind: str  # "function" | "class"
    exercise: str
    file: Path
    line: int

    @property
    def dotted(self) -> str:
        return f"minidiff.{self.module}.{self.name}"


def _raise_id(stmt: ast.stmt) -> str | None:
    """The exercise id of `raise NotImplementedError("练习 <id>")`, or None."""
    if not isinstance(stmt, ast.Raise) or not isinstance(stmt.exc, ast.Call):
        return None
    call = stmt.exc
    if not (isinstance(call.func, ast.Name) and call.func.id == "NotImplementedError"):
        return None
    if len(call.args) != 1 or not isinstance(call.args[0], ast.Constant) or not isinstance(call.args[0].value, str):
        return "<malformed>"
    m = RAISE_RE.match(call.args[0].value)
    return m.group(1) if m else "<malformed>"


def _is_docstring(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str)


def _is_super_init(stmt: ast.stmt) -> bool:
    return (
        isinstance(stmt, ast.Expr)
        and isinstance(stmt.value, ast.Call)
        and isinstance(stmt.value.func, ast.Attribute)
        and stmt.value.func.attr == "__init__"
        and isinstance(stmt.value.func.value, ast.Call)
        and isinstance(stmt.value.func.value.func, ast.Name)
        and stmt.value.func.value.func.id == "super"
    )


def _contains_exercise_raise(node: ast.AST) -> bool:
    return any(_raise_id(n) not in (None,) for n in ast.walk(node) if isinstance(n, ast.Raise))


def scan_skeleton(r: Report) -> dict[str, Symbol]:
    """Find the exercise symbols and check their shape. Returns {dotted name: Symbol}."""
    symbols: dict[str, Symbol] = {}
    problems = 0
    for f in sorted(SRC.glob("*.py")):
        module = f.stem
        text = f.read_text(encoding="utf-8")
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue  # reported by the compile check
        lines = text.splitlines()
        exported: set[str] = set()
        for node in tree.body:
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
                exported = {e.value for e in node.value.elts if isinstance(e, ast.Constant)}
        anchors_open = {m.group(1): i for i, l in enumerate(lines, 1) if (m := re.match(r"^# ANCHOR: (\S+)\s*$", l))}
        anchors_close = {m.group(1): i for i, l in enumerate(lines, 1) if (m := re.match(r"^# ANCHOR_END: (\S+)\s*$", l))}
        for name in sorted(set(anchors_open) ^ set(anchors_close)):
            problems += 1
            r.fail(f"skeleton {rel(f)}: anchor {name} is not both opened and closed")

        for node in tree.body:
            if not isinstance(node, (ast.FunctionDef, ast.ClassDef)) or not _contains_exercise_raise(node):
                continue
            where = f"{rel(f)}:{node.lineno} {node.name}"
            if isinstance(node, ast.FunctionDef):
                body = node.body[1:] if node.body and _is_docstring(node.body[0]) else node.body
                if not node.body or not _is_docstring(node.body[0]):
                    problems += 1
                    r.fail(f"skeleton {where}: no docstring")
                if len(body) != 1 or _raise_id(body[0]) is None:
                    problems += 1
                    r.fail(f"skeleton {where}: the body must be only the docstring and the raise (found an implementation?)")
                kind = "function"
            else:
                kind = "class"
                if not node.body or not _is_docstring(node.body[0]):
                    problems += 1
                    r.fail(f"skeleton {where}: no docstring")
                for item in node.body[1:] if node.body and _is_docstring(node.body[0]) else node.body:
                    if not isinstance(item, ast.FunctionDef):
                        problems += 1
                        r.fail(f"skeleton {where}: only methods may follow the class docstring (line {item.lineno})")
                        continue
                    body = [s for s in item.body if not _is_docstring(s) and not _is_super_init(s)]
                    if len(body) != 1 or _raise_id(body[0]) is None:
                        problems += 1
                        r.fail(f"skeleton {where}.{item.name}: the body must be only the raise (found an implementation?)")
            ids = {i for n in ast.walk(node) if isinstance(n, ast.Raise) and (i := _raise_id(n)) is not None}
            if "<malformed>" in ids or len(ids) != 1:
                problems += 1
                r.fail(f"skeleton {where}: must raise NotImplementedError(\"练习 <id>\") with one id, found {sorted(ids)}")
                continue
            sym = Symbol(module, node.name, kind, ids.pop(), f, node.lineno)
            if sym.dotted in symbols:
                problems += 1
                r.fail(f"skeleton {where}: defined twice")
            symbols[sym.dotted] = sym
            if node.name not in exported:
                problems += 1
                r.fail(f"skeleton {where}: not in {module}.__all__")
            start = node.decorator_list[0].lineno if node.decorator_list else node.lineno
            o, c = anchors_open.get(node.name), anchors_close.get(node.name)
            if o is None or c is None or not (o < start and c > node.end_lineno):
                problems += 1
                r.fail(f"skeleton {where}: needs `# ANCHOR: {node.name}` before and `# ANCHOR_END: {node.name}` after it")
    by_id: dict[str, list[str]] = {}
    for s in symbols.values():
        by_id.setdefault(s.exercise, []).append(s.dotted)
    for ex, names in sorted(by_id.items()):
        if len(names) > 1:
            problems += 1
            r.fail(f"skeleton: exercise {ex} is raised by several symbols {names}")
    if not problems:
        r.ok(f"skeleton: {len(symbols)} exercise symbols, each only a docstring and its raise, anchored, exported")
    return symbols


# --- torch names -------------------------------------------------------------------------------------


def torch_api_file() -> Path | None:
    candidates = [os.environ.get("TORCH_API_LIST", "")]
    for up in [ROOT, *ROOT.parents][:3]:
        candidates.append(str(up / "shared" / "reference" / "torch_api.txt"))
        candidates.append(str(up.parent / "shared" / "reference" / "torch_api.txt"))
    for c in candidates:
        if c and Path(c).is_file():
            return Path(c)
    return None


def check_torch_names(r: Report) -> None:
    api_file = torch_api_file()
    if api_file is None:
        print("SKIP    torch-names: shared/reference/torch_api.txt not found (set TORCH_API_LIST)")
        return
    names: set[str] = set()
    inherits: dict[str, list[str]] = {}
    for line in api_file.read_text(encoding="utf-8").splitlines():
        if line.startswith("#inherits "):
            parts = line.split()
            inherits.setdefault(parts[1], []).extend(parts[2:])
        elif line and not line.startswith("#"):
            names.add(line.strip())

    def known(name: str) -> bool:
        if name in names:
            return True
        owner, _, member = name.rpartition(".")
        return any(known(f"{base}.{member}") for base in inherits.get(owner, []))

    bad = 0
    count = 0
    for f in sorted(SRC.glob("*.py")):
        try:
            tree = ast.parse(f.read_text(encoding="utf-8"))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)):
                doc = ast.get_docstring(node) or ""
                for m in re.finditer(r"``(torch\.[A-Za-z0-9_.]+)", doc):
                    count += 1
                    if not known(m.group(1)):
                        bad += 1
                        r.fail(f"torch-names {rel(f)}: `{m.group(1)}` is not public PyTorch API")
    if not bad:
        r.ok(f"torch-names: {count} `torch.…` mentions in docstrings are public API")


# --- book --------------------------------------------------------------------------------------------

FENCE = re.compile(r"^\s*(```|~~~)")
EXERCISE = re.compile(r"^:::\s*exercise\s*\{([^}]*)\}")
INCLUDE = re.compile(r"\{\{#include\s+([^}\s:]+\.py):([A-Za-z0-9_]+)\s*\}\}")


@dataclass
class Exercise:
    id: str
    skeleton: str | None
    where: str
    attrs: dict = field(default_factory=dict)


def book_exercises() -> tuple[dict[str, list[Exercise]], list[tuple[str, Path, str]]]:
    """Exercises by id, and {{#include}}s of minidiff files: (where, resolved path, anchor)."""
    exercises: dict[str, list[Exercise]] = {}
    includes = []
    if not BOOK.is_dir():
        return exercises, includes
    for page in sorted(BOOK.rglob("*.md")):
        in_fence = False
        for n, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
            where = f"{rel(page)}:{n}"
            for m in INCLUDE.finditer(line):  # includes sit inside ```python fences
                if "minidiff" in m.group(1):
                    includes.append((where, (page.parent / m.group(1)).resolve(), m.group(2)))
            if FENCE.match(line):
                in_fence = not in_fence
                continue
            if in_fence:
                continue
            m = EXERCISE.match(line)
            if not m:
                continue
            ex_id, attrs = None, {}
            for tok in m.group(1).split():
                if tok.startswith("#"):
                    ex_id = tok[1:]
                elif "=" in tok:
                    k, v = tok.split("=", 1)
                    attrs[k] = v.strip("\"'")
            if ex_id:
                exercises.setdefault(ex_id, []).append(Exercise(ex_id, attrs.get("skeleton"), where, attrs))
    return exercises, includes


def check_book(r: Report, symbols: dict[str, Symbol], strict: bool) -> None:
    exercises, includes = book_exercises()
    total = sum(len(v) for v in exercises.values())
    print(f"        book: {total} exercises, {sum(1 for v in exercises.values() for e in v if e.skeleton)} with skeleton=, "
          f"{len(includes)} minidiff includes")
    # minidiff -> book
    for dotted, sym in sorted(symbols.items(), key=lambda kv: (kv[1].module, kv[1].line)):
        found = exercises.get(sym.exercise, [])
        label = f"{dotted} ↔ 练习 {sym.exercise}"
        if not found:
            msg = f"{label}: no exercise {{#{sym.exercise} …}} in book/ yet"
            (r.fail if strict else r.pend)(msg)
        elif not any(e.skeleton == dotted for e in found):
            r.fail(f"{label}: the exercise at {found[0].where} must carry skeleton={dotted}"
                   f" (has {found[0].skeleton or 'no skeleton='})")
        else:
            r.ok(label)
    # book -> minidiff
    for ex_id, found in sorted(exercises.items()):
        for e in found:
            if not e.skeleton:
                continue
            sym = symbols.get(e.skeleton)
            if sym is None:
                r.fail(f"{e.where}: exercise #{ex_id} has skeleton={e.skeleton}, which is not an exercise symbol of minidiff")
            elif sym.exercise != ex_id:
                r.fail(f"{e.where}: exercise #{ex_id} has skeleton={e.skeleton}, but that symbol raises 练习 {sym.exercise}")
    # {{#include}} anchors
    for where, path, anchor in includes:
        if not path.is_file():
            r.fail(f"{where}: {{{{#include}}}} of {path} — no such file")
        elif not re.search(rf"^# ANCHOR: {re.escape(anchor)}\s*$", path.read_text(encoding="utf-8"), re.M):
            r.fail(f"{where}: {{{{#include}}}} anchor {anchor} not found in {rel(path) if path.is_relative_to(ROOT) else path}")
        else:
            r.ok(f"{where}: include {path.name}:{anchor}")


# --- pytest runs -------------------------------------------------------------------------------------


def run_pytest(args: list[str], cwd: Path, junit: Path) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", f"--junitxml={junit}", *args]
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env, timeout=1800)


def junit_cases(junit: Path):
    root = ET.parse(junit).getroot()
    for case in root.iter("testcase"):
        props = {p.get("name"): p.get("value") for p in case.iter("property")}
        outcome, message = "passed", ""
        for tag in ("failure", "error", "skipped"):
            el = case.find(tag)
            if el is not None:
                outcome, message = tag, (el.get("message") or "") + "\n" + (el.text or "")
                break
        yield f"{case.get('classname')}::{case.get('name')}", props, outcome, message


def check_wiring(r: Report, symbols: dict[str, Symbol]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        junit = Path(tmp) / "wiring.xml"
        proc = run_pytest(["--continue-on-collection-errors", "tests"], PKG, junit)
        if not junit.exists():
            r.fail(f"wiring: pytest produced no report (exit {proc.returncode}):\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}")
            return
        cases = list(junit_cases(junit))
    if not cases:
        r.fail("wiring: no student tests were collected")
        return
    covered: dict[str, int] = {}
    bad = 0
    for name, props, outcome, message in cases:
        ex = props.get("exercise")
        if outcome == "error" or (outcome == "failure" and "NotImplementedError" not in message):
            bad += 1
            first = next((l for l in message.splitlines() if l.strip()), "")
            r.fail(f"wiring {name}: {outcome} that is not NotImplementedError: {first[:300]}")
        elif outcome != "failure":
            bad += 1
            r.fail(f"wiring {name}: {outcome} on the unfilled skeleton (a student test must exercise a skeleton)")
        elif ex is None:
            bad += 1
            r.fail(f"wiring {name}: no @pytest.mark.exercise(\"<id>\")")
        elif f"NotImplementedError: 练习 {ex}" not in message:
            bad += 1
            got = re.search(r"NotImplementedError: (练习 \S+)", message)
            r.fail(f"wiring {name}: marked exercise {ex} but failed with {got.group(1) if got else message[:200]!r}")
        else:
            covered[ex] = covered.get(ex, 0) + 1
    if proc.returncode not in (0, 1):
        bad += 1
        r.fail(f"wiring: pytest exited with {proc.returncode} (interrupted or internal error)")
    ids = {s.exercise for s in symbols.values()}
    for ex in sorted(ids - set(covered)):
        bad += 1
        r.fail(f"wiring: exercise {ex} has no student test in minidiff/tests")
    for ex in sorted(set(covered) - ids):
        bad += 1
        r.fail(f"wiring: tests are marked with exercise {ex}, which no skeleton raises")
    if not bad:
        r.ok(f"wiring: {len(cases)} student tests collect and fail with NotImplementedError for their own exercise "
             f"({len(covered)} exercises covered)")


def check_helpers(r: Report) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        junit = Path(tmp) / "helpers.xml"
        proc = run_pytest(["checks"], PKG, junit)
        cases = list(junit_cases(junit)) if junit.exists() else []
    if not cases:
        r.fail(f"helpers: pytest produced no results (exit {proc.returncode}):\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}")
        return
    for name, _props, outcome, message in cases:
        if outcome == "passed":
            r.ok(f"helpers {name}")
        else:
            r.fail(f"helpers {name}: {outcome}: {message.strip()[:1500]}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--strict", action="store_true",
                    help="an exercise symbol whose exercise is not in the book yet fails (default: PENDING)")
    ap.add_argument("--no-pytest", action="store_true", help="skip the wiring test and the helper tests")
    args = ap.parse_args(argv)

    r = Report()
    check_compile(r)
    symbols = scan_skeleton(r)
    check_torch_names(r)
    check_book(r, symbols, args.strict)
    if not args.no_pytest:
        check_wiring(r, symbols)
        check_helpers(r)
    if r.pending:
        print(f"{r.pending} pending: minidiff exercises whose book exercise is not written yet "
              "(run with --strict once the chapters are merged)")
    print(f"{r.passed} passed, {r.failed} failed")
    return 1 if r.failed else 0


if __name__ == "__main__":
    sys.exit(main())
