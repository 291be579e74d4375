"""The hemkit parse of a decoded message: layer 5 of specs/encoding.md §13, driven by the CDDL of
specs/cddl/hemkit.cddl, with the v1 bounds and prose rules the CDDL cannot state."""
import re

import cose
from cddl import INF, _NOT_LITERAL

MAX53 = 2 ** 53 - 1

# encoding.md §13 layer 5 (group choices): a map of one form of a group choice that carries a key its
# counterpart in the other form lists is a mixed form, MESSAGE_INVALID_FIELD, not an unknown field
# (verifier.md §2: an entry with a receipt in a bundle with a frontier)
COUNTERPART = {"frontier-entry": "disclosed-entry"}


class MessageError(Exception):
    def __init__(self, code, path, detail=""):
        super().__init__(f"{code} at {path} {detail}")
        self.code = code
        self.path = path


def _isint(v):
    return isinstance(v, int) and not isinstance(v, bool)


# checkpoint.md §2.2: <lowercase DNS name>/hemkit/<32 lowercase hex digits>; a lowercase DNS name is
# dot-separated labels of a-z0-9-, 1-63 characters, no leading or trailing hyphen, at most 253 in all
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_ORIGIN = re.compile(rf"^(?P<domain>{_LABEL}(?:\.{_LABEL})*)/hemkit/[0-9a-f]{{32}}$")


def _origin_ok(v):
    m = _ORIGIN.match(v) if isinstance(v, str) else None
    return m is not None and len(m.group("domain")) <= 253


