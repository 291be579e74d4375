"""Family cose: test-vectors/cose/sign1.json and sign.json (specs/test-vectors.md §2.2)."""
import cbor
import cose
import signing
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
        out = {"payload": cose.verify_sign1(s, decoded[0], aad, det).hex()}
        k = keys[vec["key"]]
        if "privateKey" in k and not vec["id"].endswith("high-s"):
            # test-vectors.md §2.2: re-signing gives the very signature in the file
            tbs = cbor.encode(["Signature1", s.protected.raw, aad, bytes.fromhex(out["payload"])])
            if signing.sign(k["scheme"], bytes.fromhex(k["privateKey"]), tbs) != s.signature:
                out["resign"] = "differs"
        return out
    s = cose.decode_sign(data)
    results = []
    for i in range(len(s.signers)):
        try:
            payload = cose.verify_signer(s, i, decoded[i], aad, det)
            results.append("valid")
            k = keys[names[i]]
            if "privateKey" in k:
                tbs = cbor.encode(["Signature", s.protected.raw, s.signers[i].protected.raw, aad, payload])
                if signing.sign(k["scheme"], bytes.fromhex(k["privateKey"]), tbs) != s.signers[i].signature:
                    results[-1] = "re-signing differs"
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
    if "resign" in out:
        return "re-signing with the file's private key does not give the signature"
    return None
