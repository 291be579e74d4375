#!/usr/bin/env python3
"""Independent implementation of hemkit from specs/ and test-vectors/ alone (issue 10).

Checks the checked-in vectors family by family and prints, per family, how many vectors this
implementation agrees with. Exits 1 on any disagreement. Python 3.11 standard library only.
Usage: python3 test/independent/run.py [--verbose] [--json] [--vectors DIR] [family ...]
  --json      also print one last line: {"families": {name: {agreed, total, skipped}}, "disagreements": n}
  --vectors   read the vector files from DIR instead of test-vectors/ (the harness's own test uses it
              to show that a changed expectation is reported)
"""
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
VECTORS = os.path.normpath(os.path.join(HERE, "..", "..", "test-vectors"))

import run_cbor  # noqa: E402
import run_cose  # noqa: E402
import run_merkle  # noqa: E402
import run_messages  # noqa: E402
import run_evidence  # noqa: E402
import run_crypto  # noqa: E402
import run_framing  # noqa: E402
import run_state  # noqa: E402
import run_external  # noqa: E402
import run_results  # noqa: E402
import run_inputs  # noqa: E402
import run_accounting  # noqa: E402
import run_lineage  # noqa: E402
import run_cddl  # noqa: E402
import run_module  # noqa: E402

FAMILIES = [("cbor", run_cbor), ("cose", run_cose), ("merkle", run_merkle), ("messages", run_messages), ("evidence", run_evidence),
            ("crypto", run_crypto), ("framing", run_framing), ("state", run_state),
            ("results", run_results), ("inputs", run_inputs), ("accounting", run_accounting), ("lineage", run_lineage), ("cddl", run_cddl), ("module", run_module),
            ("external", run_external)]


def main(argv):
    global VECTORS
    argv = list(argv)
    if "--vectors" in argv:
        i = argv.index("--vectors")
        VECTORS = argv[i + 1]
        del argv[i:i + 2]
    verbose = "--verbose" in argv
    as_json = "--json" in argv
    wanted = [a for a in argv if not a.startswith("--")]
    total_bad = 0
    summary = {}
    for name, mod in FAMILIES:
        if wanted and name not in wanted:
            continue
        t0 = time.time()
        agreed = total = skipped = 0
        bad = []
        files = mod.FILES() if callable(mod.FILES) else mod.FILES
        if name == "external":
            files = []
            for item in mod.vectors():
                total += 1
                why = mod.check(item, None)
                if why is None:
                    agreed += 1
                else:
                    bad.append(why)
        for rel in files:
            path = os.path.join(VECTORS, rel)
            if not os.path.exists(path):
                continue
            doc = json.load(open(path))
            if doc.get("format") not in mod.FORMATS:
                bad.append(f"{rel}: format {doc['format']} not implemented")
                continue
            ctx = mod.prepare(doc) if hasattr(mod, "prepare") else None
            for vec in (mod.items(doc) if hasattr(mod, "items") else doc["vectors"]):
                if hasattr(mod, "skip") and mod.skip(rel, vec):
                    skipped += 1
                    continue
                total += 1
                try:
                    why = mod.check(vec, ctx) if ctx is not None else mod.check(vec)
                except Exception as e:  # a crash is a disagreement, never a pass
                    why = f"crash: {type(e).__name__}: {e}"
                if why is None:
                    agreed += 1
                else:
                    bad.append(f"{rel} {vec['id']}: {why}")
        total_bad += len(bad)
        summary[name] = {"agreed": agreed, "total": total, "skipped": skipped,
                         "notCompared": getattr(mod, "NOT_COMPARED", {}).get("checks", 0)}
        extra = f", skipped {skipped}" if skipped else ""
        if hasattr(mod, "NOT_COMPARED") and mod.NOT_COMPARED["checks"]:
            extra += f"; {mod.NOT_COMPARED['checks']} check outcomes not compared (not implemented here)"
        print(f"{name}: agreed {agreed}/{total}{extra} ({time.time() - t0:.1f} s)")
        for line in bad if verbose or len(bad) < 40 else bad[:40]:
            print("  DISAGREE " + line)
    print(f"disagreements: {total_bad}")
    if as_json:
        print(json.dumps({"families": summary, "disagreements": total_bad}))
    return 1 if total_bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
