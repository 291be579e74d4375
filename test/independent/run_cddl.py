"""Family cddl: test-vectors/cddl/schemas.json (specs/test-vectors.md §2.8): the CDDL subset of
specs/README.md §Conventions parsed strictly (CDDL_SYNTAX, CDDL_UNDEFINED_RULE,
CDDL_UNSUPPORTED_FEATURE), then items checked against a rule (CDDL_VALIDATION_FAILED)."""
import re

import cbor
import cddl

FILES = ["cddl/schemas.json"]
FORMATS = {"hemkit-cddl/v1"}
SUPPORTED_CONTROLS = {"size", "cbor"}


class Fault(Exception):
    def __init__(self, code, why=""):
        super().__init__(f"{code} {why}")
        self.code = code


def _lex_checks(text):
    """What the subset leaves out, and literals RFC 8610 Appendix B forbids, found on the text."""
    body = re.sub(r";[^\n]*", "", text)
    body = re.sub(r'"[^"]*"', '""', body)
    if re.search(r"[A-Za-z0-9_-]<", body):
        raise Fault("CDDL_UNSUPPORTED_FEATURE", "generics")
    if "$" in body:
        raise Fault("CDDL_UNSUPPORTED_FEATURE", "sockets")
    for ctl in re.findall(r"(?<![A-Za-z0-9_-])\.([a-z]+)", body):
        if ctl not in SUPPORTED_CONTROLS:
            raise Fault("CDDL_UNSUPPORTED_FEATURE", f".{ctl}")
    if re.search(r"(?<![0-9A-Za-z_.-])0[0-9]", body):
        raise Fault("CDDL_SYNTAX", "leading zero")
    for hexlit in re.findall(r"h'([^']*)'", body):
        if len(re.sub(r"\s", "", hexlit)) % 2:
            raise Fault("CDDL_SYNTAX", "odd hex")
    if re.search(r"h'", body):
        raise Fault("CDDL_UNSUPPORTED_FEATURE", "byte-string literals")


def _refs(node, out):
    if isinstance(node, tuple):
        if node[0] in ("ref", "groupref"):
            out.add(node[1])
        for x in node[1:]:
            _refs(x, out)
    elif isinstance(node, list):
        for x in node:
            _refs(x, out)
    elif isinstance(node, dict):
        for x in node.values():
            _refs(x, out)


def parse(text):
    _lex_checks(text)
    try:
        toks = cddl.tokenize(text)
    except SyntaxError as e:
        raise Fault("CDDL_SYNTAX", str(e))
    p = cddl.Parser(toks)
    names = []
    try:
        # rules one by one so that a rule defined twice is seen
        rules = {}
        while p.i < len(p.t):
            start = p.i
            one = p.rules_one()
            name = p.t[start][1]
            if name in rules:
                raise Fault("CDDL_SYNTAX", f"rule {name} twice")
            rules[name] = one
            names.append(name)
    except (SyntaxError, IndexError) as e:
        raise Fault("CDDL_SYNTAX", str(e))
    if not rules:
        raise Fault("CDDL_SYNTAX", "no rule")
    s = cddl.Schema.__new__(cddl.Schema)
    s.rules = rules
    for n, node in list(rules.items()):
        s.rules[n] = s._fix(node)
    used = set()
    _refs(list(s.rules.values()), used)
    undefined = [u for u in used if u not in s.rules and u not in cddl.PRELUDE]
    if undefined:
        raise Fault("CDDL_UNDEFINED_RULE", ",".join(sorted(undefined)))
    # a map member must have a key, unless it names a group (RFC 8610 §3.5.1)
    for node in s.rules.values():
        _members_have_keys(s, node)
    return s, names


def _map_members_have_keys(entries):
    for e in entries:
        if e["key"] is None and e["type"][0] == "gchoice":  # each alternative is a group of members
            for alt in e["type"][1]:
                _map_members_have_keys(alt)
        elif e["key"] is None and e["type"][0] != "groupref":
            raise Fault("CDDL_SYNTAX", "map member without a key")


def _members_have_keys(s, node):
    if isinstance(node, tuple):
        if node[0] == "map":
            _map_members_have_keys(node[1])
        for x in node[1:]:
            if isinstance(x, list):
                for e in x:
                    if isinstance(e, dict):
                        _members_have_keys(s, e["type"])
            else:
                _members_have_keys(s, x)


def check(v):
    try:
        s, names = parse(v["schema"])
        if "input" in v:
            rule = v.get("rule", names[0])
            if rule not in s.rules or s.rules[rule][0] == "group":
                raise Fault("CDDL_UNDEFINED_RULE", rule)
            if not s.match(("ref", rule), cbor.decode(bytes.fromhex(v["input"]))):
                raise Fault("CDDL_VALIDATION_FAILED")
    except Fault as e:
        return None if v.get("code") == e.code else f"got {e}, vector says {v['result']} {v.get('code', '')}"
    return None if v["result"] == "valid" else f"accepted, vector says {v['code']}"
