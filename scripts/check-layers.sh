#!/usr/bin/env bash
# The one-way house (issue 17): inside a module, source folders form a DAG and a Swift file may use
# only the types declared in its own folder or in folders its folder may reach (below). Fails (exit 1)
# listing every use, as `path:line: <Folder> uses <Type> from <OtherFolder>`.
# Usage: scripts/check-layers.sh [--summary]
#   --summary   also print, per module, a folder x folder matrix: how many distinct types each folder
#               (row) uses from each other folder (column); `!` marks a cell the rules forbid.
set -euo pipefail

# ---- The rules -------------------------------------------------------------------------------------
# `[module source root]`, then one line per folder: `Folder: the folders it may use` (its own always).
# Folder = first path component below the root (subfolders belong to it); files directly in the root
# are folder (root), which may use everything. Only types declared inside the module are checked.
LAYERS='
[Sources/Reconciler]
Model:
Text:        Model
Kube:        Model
Desired:     Model Kube
Health:      Model Kube Desired
Plan:        Model Text Kube Desired
Live:        Model Text Kube Desired Plan
Diff:        Model Text Kube Desired Plan Live
Trace:       Model Text Kube Desired Plan Live Diff
Engine:      Model Text Kube Desired Health Plan Live Diff Trace

[Sources/NetlinkBridge]
Wire:
Expressions: Wire
Ipset:       Wire
Codec:       Wire Expressions Ipset
Events:      Wire
Conntrack:   Wire
NfTables:    Wire Expressions Ipset Codec Events
Live:        Wire Expressions Ipset Codec Events NfTables Conntrack
'
# -----------------------------------------------------------------------------------------------------

cd "$(dirname "$0")/.."
LAYERS="$LAYERS" exec python3 - "$@" <<'PY'
"""How it reads Swift (a heuristic, no parser):
- comments (`//`, nested `/* */`) and string contents (`"…"`, `\"\"\"…\"\"\"`, raw `#"…"#`) are blanked;
  the code inside `\\( … )` interpolations is kept; line numbers are preserved.
- a declaration is `struct|enum|class|actor|protocol|typealias Name` at any nesting. A top-level one
  belongs to its folder; a nested one counts only if all declarations of its name are in one folder
  (a top-level declaration of the same name wins; names in several folders are noted, not checked).
  `private`/`fileprivate` ones are local to their file.
  `extension Foo` is a use of Foo.
- a use is any identifier token equal to a type name, except names declared in the same file (types at
  any nesting, generic parameters, associated types), which shadow the module's, and the module's own name.
"""
import os, re, sys, collections

def parse_rules(text):
    modules, root = {}, None
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line: continue
        if line.startswith("["):
            root = line.strip("[]").strip(); modules[root] = {}; continue
        folder, _, reach = line.partition(":")
        modules[root][folder.strip()] = reach.split()
    for root, rules in modules.items():
        for folder, reach in rules.items():
            for other in reach:
                if other not in rules: sys.exit(f"check-layers: rule {root}/{folder} names unknown folder {other}")
    return modules

RULES = parse_rules(os.environ["LAYERS"])

KEYWORDS = set("""associatedtype class deinit enum extension fileprivate func import init inout internal let
open operator private precedencegroup protocol public rethrows static struct subscript typealias var break case
catch continue default defer do else fallthrough for guard if in repeat return throw switch where while as Any
false is nil self Self super throws true try await async actor package final override mutating nonmutating lazy
weak unowned indirect convenience required dynamic optional nonisolated isolated consuming borrowing some any
macro each""".split())

# ---- stripping ------------------------------------------------------------------------------------
RAW_OPEN = re.compile(r'#+"')

def strip(src):
    out = []
    scan_code(src, 0, out, interpolation=False)
    return "".join(out)

