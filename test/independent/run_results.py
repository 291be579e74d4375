"""Family results: test-vectors/verifier/attestation-results.json (specs/test-vectors.md §2.13,
messages/attestation-result.md): make the claims, the signed result and the JSON form of stated
appraisals, and read the `received` results as a relying party (§1.2)."""
import base64

import cbor
import cose
import run_messages
import signing
from cbor import CborError
from cose import CoseError

FILES = ["verifier/attestation-results.json"]
FORMATS = {"hemkit-attestation-result/v1"}
PROFILE = "tag:ietf.org,2026:rats/ear#04"
TYP = "application/vnd.hemkit.appraisal-result+cbor"
TIERS = {"none": 0, "affirming": 2, "warning": 32, "contraindicated": 96}
TIER_NAMES = {v: k for k, v in TIERS.items()}
LABELS = {"instance-identity": 0, "configuration": 1, "executables": 2, "file-system": 3, "hardware": 4,
          "runtime-opaque": 5, "storage-opaque": 6, "sourced-data": 7}
OUTCOMES = {"pass": 0, "fail": 1, "not-applicable": 2, "not-run": 3}
SCHEMA = run_messages.SCHEMA


class Refused(Exception):
    def __init__(self, code):
        super().__init__(code)
        self.code = code


def b64url(b):
    return base64.urlsafe_b64encode(b).decode().rstrip("=")


def make(doc, v):
    """§1, §1.1: the claims, the COSE_Sign1 and the JSON form, or VERIFIER_INPUT_INVALID."""
    terms, iat = v["terms"], v["issuedAt"]
    max_age = terms.get("maxAgeSeconds", 600)
    if isinstance(max_age, bool) or not isinstance(max_age, int) or max_age < 0:
        raise Refused("VERIFIER_INPUT_INVALID")
    exp = terms.get("expiresAt", iat + max_age)
    if exp < iat or terms.get("audience") == "":
        raise Refused("VERIFIER_INPUT_INVALID")
    subs, jsubs = {}, {}
    for a in v["appraisals"]:
        name = a["ueid"] if a["ueid"] is not None else "unidentified"
        if name in subs:
            raise Refused("VERIFIER_INPUT_INVALID")
        tv = sorted((LABELS[k], k, x) for k, x in a["trustworthinessVector"].items())
        sub = {1000: TIERS[a["status"]], 1001: {label: x for label, _, x in tv}, 1003: [terms["policyId"]]}
        jsub = {"ear_status": a["status"], "ear_trustworthiness_vector": {k: x for _, k, x in tv},
                "ear_appraisal_policy_ids": [terms["policyId"]]}
        if a["nonce"] is not None:
            sub[10] = bytes.fromhex(a["nonce"])
            jsub["eat_nonce"] = b64url(sub[10])
        checks = []
        for c in a["checks"]:
            e = {1: c["id"], 2: OUTCOMES[c["status"]]}
            if "code" in c:
                e[3] = c["code"]
            e[4] = c["message"]
            checks.append(e)
        sub[-72049] = checks
        jsub["hemkit.checks"] = [dict(c) for c in a["checks"]]
        subs[name], jsubs[name] = sub, jsub
    ver = doc["verifier"]
    claims = {265: PROFILE, 6: iat, 4: exp, 1004: {0: ver["developer"], 1: ver["build"]}, 266: subs}
    j = {"eat_profile": PROFILE, "iat": iat, "exp": exp}
    if "audience" in terms:
        claims[3] = terms["audience"]
        j["aud"] = terms["audience"]
    j["ear_verifier_id"] = {"developer": ver["developer"], "build": ver["build"]}
    j["submods"] = jsubs
    payload = cbor.encode(claims)
    key = doc["verifierKey"]
    pub = cose.decode_key(bytes.fromhex(key["coseKey"]))
    prot = cbor.encode({1: -8, 4: cose.thumbprint(pub), 16: TYP})
    sig = signing.sign(key["scheme"], bytes.fromhex(key["privateKey"]), cbor.encode(["Signature1", prot, b"", payload]))
    signed = cbor.encode(cbor.Tag(18, [prot, {}, payload, sig]))
    return {"claims": payload.hex(), "signed": signed.hex(), "json": j}


def receive(doc, r):
    """§1.2 steps 1-6 for a relying party holding the file's verifier key."""
    key = cose.decode_key(bytes.fromhex(doc["verifierKey"]["coseKey"]))
    try:
        s = cose.decode_sign1(bytes.fromhex(r["signed"]))
        cose.check_typ(s.protected.map, s.unprotected, TYP)
        payload = cose.verify_sign1(s, key)
    except CoseError as e:
        raise Refused(e.code)
    try:
        c = cbor.decode(payload, allowed_tags=())
    except CborError as e:
        raise Refused(e.code)
    if not isinstance(c, dict):  # attestation-result.md §1.2 step 2: no map, no claims to look in
        raise Refused("RESULT_MALFORMED")
    if c.get(265) != PROFILE:  # absent, not text or another profile: step 2, before step 3
        raise Refused("RESULT_PROFILE_UNSUPPORTED")
    if not SCHEMA.match("ear-claims", c) or c[4] < c[6]:
        raise Refused("RESULT_MALFORMED")
    if r["now"] > c[4]:
        raise Refused("RESULT_EXPIRED")
    if 3 in c and c[3] != r["audience"]:
        raise Refused("RESULT_WRONG_AUDIENCE")
    apps = {}
    for name, a in c[266].items():
        apps[name] = {"status": TIER_NAMES[a[1000]],
                      "trustworthinessVector": {str(k): x for k, x in sorted(a.get(1001, {}).items()) if 0 <= k <= 7}}
    return {"issuedAt": c[6], "expiresAt": c[4], "audience": c.get(3), "appraisals": apps}


def prepare(doc):
    return doc


def _compare(vec, fn):
    try:
        out = fn()
    except Refused as e:
        return None if vec.get("code") == e.code else f"refused {e.code}, vector says {vec['result']} {vec.get('code', '')}"
    if vec["result"] != "valid":
        return f"accepted, vector says {vec['code']}"
    for k, x in out.items():
        if vec[k] != x:
            return f"{k} differs"
    return None


def items(doc):
    """The vectors, then the `received` entries (each one counted)."""
    return list(doc["vectors"]) + [dict(r, received=True) for r in doc["received"]]


def check(vec, doc):
    if vec.get("received"):
        return _compare(vec, lambda: {"read": receive(doc, vec)})
    return _compare(vec, lambda: make(doc, vec))
