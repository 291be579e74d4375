"""Family cose: test-vectors/cose/sign1.json and sign.json (specs/test-vectors.md §2.2)."""
import cose
from cose import CoseError

FILES = ["cose/sign1.json", "cose/sign.json"]
FORMATS = {"hemkit-cose-sign1/v1", "hemkit-cose-sign/v1"}

# faultStep -> the words our error detail uses for that step (test-vectors.md §2.2)
STEP_WORDS = {"protected": "protected bucket", "unprotected": "unprotected bucket", "header-rules": "header-rules",
              "alg": "alg", "payload": "payload", "signature": "signature", "kid": "kid"}


def prepare(doc):
    return doc["keys"]


def _outcome(vec, keys):
    names = [vec["key"]] if "key" in vec else vec["keys"]
    decoded = [cose.decode_key(bytes.fromhex(keys[n]["coseKey"])) for n in names]  # step 1
    aad = bytes.fromhex(vec.get("externalAad", ""))
    det = bytes.fromhex(vec["detachedPayload"]) if "detachedPayload" in vec else None
    data = bytes.fromhex(vec["input"])
    if "key" in vec:
        s = cose.decode_sign1(data)
        return {"payload": cose.verify_sign1(s, decoded[0], aad, det).hex()}
    s = cose.decode_sign(data)
    results = []
    for i in range(len(s.signers)):
        try:
            cose.verify_signer(s, i, decoded[i], aad, det)
            results.append("valid")
        except CoseError as e:
            results.append(e.code)
    return {"signatureResults": results}


def check(vec, keys):
    try:
        out = _outcome(vec, keys)
    except CoseError as e:
        if vec["result"] == "invalid" and e.code == vec["code"] and "signatureResults" not in vec:
            step = vec.get("faultStep")
            if step and STEP_WORDS[step] not in e.detail:
                return f"right code {e.code} but at another step: {e.detail}"
            return None
        return f"got {e.code} ({e.detail}), vector says {vec['result']} {vec.get('code', '')}"
    if "signatureResults" in out:
        if out["signatureResults"] != vec.get("signatureResults"):
            return f"signatureResults {out['signatureResults']} != {vec.get('signatureResults')}"
        bad = [r for r in out["signatureResults"] if r != "valid"]
        if (vec["result"] == "valid") != (not bad) or (bad and vec.get("code") != bad[0]):
            return "result/code disagree with signatureResults"
        return None
    if vec["result"] != "valid":
        return f"verified, vector says {vec['code']}"
    if out["payload"] != vec["payload"]:
        return "payload differs"
    return None
