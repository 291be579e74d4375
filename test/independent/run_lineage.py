"""Family lineage: test-vectors/accounting/lineage.json (specs/test-vectors.md §2.14; lineage
accounting of verifier.md §6.2), compared with the report's JSON form."""
import re

FILES = ["accounting/lineage.json"]
FORMATS = {"hemkit-lineage/v1"}
UNB = None
NOTICE = 14 * 86400  # two weeks (verifier.md §6.2, Recital 112)


class Refused(Exception):
    def __init__(self, code, field=""):
        super().__init__(f"{code} {field}")
        self.code = code


def bad(field):
    raise Refused("ACCOUNTING_INVALID_INPUT", field)


def _dec(x, f):
    if not isinstance(x, str) or not re.fullmatch(r"0|[1-9][0-9]*", x):
        bad(f)
    return int(x)


def _int(x, f):
    if isinstance(x, bool) or not isinstance(x, int) or not 0 <= x <= 2 ** 53 - 1:
        bad(f)
    return x


def _hexn(x, f, lo, hi):
    if not isinstance(x, str) or not re.fullmatch(r"([0-9a-f]{2})*", x) or not lo <= len(x) // 2 <= hi:
        bad(f)
    return x


def _add(a, b):
    return UNB if a is UNB or b is UNB else a + b


def _s(x):
    return "unbounded" if x is UNB else str(x)