def scan_code(s, i, out, interpolation):
    n, parens = len(s), 0
    while i < n:
        c = s[i]
        if c == "/" and s.startswith("//", i):
            j = s.find("\n", i); j = n if j < 0 else j
            i = j; continue
        if c == "/" and s.startswith("/*", i):
            i = skip_block_comment(s, i, out); continue
        if c == '"' or (c == "#" and RAW_OPEN.match(s, i)):
            i = scan_string(s, i, out); continue
        if interpolation:
            if c == "(": parens += 1
            elif c == ")":
                if parens == 0:
                    out.append(" "); return i + 1
                parens -= 1
        out.append(c); i += 1
    return i

def skip_block_comment(s, i, out):
    depth, i, n = 1, i + 2, len(s)
    while i < n and depth:
        if s.startswith("/*", i): depth += 1; i += 2; continue
        if s.startswith("*/", i): depth -= 1; i += 2; continue
        if s[i] == "\n": out.append("\n")
        i += 1
    out.append(" ")
    return i

def scan_string(s, i, out):
    n, hashes = len(s), 0
    while s[i] == "#": hashes += 1; i += 1
    quote = '"""' if s.startswith('"""', i) else '"'
    close, escape = quote + "#" * hashes, "\\" + "#" * hashes
    i += len(quote)
    out.append('""')
    while i < n:
        if s.startswith(escape, i):
            i += len(escape)
            if i < n and s[i] == "(":  # interpolation: its code is code
                out.append(" ")
                i = scan_code(s, i + 1, out, interpolation=True); continue
            if i < n and s[i] == "\n": out.append("\n")
            i += 1; continue
        if s.startswith(close, i): return i + len(close)
        if s[i] == "\n":
            out.append("\n")
            if quote == '"': return i + 1  # unterminated single-line string: stop at the line's end
        i += 1
    return i

# ---- declarations ---------------------------------------------------------------------------------
MODIFIER = r"(?:@[A-Za-z_]\w*(?:\([^()]*\))?|public|package|internal|fileprivate|private|open|final|indirect|nonisolated|(?:private|fileprivate|internal|public)\(set\))"
DECL = re.compile(r"((?:" + MODIFIER + r"\s+)*)\b(struct|enum|class|actor|protocol|typealias)\s+([A-Za-z_]\w*)")
ASSOC = re.compile(r"\bassociatedtype\s+([A-Za-z_]\w*)")
GENERIC_OWNER = re.compile(r"\b(?:(?:func|struct|enum|class|actor|protocol|typealias)\s+[A-Za-z_]\w*|init[?!]?|subscript)\s*<")
IDENT = re.compile(r"[A-Za-z_]\w*")

def generic_params(text):
    names = set()
    for m in GENERIC_OWNER.finditer(text):
        i, depth, seg = m.end(), 1, ""
        segs = []
        while i < len(text) and depth:
            c = text[i]
            if c == "<": depth += 1
            elif c == ">" and text[i - 1] != "-": depth -= 1
            if depth == 1 and c == ",": segs.append(seg); seg = ""
            elif depth: seg += c
            i += 1
        segs.append(seg)
        for seg in segs:
            words = [w for w in IDENT.findall(seg.split(":", 1)[0]) if w not in ("each", "repeat")]
            if words: names.add(words[0])
    return names

def declarations(text):
    """[(name, nested, file_private, line)] of the stripped text."""
    events = [(m.start(), m.group()) for m in re.finditer(r"[{}]", text)]
    events += [(m.start(2), m) for m in DECL.finditer(text)]
    events.sort(key=lambda e: e[0])
    decls, depth = [], 0
    for pos, ev in events:
        if ev == "{": depth += 1; continue
        if ev == "}": depth = max(0, depth - 1); continue
        name = ev.group(3)
        if name in KEYWORDS: continue  # `class func`, `class var`, `actor in` …
        private = re.search(r"\b(?:private|fileprivate)\b(?!\()", ev.group(1)) is not None
        decls.append((name, depth > 0, private, text.count("\n", 0, pos) + 1))
    return decls

