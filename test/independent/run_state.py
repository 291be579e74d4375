"""Family state: test-vectors/state/records.json (specs/test-vectors.md §2.7)."""
import hashlib

FILES = ["state/records.json"]
FORMATS = {"hemkit-state-records/v1"}
MAX64 = 2 ** 64 - 1


class Corrupt(Exception):
    pass


def read_record(data, magic, max_body):
    """The reader's checks, in the order of test-vectors.md §2.7."""
    if len(data) < 18 or data[:4] != magic or int.from_bytes(data[4:6], "big") != 1:
        raise Corrupt()
    number = int.from_bytes(data[6:14], "big")
    length = int.from_bytes(data[14:18], "big")
    if max_body is not None and length > max_body:
        raise Corrupt()
    if len(data) != 18 + length + 32 or hashlib.sha256(data[:18 + length]).digest() != data[18 + length:]:
        raise Corrupt()
    return number, data[18:18 + length]


def record(magic, number, body):
    head = magic + (1).to_bytes(2, "big") + number.to_bytes(8, "big") + len(body).to_bytes(4, "big") + body
    return head + hashlib.sha256(head).digest()


def run(v):
    op = v["operation"]
    data = bytes.fromhex(v["input"]) if "input" in v else None
    if op == "load-state":
        c = int(v["counter"])
        if data is None:
            return ({"loaded": None, "counterAfter": "0"} if c == 0 else
                    {"loaded": {"rollback": True, "reason": "state-missing", "counter": str(c)}, "counterAfter": str(c)})
        try:
            g, body = read_record(data, b"HKST", v.get("maxStateBytes"))
        except Corrupt:
            return "STATE_CORRUPT"
        if g == 0:
            return "STATE_CORRUPT"
        st = {"state": body.hex(), "generation": str(g)}
        if g == c:
            return {"loaded": {"rollback": False, **st, "recovered": False}, "counterAfter": str(c)}
        if g == c + 1:
            return {"loaded": {"rollback": False, **st, "recovered": True}, "counterAfter": str(g)}
        reason = "state-older-than-counter" if g < c else "counter-behind-state"
        return {"loaded": {"rollback": True, "reason": reason, **st, "counter": str(c)}, "counterAfter": str(c)}
    if op == "read-counter":
        if data is None:
            return {"counterValue": "0"}
        try:
            n, body = read_record(data, b"HKCT", None)
        except Corrupt:
            return "COUNTER_CORRUPT"
        return "COUNTER_CORRUPT" if body else {"counterValue": str(n)}
    if op == "commit":
        if v.get("maxStateBytes") is not None and len(data) > v["maxStateBytes"]:
            return "STATE_TOO_LARGE"
        g = int(v["counter"]) + 1
        return {"record": record(b"HKST", g, data).hex(), "generation": str(g)}
    if op == "increment":
        c, to = int(v["counter"]), int(v["to"])
        return {} if c < to <= MAX64 else "COUNTER_NOT_MONOTONIC"
    raise ValueError(op)


def check(v):
    out = run(v)
    if isinstance(out, str):
        return None if v.get("code") == out else f"got {out}, vector says {v['result']} {v.get('code', '')}"
    if v["result"] != "valid":
        return f"accepted, vector says {v['code']}"
    for k, x in out.items():
        if v.get(k) != x:
            return f"{k}: {x!r} != {v.get(k)!r}"
    return None
