"""Family accounting: test-vectors/accounting/fleets.json (specs/test-vectors.md §2.9; fleet
accounting of verifier.md §6.1), compared with the report's JSON form."""
import re

import cbor
import run_messages
import schema
from cbor import CborError

FILES = ["accounting/fleets.json"]
FORMATS = {"hemkit-accounting/v2"}
DEFAULT_THRESHOLDS = [  # verifier.md §6.1, "Thresholds"
    {"id": "eu-ai-act-art-51-2",
     "description": "EU AI Act (Regulation (EU) 2024/1689) Art. 51(2): presumption of high-impact capabilities, "
                    "training compute greater than 10^25 floating-point operations",
     "ops": "10000000000000000000000000"},
    {"id": "us-eo-14110-4-2-b-i",
     "description": "US Executive Order 14110 \u00a74.2(b)(i) (revoked 20 January 2025 by EO 14148): model trained "
                    "with greater than 10^26 integer or floating-point operations",
     "ops": "100000000000000000000000000"},
]
UNB = None  # "unbounded"


class Refused(Exception):
    def __init__(self, code, field=""):
        super().__init__(f"{code} {field}")
        self.code = code


def _dec(x, field):
    if not isinstance(x, str) or not re.fullmatch(r"0|[1-9][0-9]*", x):
        raise Refused("ACCOUNTING_INVALID_INPUT", field)
    return int(x)


def _hex(x, field, lo, hi):
    if not isinstance(x, str) or not re.fullmatch(r"([0-9a-f]{2})*", x) or not lo <= len(x) // 2 <= hi:
        raise Refused("ACCOUNTING_INVALID_INPUT", field)
    return x


def _index(x, field):
    if isinstance(x, bool) or not isinstance(x, int) or not 0 <= x <= 2 ** 53 - 1:
        raise Refused("ACCOUNTING_INVALID_INPUT", field)
    return x


def _descriptor(h, field):
    try:
        d = cbor.decode(bytes.fromhex(_hex(h, field, 0, 1 << 20)))
        run_messages.VALIDATOR.family("workload-descriptor", d)
    except (CborError, schema.MessageError):
        raise Refused("ACCOUNTING_INVALID_INPUT", field)
    return d


def _add(a, b):
    return UNB if a is UNB or b is UNB else a + b


def _s(x):
    return "unbounded" if x is UNB else str(x)


