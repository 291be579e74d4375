"""Family crypto: test-vectors/crypto/keys.json (specs/test-vectors.md §2.3)."""
import signing

FILES = ["crypto/keys.json"]
FORMATS = {"hemkit-crypto-keys/v1"}


def check(v):
    priv = bytes.fromhex(v["privateKey"])
    try:
        if v["operation"] == "public-key":
            got = {"publicKey": signing.public_key(v["scheme"], priv).hex()}
        else:
            got = {"signature": signing.sign(v["scheme"], priv, bytes.fromhex(v["message"])).hex()}
    except signing.KeyError_ as e:
        return None if v.get("code") == e.code else f"got {e.code}, vector says {v['result']}"
    if v["result"] != "valid":
        return f"accepted, vector says {v['code']}"
    for k, x in got.items():
        if v[k] != x:
            return f"{k} differs"
    return None
