"""Family module: test-vectors/module/session-*.json (specs/test-vectors.md §2.12), checked in part.

Not a byte-for-byte replay of the module (that needs the whole firmware of module-commands.md).
What is checked, from the spec alone, for every step of every session:
- each request parses as a module-request and each response as a module-response (encoding.md §13
  layers 4-5), and the response carries the step's `expect` (status 0, or the error code);
- the module's random stream (test-vectors.md §2.12): the UEID of manufacture, the chip challenge of
  request-licence and the salt of run-workload are the stream's next draws;
- key derivation (keys.md §3): the device identity key from the UDS, every attestation key from the
  UDS and the measurement its certificate names, the log key and log id in the log-key certificate;
- the certificates verify under the keys the chain gives (keys.md §2), and every note verifies;
- `logEntries` parse as log entries and are indexed 0, 1, 2, ...
- read-entries (module-commands.md §3.1): the entries are the log's from `start` on (the final
  `logEntries`: the log is append-only), at least one, at most 1024 and at most `end` - `start`, the
  longest run within the 1 000 000-byte budget; the frontier is F(start) of merkle.md §9, computed
  here from the log's first `start` entries.
"""
import glob
import hashlib
import hmac
import os

import cbor
import cose
import ed25519
import evidence
import merkle
import run_messages
import schema
import signing

HERE = os.path.dirname(os.path.abspath(__file__))
FORMATS = {"hemkit-module-session/v1"}
V = run_messages.VALIDATOR
CURVE_OF_ALG = {-8: "ed25519", -19: "ed25519", -7: "p256-sha256", -9: "p256-sha256", -35: "p384-sha384",
                -51: "p384-sha384"}


def FILES():
    root = os.path.join(HERE, "..", "..", "test-vectors")
    return sorted("module/" + os.path.basename(p) for p in glob.glob(os.path.join(root, "module", "session-*.json")))


def items(doc):
    """Every step of the session in order, then its final log; one replay state per file."""
    v = doc["vector"]
    st = Session(v)
    return [dict(s, id=f"{v['id']}/step-{i}", _session=v, _state=st, _i=i) for i, s in enumerate(v["steps"])] + \
        [dict(id=f"{v['id']}/log", _session=v, _state=st, _log=True)]


