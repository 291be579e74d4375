"""COSE_Sign1 / COSE_Sign decoding and verification under specs/cose.md, in the layer and step
order of specs/encoding.md §13 (layers 1-3 and, for families, step 9).
"""
import hashlib

import cbor
import ecdsa
import ed25519
from cbor import CborError, Tag


class CoseError(Exception):
    def __init__(self, code, detail=""):
        super().__init__(f"{code} {detail}")
        self.code = code
        self.detail = detail


# cose.md §3: alg -> (scheme, curve name)
ALGS = {-8: ("ed25519", "Ed25519"), -19: ("ed25519", "Ed25519"), -7: ("p256", "P-256"), -9: ("p256", "P-256"),
        -35: ("p384", "P-384"), -51: ("p384", "P-384")}
UNDERSTOOD_LABELS = {1, 2, 3, 4, 16}  # cose.md §4 rule 4
KEY_ALGS = {"Ed25519": {-8, -19}, "P-256": {-7, -9}, "P-384": {-35, -51}}


# ---------------------------------------------------------------------------- keys (cose.md §7)

def thumbprint(key):
    """RFC 9679 COSE Key Thumbprint, SHA-256 (cose.md §7.1)."""
    m = {1: key[1], -1: key[-1], -2: key[-2]}
    if key[1] == 2:
        m[-3] = key[-3]
    return hashlib.sha256(cbor.encode(m)).digest()


def key_from_map(m):
    """Structural checks of cose.md §7 on a decoded map; returns a key dict or raises
    COSE_KEY_INVALID. Shapes: the closed maps okp-ed25519-key / ec2-p256-key / ec2-p384-key."""
    def bad(why):
        raise CoseError("COSE_KEY_INVALID", why)
    if not isinstance(m, dict):
        bad("not a map")
    kty = m.get(1)
    if kty == 1:
        if m.get(-1) != 6 or isinstance(m.get(-1), bool):
            bad("OKP crv is not 6")
        allowed = {1, -1, -2, 2, 3, 4}
        size, curve = 32, "Ed25519"
    elif kty == 2:
        crv = m.get(-1)
        if crv == 1 and not isinstance(crv, bool):
            size, curve = 32, "P-256"
        elif crv == 2 and not isinstance(crv, bool):
            size, curve = 48, "P-384"
        else:
            bad("EC2 crv")
        allowed = {1, -1, -2, -3, 2, 3, 4}
    else:
        bad("kty")
    for label in m:
        if label not in allowed:
            bad(f"parameter {label} not allowed")
    x = m.get(-2)
    if not isinstance(x, bytes) or len(x) != size:
        bad("x")
    if kty == 2:
        y = m.get(-3)
        if not isinstance(y, bytes) or len(y) != size:
            bad("y (compressed or wrong length)")
    if 3 in m:
        # cose.md §7 "alg in a key": an integer naming an alg of the key's own curve, else invalid
        a = m[3]
        if isinstance(a, bool) or not isinstance(a, int) or a not in KEY_ALGS[curve]:
            bad("key alg is not an alg of its curve")
    if 4 in m:
        ops = m[4]
        if not isinstance(ops, list) or not ops or any(isinstance(o, bool) or not isinstance(o, (int, str)) for o in ops):
            bad("key_ops")
        if 2 not in [o for o in ops if isinstance(o, int)]:
            bad("key_ops lacks verify")
    key = dict(m)
    key["curve"] = curve
    if 2 in m:  # cose.md §7.1: a carried kid is the thumbprint, else COSE_KEY_INVALID
        if not isinstance(m[2], bytes) or m[2] != thumbprint(m):
            bad("kid is not the thumbprint")
    return key


def decode_key(data):
    try:
        m = cbor.decode(data, allowed_tags=())
    except CborError as e:
        raise CoseError("COSE_KEY_INVALID", e.code)
    return key_from_map(m)


def key_material_valid(key):
    if key["curve"] == "Ed25519":
        return ed25519.valid_public_key(key[-2])
    curve = ecdsa.P256 if key["curve"] == "P-256" else ecdsa.P384
    return curve.on_curve((int.from_bytes(key[-2], "big"), int.from_bytes(key[-3], "big")))


