"""Family evidence: test-vectors/evidence/*.json (specs/test-vectors.md §2.11; verifier.md §4-§6).

Compares all fifteen check outcomes, the trust tier and the trustworthiness vector of every vector.
Dependent files are appraised in order against one memory (verifier.md §4), kept here as the
`memory` objects of test-vectors.md §2.11 describe it.
"""
import evidence
import run_messages

FILES = ["evidence/evidence-honest.json", "evidence/evidence-attacks.json", "evidence/evidence-checks.json",
         "evidence/evidence-memory.json"]
FORMATS = {"hemkit-evidence/v1"}
NOT_COMPARED = {"checks": 0}


class Ctx:
    def __init__(self, doc):
        self.doc = doc
        self.independent = doc.get("independent", False)
        self.memory = {}  # ueid hex -> memory (dependent files)
        self.nonces = set()


def prepare(doc):
    return Ctx(doc)


def _memory_update(ctx, a, out):
    ueid = a.rc[evidence.UEID].hex()
    m = ctx.memory.get(ueid) or {"ueid": ueid, "bootcount": 0, "totalOps": "0", "workloadsRun": 0, "checkpoints": [],
                                 "lastAppraisedAt": None}
    c = a.rc[evidence.COUNTERS]
    m["bootcount"] = max(m["bootcount"], a.rc[evidence.BOOTCOUNT])
    m["totalOps"] = str(max(int(m["totalOps"]), c[1]))
    m["workloadsRun"] = max(m["workloadsRun"], c[5])
    sizes = {cp["treeSize"] for cp in m["checkpoints"]}
    for size, root, iat, ops in [(a.head[0], a.head[1], a.rc[evidence.IAT], c[1])] + \
            [(cp[evidence.TREESIZE], cp[evidence.ROOTHASH], cp[evidence.IAT], cp[evidence.COUNTERS][1])
             for cp in a.accepted_checkpoints]:
        if size not in sizes:
            m["checkpoints"].append({"treeSize": size, "rootHash": root.hex(), "issuedAt": iat, "totalOps": str(ops)})
            sizes.add(size)
    m["lastAppraisedAt"] = ctx_now = a.now
    # the state at the remembered head (verifier.md §4): SVN and issuer set replaced, the memory
    # counter and the memory used per licence merged as maxima; an issuer set not known stays so
    hs = getattr(a, "head_state", None)
    if hs is not None:
        m["svn"] = hs["svn"]
        if hs["issuerSet"] is not None:
            m["issuerSet"] = hs["issuerSet"]
        m["memoryBytes"] = max(m.get("memoryBytes", 0), hs["memoryBytes"])
        usage = m.get("memoryUsage", {})
        for k, v in hs["memoryUsage"].items():
            usage[k] = max(usage.get(k, 0), v)
        m["memoryUsage"] = usage
    if hasattr(a, "licence_memory"):
        usage, active = a.licence_memory
        m["licenceUsage"] = {k: str(v) for k, v in usage.items()}
        m["activeLicence"] = active
    ctx.memory[ueid] = m
    if a.nonce is not None:
        ctx.nonces.add(a.nonce)
    return ctx_now


def check(vec, ctx):
    doc = ctx.doc
    trust = vec.get("trust", doc["trust"]) if ctx.independent else doc["trust"]
    reference = vec.get("reference", doc["reference"]) if ctx.independent else doc["reference"]
    if ctx.independent:
        memory = vec.get("memory")
        nonces = set()
    else:
        memory = None
        nonces = ctx.nonces
    a = evidence.Appraisal(run_messages.VALIDATOR, trust, reference, doc["policy"], None, vec["now"], vec["nonce"],
                           vec.get("expectedUeid"), nonces)
    if not ctx.independent:
        # the chip's memory is found by the report's UEID once check 1 has decoded it
        a.memory_lookup = ctx.memory
    exp = vec["expected"]
    out = _run(a, vec, memory, ctx)
    diffs = [f"{n}: {out[n]} != {exp['checks'][n]}" for n in evidence.CHECKS
             if n not in a.unimplemented and out[n] != exp["checks"][n]]
    NOT_COMPARED["checks"] += len(a.unimplemented)
    st = evidence.status(out)
    if st != exp["status"]:
        diffs.append(f"status {st} != {exp['status']}")
    tv = evidence.trustworthiness(out)
    if tv != exp["trustworthinessVector"]:
        diffs.append(f"vector {tv} != {exp['trustworthinessVector']}")
    if not ctx.independent and st != "contraindicated":
        _memory_update(ctx, a, out)
    return "; ".join(diffs) if diffs else None


def _run(a, vec, memory, ctx):
    if ctx.independent:
        a.memory = memory
        return a.run(bytes.fromhex(vec["bundle"]), vec["expected"]["checks"])
    # dependent: decode first to learn the chip, then appraise against its memory
    original = a.encoding

    def encoding_then_memory(data):
        original(data)
        a.memory = ctx.memory.get(a.rc[evidence.UEID].hex())
    a.encoding = encoding_then_memory
    return a.run(bytes.fromhex(vec["bundle"]), vec["expected"]["checks"])