def account(v):
    # ---- every field checked before any arithmetic
    apps = []
    for i, c in enumerate(v["chips"]):
        ueid = _hex(c.get("ueid"), f"chips[{i}].ueid", 7, 33)
        if not isinstance(c.get("affirmed"), bool):
            raise Refused("ACCOUNTING_INVALID_INPUT", f"chips[{i}].affirmed")
        total = _dec(c.get("totalOps"), f"chips[{i}].totalOps")
        mem = _dec(c["memoryBytes"], f"chips[{i}].memoryBytes") if "memoryBytes" in c else 0
        wl = []
        for j, w in enumerate(c.get("workloads", [])):
            f = f"chips[{i}].workloads[{j}]"
            if "descriptor" not in w:
                raise Refused("ACCOUNTING_INVALID_INPUT", f + ".descriptor")
            wl.append((_index(w.get("logIndex"), f + ".logIndex"), _dec(w.get("ops"), f + ".ops"), w["descriptor"],
                       _descriptor(w["descriptor"], f + ".descriptor")))
        apps.append((ueid, c["affirmed"], total, mem, wl))
    register = {}
    for i, l in enumerate(v.get("issuedLicences", [])):
        key = (_hex(l.get("ueid"), f"issuedLicences[{i}].ueid", 7, 33),
               _hex(l.get("licenceId"), f"issuedLicences[{i}].licenceId", 16, 16))
        q = _dec(l.get("opsQuota"), f"issuedLicences[{i}].opsQuota")
        if key in register and register[key] != q:
            raise Refused("ACCOUNTING_CONFLICTING_LICENCE")
        register[key] = q
    thresholds = v.get("thresholds", DEFAULT_THRESHOLDS)
    seen = set()
    for i, t in enumerate(thresholds):
        tid = t.get("id")
        if not isinstance(tid, str) or not re.fullmatch(r"[!-+\--~]+", tid) or tid in seen:
            raise Refused("ACCOUNTING_INVALID_INPUT", f"thresholds[{i}].id")
        if not isinstance(t.get("description"), str) or re.search(r"[\x00-\x1f\x7f]", t["description"]):
            raise Refused("ACCOUNTING_INVALID_INPUT", f"thresholds[{i}].description")
        _dec(t.get("ops"), f"thresholds[{i}].ops")
        seen.add(tid)
    # ---- chips
    chips = {}
    for ueid, aff, total, mem, wl in apps:
        ch = chips.setdefault(ueid, {"affirmed": False, "counter": 0, "mem": 0, "entries": {}})
        if aff:
            ch["affirmed"] = True
            ch["counter"] = max(ch["counter"], total)
            ch["mem"] = max(ch["mem"], mem)
            for idx, ops, dhex, d in wl:
                prev = ch["entries"].get(idx)
                if prev is not None and (prev[0] != ops or prev[1] != dhex):
                    raise Refused("ACCOUNTING_CONFLICTING_ENTRY")
                ch["entries"][idx] = (ops, dhex, d)
    for ueid, ch in chips.items():
        if ch["affirmed"]:
            disclosed = sum(e[0] for e in ch["entries"].values())
            if disclosed > ch["counter"]:
                raise Refused("ACCOUNTING_COUNTER_EXCEEDED")
            ch["sealed"] = ch["counter"] - disclosed
    bound = {}
    for (ueid, _), q in register.items():
        bound[ueid] = bound.get(ueid, 0) + q
    for ueid, ch in chips.items():
        if ch["affirmed"] and ueid in bound and ch["counter"] > bound[ueid]:
            raise Refused("ACCOUNTING_LICENCE_EXCEEDED")
    # ---- runs
    runs = {}
    for ueid, aff, total, mem, wl in apps:
        for idx, ops, dhex, d in wl:
            r = runs.setdefault(d[1], {"named": set(), "contrib": {}})
            r["named"].add(ueid)
            r["named"].update(x.hex() for x in d.get(2, []))
    for ueid, ch in chips.items():
        if ch["affirmed"]:
            for idx, (ops, dhex, d) in ch["entries"].items():
                c = runs[d[1]]["contrib"].setdefault(ueid, [0, []])
                c[0] += ops
                c[1].append(idx)

    def unaccounted(ueid):
        ch = chips.get(ueid)
        if ch and ch["affirmed"]:
            return ch["sealed"]
        return bound.get(ueid, UNB)

    reason_order = {"no-evidence": 0, "not-affirmed": 1, "undisclosed": 2}
    flagged, incomplete = [], []
    agg = {"workloads": 0, "reportedOps": 0, "opsUpperBound": 0, "withMissingChips": 0}
    for wid, r in runs.items():
        total = sum(c[0] for c in r["contrib"].values())
        upper = total
        for ueid in r["named"]:
            upper = _add(upper, unaccounted(ueid))
        missing = []
        for ueid in r["named"]:
            ch = chips.get(ueid)
            if ch is None:
                reason = "no-evidence"
            elif not ch["affirmed"]:
                reason = "not-affirmed"
            elif ueid not in r["contrib"]:
                reason = "undisclosed"
            else:
                continue
            missing.append({"ueid": ueid, "reason": reason, "unaccountedOps": _s(unaccounted(ueid))})
        missing.sort(key=lambda m: (reason_order[m["reason"]], m["ueid"]))
        passed = [t["id"] for t in thresholds if total > int(t["ops"])]
        undet = [t["id"] for t in thresholds if not total > int(t["ops"]) and (upper is UNB or upper > int(t["ops"]))]
        if not passed and not undet:
            agg["workloads"] += 1
            agg["reportedOps"] += total
            agg["opsUpperBound"] = _add(agg["opsUpperBound"], upper)
            agg["withMissingChips"] += 1 if missing else 0
            continue
        contrib = sorted(r["contrib"].items(), key=lambda kv: (-kv[1][0], kv[0]))
        item = {"status": "flagged" if passed else "incomplete", "workloadId": wid, "reportedOps": str(total),
                "opsUpperBound": _s(upper), "thresholdsPassed": passed, "thresholdsUndetermined": undet,
                "contributions": [{"ueid": u, "ops": str(c[0]), "logIndices": sorted(c[1]),
                                   "unaccountedOps": _s(unaccounted(u))} for u, c in contrib],
                "missingChips": missing}
        (flagged if passed else incomplete).append((total, upper, wid, item))
    flagged.sort(key=lambda x: (-x[0], x[2]))
    incomplete.sort(key=lambda x: (0 if x[1] is UNB else 1, -(x[1] or 0), -x[0], x[2]))
    affirmed = [u for u, ch in chips.items() if ch["affirmed"]]
    chips_out = {"reporting": len(chips), "affirmed": len(affirmed),
                 "notAffirmed": sorted(u for u, ch in chips.items() if not ch["affirmed"])}
    mem = sum(chips[u]["mem"] for u in affirmed)
    if mem:
        chips_out["memoryBytes"] = str(mem)
    return {"thresholds": thresholds, "flagged": [x[3] for x in flagged], "incomplete": [x[3] for x in incomplete],
            "aggregate": {k: (_s(x) if k in ("reportedOps", "opsUpperBound") else x) for k, x in agg.items()},
            "chips": chips_out, "undisclosedOps": str(sum(chips[u]["sealed"] for u in affirmed))}


def check(v):
    try:
        rep = account(v)
    except Refused as e:
        return None if v.get("code") == e.code else f"got {e}, vector says {v['result']} {v.get('code', '')}"
    if v["result"] != "valid":
        return f"accepted, vector says {v['code']}"
    for k in set(rep) | set(v["report"]):
        if rep.get(k) != v["report"].get(k):
            return f"report.{k}: {rep.get(k)} != {v['report'].get(k)}"
    return None