def verify_raw(key, alg, tbs, sig):
    """Layer 3 for one signature after the payload is resolved (encoding.md §13)."""
    scheme, curve = ALGS[alg]
    if key["curve"] != curve:
        raise CoseError("COSE_KEY_ALG_MISMATCH", "curve")
    if 3 in key and key[3] != alg:
        raise CoseError("COSE_KEY_ALG_MISMATCH", "key alg")
    if not key_material_valid(key):
        raise CoseError("CRYPTO_INVALID_PUBLIC_KEY")
    memo = (curve, key[-2], key.get(-3), tbs, sig)
    ok = _VERIFIED.get(memo)
    if ok is None:
        if curve == "Ed25519":
            ok = ed25519.verify(key[-2], tbs, sig)
        else:
            c = ecdsa.P256 if curve == "P-256" else ecdsa.P384
            ok = c.verify(b"\x04" + key[-2] + key[-3], tbs, sig)
        # a verification is a function of key, to-be-signed bytes and signature (receipts.md §4 lets a
        # verifier skip a repeated one); remembering it keeps the pure-Python run short
        _VERIFIED[memo] = ok
    if not ok:
        raise CoseError("COSE_SIGNATURE_INVALID")


_VERIFIED = {}


# ---------------------------------------------------------------------------- structure (§13 layer 2)

class Bucket:
    def __init__(self, raw, hdr):
        self.raw = raw  # as carried (Sig_structure uses it, cose.md §5)
        self.map = hdr


def _protected(b, step):
    """Step 3: a byte string that is empty or decodes, with no tags, to a map (cose.md §4 rule 1)."""
    if not isinstance(b, bytes):
        raise CoseError("COSE_MALFORMED", f"{step}: protected bucket is not a byte string")
    if b == b"":
        return Bucket(b, {})
    try:
        m = cbor.decode(b, allowed_tags=())
    except CborError as e:
        raise CoseError("COSE_MALFORMED", f"{step}: protected bucket {e.code}")
    if not isinstance(m, dict):
        raise CoseError("COSE_MALFORMED", f"{step}: protected bucket is not a map")
    if m == {}:
        return Bucket(b"", {})  # h'a0' is the empty header; Sig_structure uses h'' (cose.md §5)
    return Bucket(b, m)


def _is_label(x):
    return (isinstance(x, int) and not isinstance(x, bool)) or isinstance(x, str)


def _header_rules(prot, unprot):
    """Step 5."""
    for label in unprot:
        if label in prot:
            raise CoseError("COSE_DUPLICATE_HEADER", f"header-rules: label {label}")
    if 2 in unprot:
        raise CoseError("COSE_MALFORMED", "header-rules: crit in the unprotected bucket")
    if 2 in prot:
        crit = prot[2]
        if not isinstance(crit, list) or not crit:
            raise CoseError("COSE_MALFORMED", "crit is not a non-empty array")
        for label in crit:
            if not _is_label(label):
                raise CoseError("COSE_MALFORMED", "crit label type")
            if label not in prot:
                raise CoseError("COSE_MALFORMED", "crit label absent from the protected bucket")
            if label not in UNDERSTOOD_LABELS:
                raise CoseError("COSE_UNKNOWN_CRITICAL_HEADER", f"label {label}")


def _alg(prot):
    """Step 6."""
    if 1 not in prot:
        raise CoseError("COSE_MISSING_ALG")
    alg = prot[1]
    if isinstance(alg, bool) or not isinstance(alg, (int, str)):
        raise CoseError("COSE_MALFORMED", "alg type")  # cose.md §4 rule 5; encoding.md §13 step 6
    if alg not in ALGS or isinstance(alg, str):
        raise CoseError("COSE_UNSUPPORTED_ALG", f"alg {alg!r}")
    return alg


def _kid(prot, unprot):
    """Step 8."""
    for m in (prot, unprot):
        if 4 in m and not isinstance(m[4], bytes):
            raise CoseError("COSE_MALFORMED", "kid is not a byte string")


def _layer1(data, tag, allowed_tags=None):
    allowed = {tag} if allowed_tags is None else allowed_tags
    try:
        v = cbor.decode(data, allowed_tags=allowed)
    except CborError as e:
        if e.code == "CBOR_TAG_NOT_ALLOWED" and e.offset == 0:
            raise CoseError("COSE_UNEXPECTED_TAG", "first item's tag")
        raise CoseError(e.code, "layer 1")
    if not isinstance(v, Tag) or v.number != tag:
        raise CoseError("COSE_UNEXPECTED_TAG")
    return v.content


