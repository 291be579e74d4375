"""Family messages: test-vectors/messages/*.json (specs/test-vectors.md §2.5): decode, parse as the
family (encoding.md §13 layers 4 and 5), and judge matchesRule with a CDDL matcher."""
import glob
import os

import cbor
import cddl
import schema
from cbor import CborError

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMA = cddl.load(os.path.join(HERE, "..", "..", "specs", "cddl", "hemkit.cddl"))
VALIDATOR = schema.Validator(SCHEMA)
FORMATS = {"hemkit-message/v1"}


def FILES():
    root = os.path.join(HERE, "..", "..", "test-vectors")
    return sorted("messages/" + os.path.basename(p) for p in glob.glob(os.path.join(root, "messages", "*.json")))


def prepare(doc):
    return doc["family"]


def check(vec, family):
    data = bytes.fromhex(vec["input"])
    try:
        v = cbor.decode(data)
    except CborError as e:
        return None if vec.get("code") == e.code else f"got {e.code}, vector says {vec['result']} {vec.get('code', '')}"
    matches = SCHEMA.match(vec["rule"], v)
    if matches != vec["matchesRule"]:
        return f"matchesRule {matches}, vector says {vec['matchesRule']}"
    try:
        VALIDATOR.family(family, v)
    except schema.MessageError as e:
        if vec["result"] == "invalid" and vec["code"] == e.code:
            # where the vector lists its faults, the one reported must be one of them
            faults = [f["path"] for f in vec.get("faults", []) if f["code"] == e.code]
            if faults and e.path not in faults:
                return f"right code {e.code} at {e.path}, vector's faults {faults}"
            return None
        return f"got {e.code} at {e.path} ({e}), vector says {vec['result']} {vec.get('code', '')}"
    if vec["result"] != "valid":
        return f"accepted, vector says {vec['code']}"
    if cbor.diagnostic(v) != vec["diagnostic"]:
        return f"diagnostic differs: {cbor.diagnostic(v)[:80]}"
    if cbor.encode(v) != data:
        return "re-encoding differs"
    return None