class Stream:
    """test-vectors.md §2.12: block i = SHA-256(UTF-8(seed) || LE32(i))."""
    def __init__(self, seed):
        self.seed, self.i = seed.encode(), 0

    def draw(self, n):
        out = b""
        for _ in range((n + 31) // 32):
            out += hashlib.sha256(self.seed + self.i.to_bytes(4, "little")).digest()
            self.i += 1
        return out[:n]


def _hkdf_extract(salt, ikm):
    return hmac.new(salt, ikm, hashlib.sha256).digest()


def _hkdf_expand(prk, info, n):
    """RFC 5869 §2.3: T(i) = HMAC(PRK, T(i-1) || info || i)."""
    out, t, c = b"", b"", 1
    while len(out) < n:
        t = hmac.new(prk, t + info + bytes([c]), hashlib.sha256).digest()
        out += t
        c += 1
    return out[:n]


def _public(scheme, seed_bytes):
    if scheme == "ed25519":
        return signing.ed25519_public(seed_bytes)
    curve = signing.CURVES[scheme]
    c = int.from_bytes(seed_bytes, "big")
    d = c % (curve.n - 1) + 1  # keys.md §3, FIPS 186-5 A.2.1
    return signing.ecdsa_public(curve, d.to_bytes(curve.size, "big"))


def derive(uds, scheme, fw=None, label=b"hemkit/v1/key/device-identity"):
    length = {"ed25519": 32, "p256-sha256": 40, "p384-sha384": 56}[scheme]
    if fw is None:
        prk = _hkdf_extract(b"hemkit/v1/dice/device-id", uds)
    else:
        prk = _hkdf_extract(fw, uds)
    return _public(scheme, _hkdf_expand(prk, label, length))


def _raw(key):
    return key[-2] if key["curve"] == "Ed25519" else b"\x04" + key[-2] + key[-3]


class Session:
    def __init__(self, v):
        self.stream = Stream(v["setup"]["randomSeed"])
        self.uds = self.scheme = self.device_key = None
        self.domain = "hemkit.invalid"
        self.provisioned = False


def _check_ak_cert(st, data):
    s, c = evidence._signed(data, evidence.TYP["ak"], "attestation-key-certificate-claims", V)
    cose.verify_sign1(s, st.device_key)
    key = cose.key_from_map(c[8][1])
    want = derive(st.uds, st.scheme, fw=c[-72034][1], label=b"hemkit/v1/key/attestation")
    if _raw(key) != want:
        raise AssertionError("attestation key is not derived from the UDS and the measurement (keys.md §3)")


READ_BOUND, READ_BUDGET = 1024, 1_000_000  # module-commands.md §3.1


def frontier(entries):
    """merkle.md §9: F(s), the MTH of the perfect subtrees of the first s entries, one per set bit of s,
    largest first."""
    out, offset, s = [], 0, len(entries)
    for bit in reversed(range(s.bit_length())):
        if s >> bit & 1:
            out.append(merkle.mth(entries[offset:offset + (1 << bit)]))
            offset += 1 << bit
    return out


def _check_read(v, params, result):
    start, end = params[1], params[2]
    got, log = result[1], [bytes.fromhex(h) for h in v["logEntries"]]
    if not 1 <= len(got) <= min(READ_BOUND, end - start):
        return f"{len(got)} entries for the range [{start}, {end})"
    if got != log[start:start + len(got)]:
        return "the entries are not the log's from start on"
    if len(got) > 1 and sum(map(len, got)) > READ_BUDGET:
        return "the entries pass the byte budget"
    if len(got) < end - start and sum(map(len, got)) + len(log[start + len(got)]) <= READ_BUDGET:
        return "fewer entries than the byte budget allows"
    if result[2] != frontier(log[:start]):
        return "the frontier is not F(start) (merkle.md §9)"
    return None


def check(step, _doc):
    v, st = step["_session"], step["_state"]
    if step.get("_log"):
        for i, h in enumerate(v["logEntries"]):
            e = cbor.decode(bytes.fromhex(h), allowed_tags=())
            V.family("log-entry", e)
            if e[1] != i:
                return f"log entry {i} has index {e[1]}"
        return None
    if "event" in step:
        return None
    try:
        req = cbor.decode(bytes.fromhex(step["request"]))
        req_fault = None
        try:
            V.family("module-request", req)
        except schema.MessageError as e:
            req_fault = e.code
        resp = cbor.decode(bytes.fromhex(step["response"]))
        V.family("module-response", resp)
    except (cbor.CborError, schema.MessageError) as e:
        return f"step {step['_i']}: {e}"
    exp = step["expect"]
    got = "ok" if resp.get(4) == 0 else resp[6][1]
    if got != exp:
        return f"step {step['_i']}: response carries {got}, expect {exp}"
    if req_fault and req_fault != exp:
        return f"step {step['_i']}: the request parses as {req_fault}, expect {exp}"
    if exp != "ok":
        if step["command"] == "runWorkload" and exp.startswith("WORKLOAD_"):
            st.stream.draw(32)  # the salt is drawn before any licence check (test-vectors.md §2.12)
        return None
    cmd, params, result = step["command"], req.get(3, {}), resp.get(5)
    try:
        if cmd == "manufacture":
            st.uds = params[1] if 1 in params else st.stream.draw(32)
            st.scheme = CURVE_OF_ALG[params.get(3, -8)]
            if result[1] != b"\x01" + st.stream.draw(16):
                return f"step {step['_i']}: the UEID is not 0x01 || the stream's next 16 bytes"
            st.device_key = cose.key_from_map(result[2])
            if _raw(st.device_key) != derive(st.uds, st.scheme):
                return f"step {step['_i']}: the device identity key is not derived from the UDS (keys.md §3)"
        elif cmd == "provision":
            st.domain = params.get(7, "hemkit.invalid")
            _check_ak_cert(st, result[1])
        elif cmd == "attest":
            _check_ak_cert(st, result[2])
        elif cmd == "requestLicence":
            s, c = evidence._signed(result[1], "application/vnd.hemkit.licence-request+cbor",
                                    "licence-request-claims", V)
            if c[-72022] != st.stream.draw(32):
                return f"step {step['_i']}: the chip challenge is not the stream's next 32 bytes"
        elif cmd == "runWorkload":
            salt = st.stream.draw(32)
            if 1 in result and result[1] != salt:
                return f"step {step['_i']}: the salt is not the stream's next 32 bytes"
        elif cmd == "readEntries":
            fault = _check_read(v, params, result)
            if fault:
                return f"step {step['_i']} (readEntries): {fault}"
        elif cmd == "checkpoint":
            s, c = evidence._signed(result[3], evidence.TYP["log-key"], "log-key-certificate-claims", V)
            cose.verify_sign1(s, st.device_key)
            prk = _hkdf_extract(b"hemkit/v1/dice/device-id", st.uds)
            log_pub = signing.ed25519_public(_hkdf_expand(prk, b"hemkit/v1/key/log", 32))
            origin = st.domain + "/hemkit/" + _hkdf_expand(prk, b"hemkit/v1/log-id", 16).hex()
            if cose.key_from_map(c[8][1])[-2] != log_pub or c[-72035] != origin:
                return f"step {step['_i']}: log key or origin not derived as keys.md §3 and checkpoint.md §2.2 say"
            text, size, root, sigs = evidence._parse_note(result[2])
            key_id = hashlib.sha256(origin.encode() + b"\x0a\x01" + log_pub).digest()[:4]
            if not any(n == origin and b[:4] == key_id and ed25519.verify(log_pub, text.encode(), b[4:])
                       for n, b in sigs):
                return f"step {step['_i']}: the note does not verify under the log key"
    except (cose.CoseError, evidence.Fail, AssertionError, KeyError) as e:
        return f"step {step['_i']} ({cmd}): {type(e).__name__} {e}"
    return None


def prepare(doc):
    return doc
