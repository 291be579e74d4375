"""Family inputs: test-vectors/verifier/inputs.json (specs/test-vectors.md §2.10, verifier.md §3):
each input against its JSON Schema (a draft 2020-12 subset, enough for specs/schemas), then the
further rules of verifier.md §3; a policy's `effective` form has every default filled in."""
import json
import os
import re

import cose
from cose import CoseError

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMAS = os.path.join(HERE, "..", "..", "specs", "schemas")
FILES = ["verifier/inputs.json"]
FORMATS = {"hemkit-verifier-inputs/v1"}
KIND_SCHEMA = {"trust-anchors": "trust-anchors.schema.json", "reference-values": "reference-values.schema.json",
               "policy": "policy.schema.json"}


class Invalid(Exception):
    pass


def _type_ok(t, x):
    return {"object": isinstance(x, dict), "array": isinstance(x, list), "string": isinstance(x, str),
            "boolean": isinstance(x, bool), "null": x is None,
            "integer": (isinstance(x, int) and not isinstance(x, bool)) or (isinstance(x, float) and x.is_integer()
                                                                          and False),
            "number": isinstance(x, (int, float)) and not isinstance(x, bool)}[t]


def validate(s, x):
    """Raises Invalid; returns x with defaults of present objects filled in (draft 2020-12 subset)."""
    if "anyOf" in s:
        for alt in s["anyOf"]:
            try:
                validate(alt, x)
                break
            except Invalid:
                pass
        else:
            raise Invalid("anyOf")
    if "type" in s and not _type_ok(s["type"], x):
        raise Invalid(f"type {s['type']}")
    if "const" in s and x != s["const"]:
        raise Invalid("const")
    if "enum" in s and x not in s["enum"]:
        raise Invalid("enum")
    if isinstance(x, str):
        if len(x) < s.get("minLength", 0) or len(x) > s.get("maxLength", float("inf")):
            raise Invalid("length")
        if "pattern" in s and not re.search(s["pattern"], x):
            raise Invalid("pattern")
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        if "minimum" in s and x < s["minimum"] or "maximum" in s and x > s["maximum"]:
            raise Invalid("range")
        if "exclusiveMinimum" in s and x <= s["exclusiveMinimum"]:
            raise Invalid("range")
    if isinstance(x, list):
        if len(x) < s.get("minItems", 0):
            raise Invalid("minItems")
        if "items" in s:
            x = [validate(s["items"], i) for i in x]
    if isinstance(x, dict):
        props = s.get("properties", {})
        for r in s.get("required", []):
            if r not in x:
                raise Invalid(f"required {r}")
        out = {}
        for k, val in x.items():
            if "propertyNames" in s:
                validate(s["propertyNames"], k)
            if k in props:
                out[k] = validate(props[k], val)
            elif s.get("additionalProperties") is False:
                raise Invalid(f"unknown member {k}")
            elif isinstance(s.get("additionalProperties"), dict):
                out[k] = validate(s["additionalProperties"], val)
            else:
                out[k] = val
        for k, p in props.items():
            if k not in out and "default" in p:
                out[k] = p["default"]
        x = out
    return x


def effective_policy(schema, x):
    """verifier.md §3: licenceRules is always in the effective policy, with its own defaults."""
    if "licenceRules" not in x:
        x = dict(x, licenceRules=validate(schema["properties"]["licenceRules"], {}))
    return x


def further(kind, x):
    """verifier.md §3, the rules beyond the schemas."""
    try:
        if kind == "trust-anchors":
            for m in x["manufacturers"]:
                cose.decode_key(bytes.fromhex(m["key"]))
            for k in x["licenceIssuers"]["keys"]:
                cose.decode_key(bytes.fromhex(k))
            if x["licenceIssuers"]["threshold"] > len(x["licenceIssuers"]["keys"]):
                raise Invalid("threshold above the issuer keys")
        if kind == "reference-values":
            for m in x["models"]:
                if int(m["peakOpsPerSecond"]) > 2 ** 128 - 1:
                    raise Invalid("peak above 2^128-1")
    except CoseError as e:
        raise Invalid(e.code)


def prepare(doc):
    return {k: json.load(open(os.path.join(SCHEMAS, f))) for k, f in KIND_SCHEMA.items()}


def check(v, schemas):
    try:
        eff = validate(schemas[v["kind"]], v["input"])
        if v["kind"] == "policy":
            eff = effective_policy(schemas["policy"], eff)
        further(v["kind"], eff)
    except Invalid as e:
        return None if v.get("code") == "VERIFIER_INPUT_INVALID" else f"refused ({e}), vector says valid"
    if v["result"] != "valid":
        return f"accepted, vector says {v['code']}"
    if "effective" in v and v["effective"] != eff:
        return f"effective {eff} != {v['effective']}"
    return None
