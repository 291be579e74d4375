"""Family merkle: test-vectors/merkle/proofs.json (specs/test-vectors.md §2.4)."""
import merkle
from merkle import MerkleError

FILES = ["merkle/proofs.json"]
FORMATS = {"hemkit-merkle-proofs/v1"}


def _run(v):
    hx = bytes.fromhex
    k = v["kind"]
    if k == "tree-hash":
        if merkle.mth([hx(x) for x in v["leaves"]]) != hx(v["root"]):
            raise MerkleError("MERKLE_ROOT_MISMATCH")
    elif k == "inclusion":
        merkle.verify_inclusion(v["leafIndex"], v["treeSize"], hx(v["leafHash"]), [hx(x) for x in v["proof"]], hx(v["root"]))
    elif k == "consistency":
        merkle.verify_consistency(v["size1"], v["size2"], hx(v["root1"]), hx(v["root2"]), [hx(x) for x in v["proof"]])
    elif k == "subtree-inclusion":
        merkle.verify_subtree_inclusion(v["leafIndex"], v["start"], v["end"], hx(v["leafHash"]),
                                        [hx(x) for x in v["proof"]], hx(v["subtreeHash"]))
    else:
        raise ValueError("unknown kind " + k)


def check(v):
    try:
        _run(v)
    except MerkleError as e:
        if v["result"] == "invalid" and v["code"] == e.code:
            return None
        return f"got {e.code}, vector says {v['result']} {v.get('code', '')}"
    return None if v["result"] == "valid" else f"accepted, vector says {v['code']}"
