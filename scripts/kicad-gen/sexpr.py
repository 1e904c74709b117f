"""Tiny S-expression writer and reader for KiCad 6 text files."""
import re
import uuid

NS = uuid.UUID("6b1c3f0e-6d1a-4c59-9a53-2f3c1b7d0e11")


def uid(*parts):
    """Stable UUID from a name, so regenerating gives identical files."""
    return str(uuid.uuid5(NS, "/".join(str(p) for p in parts)))


def q(text):
    """A quoted atom; newlines are written as \\n, as KiCad does (a raw newline breaks its parser)."""
    text = str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return '"' + text + '"'


def n(value):
    """A number as KiCad writes it: no trailing zeros."""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


TOKEN = re.compile(r'\s*(?:(\()|(\))|"((?:[^"\\]|\\.)*)"|([^\s()"]+))')


def parse(text):
    """Nested lists of strings; quoted atoms keep their text without quotes."""
    stack, top = [], []
    cur = top
    pos = 0
    while True:
        m = TOKEN.match(text, pos)
        if not m or m.end() == pos:
            break
        pos = m.end()
        if m.group(1):
            node = []
            cur.append(node)
            stack.append(cur)
            cur = node
        elif m.group(2):
            cur = stack.pop()
        elif m.group(3) is not None:
            cur.append(re.sub(r"\\(.)", lambda e: "\n" if e.group(1) == "n" else e.group(1), m.group(3)))
        else:
            cur.append(m.group(4))
    return top[0]


def find(node, key):
    return [c for c in node if isinstance(c, list) and c and c[0] == key]


def first(node, key):
    found = find(node, key)
    return found[0] if found else None