def account(v):
    opts = v.get("options", {})
    thresholds = opts.get("thresholds")
    now = opts.get("now")
    notice = opts.get("noticeSeconds", NOTICE)
    rule = opts.get("missingParents", "lower-bound")
    # ---- input
    wls, dups = {}, 0
    for i, w in enumerate(v["workloads"]):
        f = f"workloads[{i}]"
        rec = (_hexn(w.get("ueid"), f + ".ueid", 7, 33), _int(w.get("logIndex"), f + ".logIndex"))
        if not isinstance(w.get("parents"), list):
            bad(f + ".parents")
        body = (_dec(w.get("ops"), f + ".ops"), w.get("workloadId"),
                tuple(_hexn(p, f + ".parents", 32, 32) for p in w["parents"]),
                _hexn(w.get("produced"), f + ".produced", 32, 32), _int(w.get("time"), f + ".time"),
                _int(w["busyChipSeconds"], f + ".busyChipSeconds") if "busyChipSeconds" in w else None)
        if not isinstance(body[1], str):
            bad(f + ".workloadId")
        if rec in wls:
            if wls[rec] != body:
                raise Refused("LINEAGE_CONFLICTING_ENTRY")
            dups += 1
            continue
        wls[rec] = body
    chips = {}
    for i, c in enumerate(v.get("chips", [])):
        u = _hexn(c.get("ueid"), f"chips[{i}].ueid", 7, 33)
        un = c.get("unaccountedOps", "0")
        chips[u] = {"holder": c.get("holder"), "expiry": c.get("licenceExpiry"),
                    "unaccounted": UNB if un == "unbounded" else _dec(un, f"chips[{i}].unaccountedOps")}
    declared = {}
    for i, d in enumerate(v.get("declaredModels", [])):
        s = _hexn(d.get("state"), f"declaredModels[{i}].state", 32, 32)
        ops = _dec(d.get("ops"), f"declaredModels[{i}].ops")
        if s in declared and declared[s] != ops:
            raise Refused("LINEAGE_CONFLICTING_ENTRY")
        declared[s] = ops
    # ---- graph
    producers = {}
    for rec, b in wls.items():
        producers.setdefault(b[3], []).append((rec, b))
    known = set(producers) | set(declared)
    parents = {s: set() for s in known}
    for s, ps in producers.items():
        for _, b in ps:
            parents[s].update(b[2])
    missing = set(p for s in known for p in parents[s] if p not in known)
    if missing and rule == "refuse":
        raise Refused("LINEAGE_PARENT_MISSING")
    own = {s: sum(b[0] for _, b in producers.get(s, [])) for s in known}
    for s, ops in declared.items():
        own[s] = max(own[s], ops)
    ancestors = {}

    def anc(s, stack=()):
        if s in ancestors:
            return ancestors[s]
        if s in stack:
            raise Refused("LINEAGE_CYCLE")
        out = set()
        for p in parents.get(s, ()):
            out.add(p)
            out |= anc(p, stack + (s,))
        if s in out:
            raise Refused("LINEAGE_CYCLE")
        ancestors[s] = out
        return out
    for s in sorted(known):
        anc(s)
    cum = {s: own[s] + sum(own.get(a, 0) for a in ancestors[s] if a in known) for s in known}
    built_on = set(p for s in known for p in parents[s])

    def chips_of(s):
        return set(rec[0] for rec, _ in producers.get(s, []))

    def holders(cs):
        return set(chips.get(c, {}).get("holder") or ("chip:" + c) for c in cs)

    def known_holders(cs):
        hs = [chips.get(c, {}).get("holder") for c in cs]
        return None if any(h is None for h in hs) or not hs else set(hs)

    def is_base(p, child):
        if p in declared:
            return True
        if p not in known:
            return False
        hp, hc = known_holders(chips_of(p)), known_holders(chips_of(child))
        return hp is not None and hc is not None and not (hp & hc)
    bases = set()
    for s in known:
        for p in parents[s]:
            if is_base(p, s):
                bases.add(p)
    models = []
    itemised = set()
    for s in known:
        ts = [(t["id"], int(t["ops"])) for t in thresholds]
        passed = [i for i, t in ts if cum[s] > t]
        proj_ops = 0
        if s not in built_on and now is not None:
            per_chip = {}
            for rec, b in producers.get(s, []):
                pc = per_chip.setdefault(rec[0], [0, 0])
                pc[0] += b[0]
                pc[1] += b[5] or 0
            for c, (ops, busy) in per_chip.items():
                exp = chips.get(c, {}).get("expiry")
                if busy and exp is not None:
                    horizon = max(0, min(exp - now, notice))
                    proj_ops += ops * horizon // busy
        projected = [i for i, t in ts if not cum[s] > t and s not in built_on and cum[s] + proj_ops > t]
        lineage = {s} | ancestors[s]
        hs = set()
        for x in lineage:
            hs |= holders(chips_of(x))
        unacc = 0
        for c, info in chips.items():
            if (info["holder"] or ("chip:" + c)) in hs:
                unacc = _add(unacc, info["unaccounted"])
        undet = [i for i, t in ts if not cum[s] > t and (unacc is UNB or cum[s] + unacc > t)]
        cand = [a for a in ancestors[s] if a in bases]
        mod = None
        if cand:
            base = min(cand, key=lambda a: (cum[a], a))
            m = cum[s] - cum[base]
            if 3 * m > cum[base]:
                mod = {"base": base, "baseOps": str(cum[base]), "modificationOps": str(m)}
        flags = (["crossed"] if passed else []) + (["projected"] if projected else []) + \
                (["modification"] if mod else []) + (["undetermined"] if undet else [])
        if not flags:
            continue
        itemised.add(s)
        item = {"state": s, "flags": flags, "ownOps": str(own[s]), "cumulativeOps": str(cum[s]),
                "missingAncestors": len([a for a in ancestors[s] if a not in known]),
                "thresholdsPassed": passed, "thresholdsProjected": projected, "projectedOps": str(proj_ops),
                "thresholdsUndetermined": undet, "unaccountedOps": _s(unacc)}
        if mod:
            item["modification"] = mod
        item["workloadIds"] = sorted(set(b[1] for _, b in producers.get(s, [])))
        item["chips"] = len(chips_of(s))
        item["workloads"] = len(producers.get(s, []))
        models.append(item)
    models.sort(key=lambda m: (-int(m["cumulativeOps"]), m["state"]))
    scope = set(itemised)
    for s in itemised:
        scope |= ancestors[s]
    all_edges = sorted(set((p, s) for s in known for p in parents[s]))
    edges = [[p, s] for p, s in all_edges if p in scope and s in scope]
    rest = [s for s in known if s not in scope]  # neither itemised nor an ancestor of one
    return {"thresholds": thresholds, "now": now, "noticeSeconds": notice, "models": models, "edges": edges,
            "aggregate": {"states": len(rest), "workloads": sum(len(producers.get(s, [])) for s in rest),
                          "ownOps": str(sum(own[s] for s in rest))},
            "totals": {"states": len(known), "edges": len(all_edges), "workloads": len(wls),
                       "duplicateDisclosures": dups, "missingStates": len(missing)}}


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
