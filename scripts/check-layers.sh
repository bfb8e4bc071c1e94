#!/usr/bin/env bash
# The one-way house (issue 17): inside Reconciler and NetlinkBridge, source folders form a chain
# (a DAG) and a Swift file may use only the types declared in its own folder or in folders it is
# allowed to reach. Fails (exit 1) listing every use of a type from a folder further on.
# Usage: scripts/check-layers.sh [--summary]   (--summary also prints folder -> folder counts)
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 - "$@" <<'PY'
import os, re, sys, collections

# Folder -> the folders it may use (its own always). A folder's subfolders belong to it.
RULES = {
    "Sources/Reconciler": {
        "Model": [],
        "Text": ["Model"],
        "Kube": ["Model"],
        "Desired": ["Model", "Kube"],
        "Health": ["Model", "Kube", "Desired"],
        "Plan": ["Model", "Text", "Kube", "Desired"],
        "Live": ["Model", "Text", "Kube", "Desired", "Plan"],
        "Diff": ["Model", "Text", "Kube", "Desired", "Plan", "Live"],
        "Trace": ["Model", "Text", "Kube", "Desired", "Plan", "Live", "Diff"],
        "Engine": ["Model", "Text", "Kube", "Desired", "Health", "Plan", "Live", "Diff", "Trace"],
    },
    "Sources/NetlinkBridge": {
        "Wire": [],
        "Expressions": ["Wire"],
        "Ipset": ["Wire"],
        "Codec": ["Wire", "Expressions", "Ipset"],
        "Events": ["Wire"],
        "Conntrack": ["Wire"],
        "NfTables": ["Wire", "Expressions", "Ipset", "Codec", "Events"],
        "Live": ["Wire", "Expressions", "Ipset", "Codec", "Events", "NfTables", "Conntrack"],
    },
}

# Top-level declarations only (a nested type is reached through its outer type's name).
DECL = re.compile(r"^(?:(?:public|package|internal|fileprivate|private|final|indirect|nonisolated|@[A-Za-z]+(?:\([^)]*\))?)\s+)*"
                  r"(?:struct|enum|class|actor|protocol|typealias)\s+([A-Za-z_][A-Za-z0-9_]*)", re.M)
IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

def strip(text):
    """Source without comments and string contents (line structure kept)."""
    out, i, n = [], 0, len(text)
    depth = 0  # block comment nesting
    while i < n:
        c = text[i]
        if depth:
            if text.startswith("*/", i): depth -= 1; i += 2; continue
            if text.startswith("/*", i): depth += 1; i += 2; continue
            out.append("\n" if c == "\n" else " "); i += 1; continue
        if text.startswith("//", i):
            j = text.find("\n", i); j = n if j < 0 else j
            out.append(" " * (j - i)); i = j; continue
        if text.startswith("/*", i): depth = 1; i += 2; continue
        if c == '"' or (c == "#" and text.startswith('#"', i)):
            i = skip_string(text, i, out); continue
        out.append(c); i += 1
    return "".join(out)

def skip_string(text, i, out):
    hashes = 0
    while text[i] == "#": hashes += 1; i += 1
    multi = text.startswith('"""', i)
    quote = '"""' if multi else '"'
    close = quote + "#" * hashes
    i += len(quote)
    out.append('""')
    while i < len(text):
        if text[i] == "\\" and hashes == 0:
            if text.startswith("\\(", i):  # interpolation: keep its code
                i = skip_interpolation(text, i + 2, out); continue
            i += 2; continue
        if text.startswith(close, i): return i + len(close)
        if text[i] == "\n": out.append("\n")
        i += 1
    return i

def skip_interpolation(text, i, out):
    depth = 1
    out.append(" ")
    while i < len(text) and depth:
        c = text[i]
        if c == "(": depth += 1
        elif c == ")": depth -= 1
        if depth: out.append(c)
        i += 1
    out.append(" ")
    return i

def folder_of(root, path):
    rel = os.path.relpath(path, root).split(os.sep)
    return rel[0] if len(rel) > 1 else "(root)"

violations, ambiguous, summary = [], [], collections.Counter()
for root, rules in RULES.items():
    files = {}
    for dirpath, _, names in os.walk(root):
        for name in names:
            if name.endswith(".swift"):
                path = os.path.join(dirpath, name)
                files[path] = strip(open(path, encoding="utf-8").read())
    declared = collections.defaultdict(set)  # type -> folders
    local = {}
    for path, text in files.items():
        names = set(DECL.findall(text))
        local[path] = names
        for name in names: declared[name].add(folder_of(root, path))
    for name, folders in sorted(declared.items()):
        if len(folders) > 1: ambiguous.append(f"{root}: {name} declared in {', '.join(sorted(folders))}")
    for path, text in sorted(files.items()):
        here = folder_of(root, path)
        if here == "(root)": continue
        if here not in rules:
            violations.append(f"{path}:1: folder {here} has no rule in scripts/check-layers.sh"); continue
        allowed = set(rules[here]) | {here}
        seen = set()
        for lineno, line in enumerate(text.split("\n"), 1):
            for ident in IDENT.findall(line):
                folders = declared.get(ident)
                if not folders or len(folders) > 1 or ident in local[path]: continue
                (there,) = folders
                if there == "(root)": continue
                summary[(root, here, there)] += (ident, there) not in seen
                if there not in allowed and (ident, lineno) not in seen:
                    violations.append(f"{path}:{lineno}: {here} uses {ident} from {there}")
                seen.add((ident, lineno)); seen.add((ident, there))

if "--summary" in sys.argv:
    for (root, a, b), n in sorted(summary.items()):
        if a != b: print(f"{os.path.basename(root)}: {a} -> {b}: {n} types")
for line in ambiguous: print(f"note: {line} (not checked)", file=sys.stderr)
for line in violations: print(line)
print(f"check-layers: {len(violations)} violations", file=sys.stderr)
sys.exit(1 if violations else 0)
PY