class Validator:
    def __init__(self, schema):
        self.s = schema

    def fail(self, code, path, detail=""):
        raise MessageError(code, list(path), detail)

    # named rules with a meaning beyond their CDDL (encoding.md §1 bounds; cose.md §7; prose)
    def special(self, name, v, path):
        if name == "counter":
            if not (_isint(v) and 0 <= v < 1 << 128):
                self.fail("MESSAGE_INVALID_FIELD", path, "counter")
            return True
        if name == "epoch-time":
            # times are 0 or later and at most 2^53-1 (hemkit.cddl §1 comment; encoding.md §1)
            if not (_isint(v) and 0 <= v <= MAX53):
                self.fail("MESSAGE_INVALID_FIELD", path, "time")
            return True
        if name == "hemkit-public-key":
            try:
                if not isinstance(v, dict):
                    raise cose.CoseError("COSE_KEY_INVALID", "not a map")
                cose.key_from_map(v)
            except cose.CoseError as e:
                self.fail("MESSAGE_INVALID_FIELD", path, f"COSE_Key: {e.detail}")
            return True
        if name == "log-origin":
            if not _origin_ok(v):
                self.fail("MESSAGE_INVALID_FIELD", path, "origin form")
            return True
        return False

    def value(self, node, v, path):
        mixed = None
        while node[0] == "ref":
            name = node[1]
            if name in COUNTERPART and mixed is None:
                mixed = {self.s.literal(e["key"]) for e in self.s.members(self.s.resolve(("ref", COUNTERPART[name]))[1])}
            if self.special(name, v, path):
                return
            if name == "uint":
                if not (_isint(v) and 0 <= v <= MAX53):
                    self.fail("MESSAGE_INVALID_FIELD", path, "uint (bounded at 2^53-1)")
                return
            if name not in self.s.rules:
                break
            node = self.s.rules[name]
        k = node[0]
        if k == "map":
            variants = self.s.variants(node[1])
            entries = variants[0] if len(variants) == 1 else self.alternative(variants, v, path)
            return self.map(entries, v, path, mixed=mixed)
        if k == "array":
            return self.array(self.s.members(node[1]), v, path)
        if k == "choice" and any(self._is_map(a) for a in node[1]):
            for a in node[1]:
                try:
                    return self.value(a, v, path)
                except MessageError:
                    pass
            self.fail("MESSAGE_INVALID_FIELD", path, "no alternative")
        if k == "ctl" and node[1] == "cbor":
            # a bstr .cbor is a byte string to this layer (encoding.md §13 layer 6)
            return self.value(node[2], v, path)
        if k == "ctl" and node[1] == "size" and self.s.resolve(node[2]) == ("prim", "uint"):
            if not self.s.match(node, v):
                self.fail("MESSAGE_INVALID_FIELD", path, "uint .size")
            return
        if not self.s.match(node, v):
            self.fail("MESSAGE_INVALID_FIELD", path, f"does not match {node!r:.60}")

    def _is_map(self, node):
        return self.s.resolve(node)[0] == "map"

    def alternative(self, variants, v, path):
        """encoding.md §13 layer 5: a map with a group choice is checked against the one alternative
        its keys select, before any entry is examined: the first alternative that lists every
        present key of those the alternatives do not all list (bundle.frontier present: the frontier
        form; absent: the receipts form)."""
        if not isinstance(v, dict):
            self.fail("MESSAGE_INVALID_FIELD", path, "not a map")
        listed = [{self.s.literal(e["key"]) for e in var} for var in variants]
        deciding = set.union(*listed) - set.intersection(*listed)
        present = {k for k in v if k in deciding}
        for var, keys in zip(variants, listed):
            if present <= keys:
                return var
        return variants[-1]

    def map(self, entries, v, path, skip_missing=False, override=None, mixed=None):
        if not isinstance(v, dict):
            self.fail("MESSAGE_INVALID_FIELD", path, "not a map")
        table = any(self.s.literal(e["key"]) is _NOT_LITERAL for e in entries)
        counts = [0] * len(entries)
        for key, val in v.items():  # encoded order (the decoder keeps it)
            for i, e in enumerate(entries):
                if self.s.match(e["key"], key):
                    break
            else:
                if mixed and key in mixed:
                    self.fail("MESSAGE_INVALID_FIELD", path + [key], "a key of the other form: forms mixed")
                # a key outside a table's key type is an invalid value; a key a record does not
                # list is an unknown field (encoding.md §13 layer 5)
                self.fail("MESSAGE_INVALID_FIELD" if table else "MESSAGE_UNKNOWN_FIELD", path + [key])
            counts[i] += 1
            if override and key in override:
                continue
            self.value(e["type"], val, path + [key])
            self.prose(e, val, path + [key])
        if not skip_missing:
            for c, e in zip(counts, entries):
                if c < e["occ"][0]:
                    lit = self.s.literal(e["key"])
                    self.fail("MESSAGE_MISSING_FIELD", path + [lit if lit is not _NOT_LITERAL else "*"])

    def prose(self, entry, val, path):
        key = entry["key"]
        if key is not None and key[0] == "ref" and key[1] == "claim.precision-classes":
            # licence.md: ascending, no duplicates
            if any(a >= b for a, b in zip(val, val[1:])):
                self.fail("MESSAGE_INVALID_FIELD", path, "precision classes not ascending")

    def array(self, entries, v, path):
        if not isinstance(v, list):
            self.fail("MESSAGE_INVALID_FIELD", path, "not an array")
        if len(entries) == 1:
            lo, hi = entries[0]["occ"]
            if not lo <= len(v) <= hi:
                self.fail("MESSAGE_INVALID_FIELD", path, "number of items")
            for i, item in enumerate(v):
                self.value(entries[0]["type"], item, path + [i])
            return
        lo = sum(e["occ"][0] for e in entries)
        hi = sum(e["occ"][1] for e in entries)
        if not lo <= len(v) <= hi:
            self.fail("MESSAGE_INVALID_FIELD", path, "number of items")
        for i, item in enumerate(v):
            self.value(entries[i]["type"], item, path + [i])

    # ------------------------------------------------------------------ families
    def family(self, rule, v):
        if rule == "log-entry":
            return self.log_entry(v)
        if rule == "module-request":
            return self.module(v, request=True)
        if rule == "module-response":
            return self.module(v, request=False)
        return self.value(("ref", rule), v, [])

    def _alternatives(self, rule):
        return [a[1] for a in self.s.rules[rule][1]]

    def _member(self, rule, key):
        for e in self.s.members(self.s.resolve(("ref", rule))[1]):
            if self.s.literal(e["key"]) == key:
                return e
        return None

    def log_entry(self, v):
        """encoding.md §13: entry.kind is read first and selects the schema."""
        if not isinstance(v, dict):
            self.fail("MESSAGE_INVALID_FIELD", [], "not a map")
        if 4 not in v:
            self.fail("MESSAGE_MISSING_FIELD", [4])
        for alt in self._alternatives("log-entry"):
            if self.s.match(self._member(alt, 4)["type"], v[4]):
                return self.value(("ref", alt), v, [])
        self.fail("MESSAGE_INVALID_FIELD", [4], "unknown kind")

    def module(self, v, request):
        """encoding.md §13: the envelope first (missing fields included), then params/result."""
        if not isinstance(v, dict):
            self.fail("MESSAGE_INVALID_FIELD", [], "not a map")
        content_key = 3 if request else 5
        if not request and v.get(4) == 1 and _isint(v.get(4)):
            return self.value(("ref", "module-error-response"), v, [])
        rule = None
        for alt in self._alternatives("module-request" if request else "module-response"):
            if alt == "module-error-response":
                continue
            if self.s.match(self._member(alt, 1)["type"], v.get(1)):
                rule = alt
        if rule is None:
            # no command this receiver knows: the envelope alone, its command refused in turn
            entries = self.s.members(self.s.resolve(("ref", "module-request" if request else "manufacture-response"))[1]) \
                if not request else self.s.members(self.s.resolve(("ref", "manufacture-request"))[1])
            entries = [dict(e, type=("ref", "command-id")) if self.s.literal(e["key"]) == 1 else
                       dict(e, type=("ref", "any")) if self.s.literal(e["key"]) == content_key else e
                       for e in entries]
            return self.map(entries, v, [])
        entries = self.s.members(self.s.resolve(("ref", rule))[1])
        self.map(entries, v, [], override={content_key})
        if content_key in v:
            e = [e for e in entries if self.s.literal(e["key"]) == content_key][0]
            self.value(e["type"], v[content_key], [content_key])
