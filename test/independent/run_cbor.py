"""Family cbor: test-vectors/cbor/decode.json (specs/test-vectors.md §2.1)."""
from cbor import decode, encode, diagnostic, CborError, DEFAULT_MAX_DEPTH, DEFAULT_MAX_INPUT, DEFAULT_TAGS


def check(vec):
    """Returns None when the implementation agrees with the vector, else a reason."""
    opts = vec.get("options", {})
    data = bytes.fromhex(vec["input"])
    try:
        v = decode(data, opts.get("maxDepth", DEFAULT_MAX_DEPTH), opts.get("maxInputBytes", DEFAULT_MAX_INPUT),
                   opts.get("allowedTags", DEFAULT_TAGS))
    except CborError as e:
        if vec["result"] == "invalid" and vec["code"] == e.code:
            return None
        return f"got {e.code}, vector says {vec['result']} {vec.get('code', '')}"
    if vec["result"] != "valid":
        return f"accepted, vector says {vec['code']}"
    if diagnostic(v) != vec["diagnostic"]:
        return f"diagnostic {diagnostic(v)} != {vec['diagnostic']}"
    if encode(v) != data:
        return "re-encoding differs"
    return None


FILES = ["cbor/decode.json"]
FORMATS = {"hemkit-cbor-decode/v1"}