class Sign1:
    pass


def decode_sign1(data, allowed_tags=None):
    arr = _layer1(data, 18, allowed_tags)
    if not isinstance(arr, list) or len(arr) != 4:
        raise CoseError("COSE_MALFORMED", "not an array of 4")
    prot = _protected(arr[0], "protected")
    if not isinstance(arr[1], dict):
        raise CoseError("COSE_MALFORMED", "unprotected bucket is not a map")
    unprot = arr[1]
    _header_rules(prot.map, unprot)
    alg = _alg(prot.map)
    if not (arr[2] is None or isinstance(arr[2], bytes)):
        raise CoseError("COSE_MALFORMED", "payload")
    if not isinstance(arr[3], bytes):
        raise CoseError("COSE_MALFORMED", "signature")
    _kid(prot.map, unprot)
    s = Sign1()
    s.protected, s.unprotected, s.alg, s.payload, s.signature = prot, unprot, alg, arr[2], arr[3]
    return s


class Signer:
    pass


class Sign:
    pass


def decode_sign(data, allowed_tags=None):
    arr = _layer1(data, 98, allowed_tags)
    if not isinstance(arr, list) or len(arr) != 4:
        raise CoseError("COSE_MALFORMED", "not an array of 4")
    prot = _protected(arr[0], "protected")
    if not isinstance(arr[1], dict):
        raise CoseError("COSE_MALFORMED", "unprotected bucket is not a map")
    _header_rules(prot.map, arr[1])
    sigs = arr[3]
    if not isinstance(sigs, list):
        raise CoseError("COSE_MALFORMED", "signatures is not an array")
    if not sigs:
        raise CoseError("COSE_NO_SIGNERS")
    if not (arr[2] is None or isinstance(arr[2], bytes)):
        raise CoseError("COSE_MALFORMED", "payload")
    signers = []
    for cs in sigs:
        if not isinstance(cs, list) or len(cs) != 3:
            raise CoseError("COSE_MALFORMED", "COSE_Signature is not an array of 3")
        sp = _protected(cs[0], "signer protected")
        if not isinstance(cs[1], dict):
            raise CoseError("COSE_MALFORMED", "signer unprotected bucket is not a map")
        if not isinstance(cs[2], bytes):
            raise CoseError("COSE_MALFORMED", "signer signature")
        _header_rules(sp.map, cs[1])
        alg = _alg(sp.map)
        _kid(sp.map, cs[1])
        sg = Signer()
        sg.protected, sg.unprotected, sg.alg, sg.signature = sp, cs[1], alg, cs[2]
        signers.append(sg)
    s = Sign()
    s.protected, s.unprotected, s.payload, s.signers = prot, arr[1], arr[2], signers
    return s


def check_typ(prot, unprot, expected):
    """Step 9 (encoding.md §13; cose.md §7.2)."""
    if 16 in unprot:
        raise CoseError("COSE_MALFORMED", "typ in the unprotected bucket")
    if 16 in prot:
        t = prot[16]
        ok = (isinstance(t, str) and t != "") or (isinstance(t, int) and not isinstance(t, bool) and 0 <= t < 65536)
        if not ok:
            raise CoseError("COSE_MALFORMED", "typ form")
    if prot.get(16) != expected or not isinstance(prot.get(16), str):
        raise CoseError("COSE_TYPE_MISMATCH", f"typ {prot.get(16)!r}")


def resolve_payload(payload, detached):
    if payload is None:
        if detached is None:
            raise CoseError("COSE_PAYLOAD_MISSING", "nil payload, none supplied")
        return detached
    if detached is not None:
        raise CoseError("COSE_PAYLOAD_MISSING", "payload attached and supplied")
    return payload


def verify_sign1(s, key, external_aad=b"", detached=None):
    payload = resolve_payload(s.payload, detached)
    tbs = cbor.encode(["Signature1", s.protected.raw, external_aad, payload])
    verify_raw(key, s.alg, tbs, s.signature)
    return payload


def verify_signer(s, i, key, external_aad=b"", detached=None):
    payload = resolve_payload(s.payload, detached)
    sg = s.signers[i]
    tbs = cbor.encode(["Signature", s.protected.raw, sg.protected.raw, external_aad, payload])
    verify_raw(key, sg.alg, tbs, sg.signature)
    return payload
