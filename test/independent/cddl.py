"""A small CDDL (RFC 8610) reader for the subset specs/cddl/hemkit.cddl declares in its header:
rules, groups, maps, arrays, occurrences, type choices, ranges, .size, .cbor, #6.n tags, the
prelude, the cut and group choices (`//`, RFC 8610 §2.2.2). Two uses:

- match(rule, value): does a decoded item match a rule, as a CDDL tool would judge it (the
  `matchesRule` of specs/test-vectors.md §2.5; .cbor decodes and judges the embedded item);
- the hemkit parse of specs/encoding.md §13 layer 5 lives in schema.py and walks these nodes.
"""
import re

import cbor
from cbor import CborError, Tag

TOKEN = re.compile(r"""
    (?P<ws>\s+|;[^\n]*)
  | (?P<tag>\#6\.(?P<tagnum>\d+))
  | (?P<ctl>\.(?:size|cbor|bits|regexp|lt|le|gt|ge|eq|ne|default))\b
  | (?P<range>\.\.\.?)
  | (?P<arrow>=>)
  | (?P<gchoice>//)
  | (?P<num>-?\d+)
  | (?P<str>"[^"]*")
  | (?P<name>[A-Za-z_$@][A-Za-z0-9_$@.\-]*)
  | (?P<punct>[=/(){}\[\],:^?*+])
""", re.X)


def tokenize(text):
    out = []
    pos = 0
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if not m:
            raise SyntaxError(f"CDDL: cannot read {text[pos:pos + 20]!r}")
        pos = m.end()
        kind = m.lastgroup
        if kind == "ws":
            continue
        if kind == "tag":
            out.append(("tag", int(m.group("tagnum"))))
        elif kind == "num":
            out.append(("num", int(m.group())))
        elif kind == "str":
            out.append(("str", m.group()[1:-1]))
        elif kind == "name":
            out.append(("name", m.group()))
        elif kind == "ctl":
            out.append(("ctl", m.group()[1:]))
        else:
            out.append((m.group(), m.group()))
    return out


# Nodes: ("choice", [types]), ("value", v), ("ref", name), ("map", group), ("array", group),
# ("range", lo, hi, inclusive), ("ctl", op, base, arg), ("tag", n, type), ("group", entries)
# entry: dict(occ=(min, max), key=type|None, cut=bool, type=type)  (type may be ("groupref", name),
# or ("gchoice", [entries, entries, ...]) for a group choice: the group `a // b` is one such entry)

INF = float("inf")


