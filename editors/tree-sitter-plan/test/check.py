#!/usr/bin/env python3
"""Check the tree-sitter grammar of `.plan` files with the Python bindings.

    python3 check.py GRAMMAR_DIR parse FILE...       # every syntax error, one a line
    python3 check.py GRAMMAR_DIR query QUERY...      # each query compiles
    python3 check.py GRAMMAR_DIR captures QUERY FILE # each capture, one a line

Compiles GRAMMAR_DIR/src/parser.c (the generated parser) with `cc` into a temporary
library and loads it, so neither the tree-sitter CLI nor a build of the grammar's own
bindings is needed. A capture line reads `ROW:COLUMN-ROW:COLUMN NAME TEXT`, rows and
columns counted from 0, columns in bytes.
"""
import ctypes
import os
import subprocess
import sys
import tempfile

import tree_sitter


def load(grammar_dir):
    out = tempfile.mkdtemp()
    library = os.path.join(out, "plan.so")
    src = os.path.join(grammar_dir, "src")
    subprocess.run(
        ["cc", "-shared", "-fPIC", "-O0", "-I", src, os.path.join(src, "parser.c"),
         "-o", library],
        check=True,
    )
    function = ctypes.CDLL(library).tree_sitter_plan
    function.restype = ctypes.c_void_p
    # The bindings take the language as a capsule, as a grammar's own bindings make it.
    capsule = ctypes.pythonapi.PyCapsule_New
    capsule.restype = ctypes.py_object
    capsule.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p]
    return tree_sitter.Language(capsule(function(), b"tree_sitter.Language", None))


def errors(node, out):
    if node.is_error or node.is_missing:
        kind = "MISSING" if node.is_missing else "ERROR"
        out.append(f"{node.start_point.row + 1}:{node.start_point.column + 1} {kind}")
    for child in node.children:
        errors(child, out)


def main():
    language = load(sys.argv[1])
    mode, rest = sys.argv[2], sys.argv[3:]
    parser = tree_sitter.Parser(language)
    if mode == "parse":
        for path in rest:
            with open(path, "rb") as f:
                tree = parser.parse(f.read())
            found = []
            errors(tree.root_node, found)
            for e in found:
                print(f"{path}:{e}")
    elif mode == "query":
        for path in rest:
            with open(path, encoding="utf-8") as f:
                tree_sitter.Query(language, f.read())
            print(f"{path}: ok")
    elif mode == "captures":
        with open(rest[0], encoding="utf-8") as f:
            query = tree_sitter.Query(language, f.read())
        with open(rest[1], "rb") as f:
            source = f.read()
        tree = parser.parse(source)
        captures = tree_sitter.QueryCursor(query).captures(tree.root_node)
        lines = []
        for name, nodes in captures.items():
            for n in nodes:
                text = source[n.start_byte:n.end_byte].decode("utf-8")
                lines.append((n.start_point, n.end_point, name, text))
        for start, end, name, text in sorted(lines):
            print(f"{start.row}:{start.column}-{end.row}:{end.column} {name} {text}")
    else:
        sys.exit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()