# ---- checking -------------------------------------------------------------------------------------
def folder_of(root, path):
    rel = os.path.relpath(path, root).split(os.sep)
    return rel[0] if len(rel) > 1 else "(root)"

violations, notes, matrices = [], [], {}
for root, rules in RULES.items():
    files = {}
    for dirpath, dirs, names in os.walk(root):
        dirs.sort()
        for name in sorted(names):
            if name.endswith(".swift"):
                path = os.path.join(dirpath, name)
                with open(path, encoding="utf-8") as f: files[path] = strip(f.read())
    top = collections.defaultdict(set)      # name -> folders (top-level, module-visible)
    nested = collections.defaultdict(list)  # name -> [folder], one entry per declaration
    local = {}
    for path, text in files.items():
        here = folder_of(root, path)
        decls = declarations(text)
        local[path] = {d[0] for d in decls} | generic_params(text) | set(ASSOC.findall(text))
        for name, is_nested, private, _ in decls:
            if private: continue
            (nested[name].append(here) if is_nested else top[name].add(here))
    owner = {}  # type name -> folder it belongs to
    for name, folders in top.items():
        if len(folders) == 1: owner[name] = next(iter(folders))
    for name, folders in nested.items():
        if name not in top and len(set(folders)) == 1: owner[name] = folders[0]
    for name in sorted(set(top) | set(nested)):
        t, n = top.get(name, set()), set(nested.get(name, []))
        if len(t | n) < 2: continue
        where = ", ".join(sorted(t | n))
        if len(t) == 1:
            notes.append(f"{root}: {name} is declared in {where}; checked as {next(iter(t))}'s top-level type (the nested ones are not checked)")
        else:
            notes.append(f"{root}: {name} is declared in {where}; ambiguous, not checked")
    unknown = sorted({folder_of(root, p) for p in files} - set(rules) - {"(root)"})
    for folder in unknown:
        first = min(p for p in files if folder_of(root, p) == folder)
        violations.append((first, 0, f"{first}:1: folder {folder} has no rule in scripts/check-layers.sh"))
    module = os.path.basename(root)  # `Reconciler.X` is the module's name qualifying X, not a use of the (root) enum
    matrix = collections.defaultdict(set)  # (from, to) -> types
    for path, text in sorted(files.items()):
        here = folder_of(root, path)
        if here in unknown: continue
        allowed = None if here == "(root)" else set(rules[here]) | {here}
        for lineno, line in enumerate(text.split("\n"), 1):
            seen = set()
            for ident in IDENT.findall(line):
                there = owner.get(ident)
                if there is None or ident in local[path] or ident in seen or ident == module: continue
                seen.add(ident)
                matrix[(here, there)].add(ident)
                if allowed is not None and there not in allowed:
                    violations.append((path, lineno, f"{path}:{lineno}: {here} uses {ident} from {there}"))
    matrices[root] = matrix

if "--summary" in sys.argv[1:]:
    for root, rules in RULES.items():
        matrix = matrices[root]
        folders = list(rules) + (["(root)"] if any("(root)" in k for k in matrix) else [])
        w = max(len(f) for f in folders) + 1
        print(f"{root}: distinct types used, row folder -> column folder ('!' = forbidden by the rules)")
        print(" " * w + "".join(f"{f[:11]:>12}" for f in folders))
        for a in folders:
            cells = []
            for b in folders:
                n = len(matrix.get((a, b), ()))
                bad = a != b and a != "(root)" and b not in rules.get(a, []) and n
                cells.append(f"{(str(n) + ('!' if bad else '')) if n else '.':>12}")
            print(f"{a:<{w}}" + "".join(cells))
        print()
for line in notes: print(f"note: {line}", file=sys.stderr)
for _, _, line in sorted(violations, key=lambda v: (v[0], v[1])): print(line)
print(f"check-layers: {len(violations)} violation{'s' if len(violations) != 1 else ''}")
sys.exit(1 if violations else 0)
PY
