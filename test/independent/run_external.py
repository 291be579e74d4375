"""Family external: others' vectors in test-vectors/external/ (specs/test-vectors.md §3): Wycheproof
ECDSA and Ed25519 verification, and transparency-dev/merkle inclusion, consistency and subtree-inclusion probes.
Where hemkit's profile deliberately answers otherwise, the rule of specs/merkle.md that decides it is
named in DELIBERATE; any other difference is a disagreement."""
import base64
import glob
import json
import os

import ecdsa
import ed25519
import merkle

HERE = os.path.dirname(os.path.abspath(__file__))
EXT = os.path.join(HERE, "..", "..", "test-vectors", "external")
FORMATS = {"external"}


def FILES():
    return ["external"]


def _wycheproof():
    for name, curve in (("ecdsa_secp256r1_sha256_p1363_test.json", ecdsa.P256),
                        ("ecdsa_secp384r1_sha384_p1363_test.json", ecdsa.P384)):
        d = json.load(open(os.path.join(EXT, "wycheproof", name)))
        for g in d["testGroups"]:
            pub = bytes.fromhex(g["publicKey"]["uncompressed"])
            for t in g["tests"]:
                yield (f"wycheproof/{name}#{t['tcId']}", "ecdsa", curve, pub, t)


def _wycheproof_ed25519():
    d = json.load(open(os.path.join(EXT, "wycheproof", "ed25519_test.json")))
    for g in d["testGroups"]:
        pub = bytes.fromhex(g["publicKey"]["pk"])
        for t in g["tests"]:
            yield (f"wycheproof/ed25519_test.json#{t['tcId']}", "ed25519", None, pub, t)


def _b(x):
    return base64.b64decode(x) if x is not None else b""


def _probe(kind, d):
    proof = [_b(p) for p in (d.get("proof") or [])]
    if kind == "inclusion":
        merkle.verify_inclusion(d["leafIdx"], d["treeSize"], _b(d["leafHash"]), proof, _b(d["root"]))
    elif kind == "consistency":
        merkle.verify_consistency(d["size1"], d["size2"], _b(d["root1"]), _b(d["root2"]), proof)
    else:
        merkle.verify_subtree_inclusion(d["leafIdx"], d["start"], d["end"], _b(d["leafHash"]), proof, _b(d["root"]))


def deliberate(kind, d, code):
    """A refusal that merkle.md requires where RFC 9162's reference accepts."""
    if kind == "consistency" and d.get("size1") == 0 and code == "MERKLE_EMPTY_TREE_CONSISTENCY":
        return "merkle.md §4 step 4: a proof from the empty tree is refused"
    if code == "MERKLE_INVALID_HASH_LENGTH":
        return "merkle.md §1, §4 step 2: every hash given to a verifier is 32 bytes (upstream's probe uses a 12-byte root)"
    return None


def vectors():
    for v in _wycheproof():
        yield v
    for v in _wycheproof_ed25519():
        yield v
    for kind in ("inclusion", "consistency", "subtreeinclusion"):
        for path in sorted(glob.glob(os.path.join(EXT, "transparency-dev-merkle", "testdata", kind, "**", "*.json"),
                                     recursive=True)):
            yield (os.path.relpath(path, EXT), "merkle", kind, None, json.load(open(path)))


def prepare(doc):
    return doc


def check(item, _doc):
    ident, family, a, b, t = item
    if family == "ed25519":
        # cose.md §3.1: strict RFC 8032 §5.1.7, canonical encodings, S < L, cofactored equation
        ok = ed25519.verify(b, bytes.fromhex(t["msg"]), bytes.fromhex(t["sig"]))
        want = t["result"] == "valid"
        return None if ok == want or t["result"] == "acceptable" else \
            f"{ident}: verify {ok}, Wycheproof says {t['result']} ({t.get('comment', '')})"
    if family == "ecdsa":
        ok = a.verify(b, bytes.fromhex(t["msg"]), bytes.fromhex(t["sig"]))
        want = t["result"] in ("valid", "acceptable")
        return None if ok == want else f"{ident}: verify {ok}, Wycheproof says {t['result']}"
    try:
        _probe(a, t)
        return None if not t["wantErr"] else f"{ident}: accepted, upstream wants an error"
    except merkle.MerkleError as e:
        if t["wantErr"]:
            return None
        why = deliberate(a, t, e.code)
        return None if why else f"{ident}: {e.code}, upstream accepts"
    except (KeyError, TypeError, ValueError) as e:
        return None if t["wantErr"] else f"{ident}: {type(e).__name__} {e}"