class Parser:
    def __init__(self, tokens):
        self.t = tokens
        self.i = 0

    def peek(self, k=0):
        return self.t[self.i + k][0] if self.i + k < len(self.t) else None

    def take(self, kind=None):
        tok = self.t[self.i]
        if kind and tok[0] != kind:
            raise SyntaxError(f"CDDL: expected {kind}, got {tok}")
        self.i += 1
        return tok

    def rules(self):
        out = {}
        while self.i < len(self.t):
            name = self.t[self.i][1]
            out[name] = self.rules_one()
        return out

    def rules_one(self):
        """One `name = type` or `name = (group)`; returns its node."""
        if True:
            name = self.take("name")[1]
            self.take("=")
            if self.peek() == "(":
                save = self.i
                self.take("(")
                g = self.group(")")
                self.take(")")
                if len(g) == 1 and g[0]["key"] is None and g[0]["occ"] == (1, 1) \
                        and g[0]["type"][0] not in ("groupref", "gchoice"):
                    # a parenthesised type, not a group
                    self.i = save
                    return self.type()
                return ("group", g)
            return self.type()

    def type(self):
        alts = [self.type1()]
        while self.peek() == "/":
            self.take("/")
            alts.append(self.type1())
        return alts[0] if len(alts) == 1 else ("choice", alts)

    def type1(self):
        t = self.type2()
        if self.peek() in ("..", "..."):
            op = self.take()[0]
            hi = self.type2()
            t = ("range", t, hi, op == "..")
        if self.peek() == "ctl":
            op = self.take()[1]
            arg = self.type2()
            t = ("ctl", op, t, arg)
        return t

    def type2(self):
        k, v = self.t[self.i]
        if k == "num" or k == "str":
            self.i += 1
            return ("value", v)
        if k == "name":
            self.i += 1
            return ("ref", v)
        if k == "{":
            self.take("{")
            g = self.group("}")
            self.take("}")
            return ("map", g)
        if k == "[":
            self.take("[")
            g = self.group("]")
            self.take("]")
            return ("array", g)
        if k == "(":
            self.take("(")
            t = self.type()
            self.take(")")
            return t
        if k == "tag":
            self.i += 1
            self.take("(")
            t = self.type()
            self.take(")")
            return ("tag", v, t)
        raise SyntaxError(f"CDDL: unexpected {k} {v}")

    def inline_group(self):
        """`( group )` as a group entry (RFC 8610 §2.2.2), as a one-alternative gchoice; None when
        the parentheses hold a type (a key, a type choice or a single unkeyed type)."""
        if self.peek() != "(":
            return None
        save = self.i
        try:
            self.take("(")
            g = self.group(")")
            self.take(")")
        except (SyntaxError, IndexError):
            self.i = save
            return None
        single_type = len(g) == 1 and g[0]["key"] is None and g[0]["occ"] == (1, 1) \
            and g[0]["type"][0] != "gchoice"
        if single_type or self.peek() in ("^", "=>", "/", "..", "...", "ctl"):
            self.i = save
            return None
        return g[0]["type"] if len(g) == 1 and g[0]["type"][0] == "gchoice" and g[0]["occ"] == (1, 1) \
            else ("gchoice", [g])

    def occurrence(self):
        k = self.peek()
        if k == "?":
            self.take()
            return (0, 1)
        if k == "+":
            self.take()
            return (1, INF)
        if k == "*":
            self.take()
            return (0, INF)
        if k == "num" and self.peek(1) == "*":
            lo = self.take()[1]
            self.take("*")
            hi = INF
            if self.peek() == "num":
                hi = self.take()[1]
            return (lo, hi)
        return (1, 1)

    def group(self, close):
        """A group: its entries, or one gchoice entry when it has alternatives (RFC 8610 §2.2.2:
        `//` binds looser than `,`, so each alternative is a whole sequence of entries)."""
        alts = [self.group_entries(close)]
        while self.peek() == "//":
            self.take("//")
            alts.append(self.group_entries(close))
        if len(alts) == 1:
            return alts[0]
        return [dict(occ=(1, 1), key=None, cut=False, type=("gchoice", alts))]

    def group_entries(self, close):
        entries = []
        while self.peek() not in (close, "//"):
            occ = self.occurrence()
            inline = self.inline_group()
            if inline is not None:
                entries.append(dict(occ=occ, key=None, cut=False, type=inline))
                if self.peek() == ",":
                    self.take(",")
                continue
            # "name: type" (a member name in an array) -> the name is a label only
            if self.peek() == "name" and self.peek(1) == ":":
                self.i += 2
                entries.append(dict(occ=occ, key=None, cut=False, type=self.type()))
            else:
                first = self.type1()
                if self.peek() in ("^", "=>"):
                    cut = False
                    if self.peek() == "^":
                        self.take("^")
                        cut = True
                    self.take("=>")
                    entries.append(dict(occ=occ, key=first, cut=cut, type=self.type()))
                else:
                    if self.peek() == "/":  # a type choice as an entry
                        alts = [first]
                        while self.peek() == "/":
                            self.take("/")
                            alts.append(self.type1())
                        first = ("choice", alts)
                    entries.append(dict(occ=occ, key=None, cut=False, type=first))
            if self.peek() == ",":
                self.take(",")
        return entries


PRELUDE = {
    "any": ("prim", "any"), "uint": ("prim", "uint"), "nint": ("prim", "nint"), "int": ("prim", "int"),
    "bstr": ("prim", "bstr"), "bytes": ("prim", "bstr"), "tstr": ("prim", "tstr"), "text": ("prim", "tstr"),
    "nil": ("value", None), "null": ("value", None), "bool": ("choice", [("value", False), ("value", True)]),
    "true": ("value", True), "false": ("value", False),
}


class Schema:
    def __init__(self, text):
        self.rules = Parser(tokenize(text)).rules()
        # group references inside maps/arrays: a bare name whose rule is a group
        for name, node in list(self.rules.items()):
            self.rules[name] = self._fix(node)

    def _fix_entries(self, entries):
        out = []
        for e in entries:
            e = dict(e)
            if e["key"] is None and e["type"][0] == "ref" and self._is_group(e["type"][1]):
                e["type"] = ("groupref", e["type"][1])
            else:
                e["type"] = self._fix(e["type"])
            if e["key"] is not None:
                e["key"] = self._fix(e["key"])
            out.append(e)
        return out

    def _fix(self, node):
        k = node[0]
        if k in ("map", "array", "group"):
            return (k, self._fix_entries(node[1]))
        if k == "gchoice":
            return ("gchoice", [self._fix_entries(alt) for alt in node[1]])
        if k == "choice":
            return ("choice", [self._fix(a) for a in node[1]])
        if k == "tag":
            return ("tag", node[1], self._fix(node[2]))
        if k == "ctl":
            return ("ctl", node[1], self._fix(node[2]), self._fix(node[3]))
        return node

    def _is_group(self, name):
        # resolved lazily: rules are all parsed before _fix runs
        return name in self.rules and self.rules[name][0] == "group"

    def resolve(self, node):
        while node[0] == "ref":
            name = node[1]
            node = self.rules[name] if name in self.rules else PRELUDE[name]
        return node

    def variants(self, group):
        """Every way to read a group as a flat list of map/array entries: group references
        inlined, each group choice one variant per alternative, an optional (`?`) group one
        variant without it (RFC 8610 §2.2.2; a group is all or nothing)."""
        out = [[]]
        for e in group:
            t = e["type"]
            if t[0] == "groupref":
                inner = self.variants(self.rules[t[1]][1])
            elif t[0] == "gchoice":
                inner = [v for alt in t[1] for v in self.variants(alt)]
            else:
                out = [o + [e] for o in out]
                continue
            if e["occ"] == (0, 1):
                inner = [[]] + inner
            elif e["occ"] != (1, 1):
                raise ValueError("a repeated group is not supported")
            out = [o + i for o in out for i in inner]
        return out

    def members(self, group):
        """The one flat list of entries of a group without choices."""
        vs = self.variants(group)
        if len(vs) != 1:
            raise ValueError("a group with choices has no single list of members")
        return vs[0]

    def literal(self, node):
        """The single value a type stands for, or a sentinel when it is not a literal."""
        node = self.resolve(node)
        return node[1] if node[0] == "value" else _NOT_LITERAL

    # ------------------------------------------------------------------ CDDL matching
    def match(self, node, v):
        if isinstance(node, str):
            node = ("ref", node)
        node = self.resolve(node)
        k = node[0]
        if k == "prim":
            p = node[1]
            isint = isinstance(v, int) and not isinstance(v, bool)
            if p == "any":
                return True
            if p == "uint":
                return isint and 0 <= v < 1 << 64
            if p == "nint":
                return isint and -(1 << 64) <= v < 0
            if p == "int":
                return isint and -(1 << 64) <= v < 1 << 64
            if p == "bstr":
                return isinstance(v, bytes)
            if p == "tstr":
                return isinstance(v, str)
        if k == "value":
            if isinstance(v, bool) or isinstance(node[1], bool) or v is None or node[1] is None:
                return v is node[1]
            return type(v) is type(node[1]) and v == node[1]
        if k == "choice":
            return any(self.match(a, v) for a in node[1])
        if k == "range":
            lo, hi = self.literal(node[1]), self.literal(node[2])
            if not isinstance(v, int) or isinstance(v, bool):
                return False
            return lo <= v <= hi if node[3] else lo <= v < hi
        if k == "ctl":
            op, base, arg = node[1], node[2], node[3]
            if not self.match(base, v):
                return False
            if op == "size":
                n = len(v) if isinstance(v, (bytes, str)) else None
                if isinstance(v, str):
                    n = len(v.encode())
                if n is None:  # uint .size n: fits in n bytes
                    return self._in(arg, None, v)
                return self._in(arg, n, None)
            if op == "cbor":
                try:
                    inner = cbor.decode(v)
                except CborError:
                    return False
                return self.match(arg, inner)
            raise ValueError(f"control {op} not supported")
        if k == "tag":
            n, inner = node[1], node[2]
            if n in (2, 3) and isinstance(v, int) and not isinstance(v, bool):
                if (n == 2 and v >= 1 << 64) or (n == 3 and v < -(1 << 64)):
                    mag = v if n == 2 else -1 - v
                    return self.match(inner, mag.to_bytes((mag.bit_length() + 7) // 8, "big"))
                return False
            return isinstance(v, Tag) and v.number == n and self.match(inner, v.content)
        if k == "array":
            return isinstance(v, list) and any(self._match_array(m, v, 0, 0) for m in self.variants(node[1]))
        if k == "map":
            return isinstance(v, dict) and any(self._match_map(m, v) for m in self.variants(node[1]))
        if k == "group":
            raise ValueError("a group used as a type")
        raise ValueError(f"node {k}")

    def _in(self, arg, n, uintval):
        arg = self.resolve(arg)
        if uintval is not None:
            size = self.literal(arg)
            return uintval < 1 << (8 * size)
        if arg[0] == "range":
            lo, hi = self.literal(arg[1]), self.literal(arg[2])
            return lo <= n <= hi if arg[3] else lo <= n < hi
        return n == self.literal(arg)

    def _match_array(self, entries, v, ei, vi):
        if ei == len(entries):
            return vi == len(v)
        e = entries[ei]
        lo, hi = e["occ"]
        count = 0
        # greedy with backtracking
        positions = [vi]
        j = vi
        while count < hi and j < len(v) and self.match(e["type"], v[j]):
            j += 1
            count += 1
            positions.append(j)
        for c in range(len(positions) - 1, -1, -1):
            if c >= lo and self._match_array(entries, v, ei + 1, positions[c]):
                return True
        return False

    def _match_map(self, entries, v):
        counts = [0] * len(entries)
        for key, val in v.items():
            taken = False
            for i, e in enumerate(entries):
                if self.match(e["key"], key):
                    if counts[i] < e["occ"][1] and self.match(e["type"], val):
                        counts[i] += 1
                        taken = True
                        break
                    if e["cut"] or self.literal(e["key"]) is not _NOT_LITERAL:
                        return False
            if not taken:
                return False
        return all(c >= e["occ"][0] for c, e in zip(counts, entries))


_NOT_LITERAL = object()


def load(path):
    with open(path) as f:
        return Schema(f.read())
