#!/usr/bin/env python3
"""Independent implementation of hemkit from specs/ and test-vectors/ alone (issue 10).

Checks the checked-in vectors family by family and prints, per family, how many vectors this
implementation agrees with. Exits 1 on any disagreement. Python 3.11 standard library only.
Usage: python3 test/independent/run.py [--verbose] [family ...]
"""
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
VECTORS = os.path.normpath(os.path.join(HERE, "..", "..", "test-vectors"))

import run_cbor  # noqa: E402

FAMILIES = [("cbor", run_cbor)]
for _name, _mod in (("cose", "run_cose"), ("merkle", "run_merkle"), ("messages", "run_messages"),
                    ("evidence", "run_evidence")):
    try:
        FAMILIES.append((_name, __import__(_mod)))
    except ImportError:
        pass


def main(argv):
    verbose = "--verbose" in argv
    wanted = [a for a in argv if not a.startswith("--")]
    total_bad = 0
    for name, mod in FAMILIES:
        if wanted and name not in wanted:
            continue
        t0 = time.time()
        agreed = total = skipped = 0
        bad = []
        files = mod.FILES() if callable(mod.FILES) else mod.FILES
        for rel in files:
            doc = json.load(open(os.path.join(VECTORS, rel)))
            if doc["format"] not in mod.FORMATS:
                bad.append(f"{rel}: format {doc['format']} not implemented")
                continue
            ctx = mod.prepare(doc) if hasattr(mod, "prepare") else None
            for vec in doc["vectors"]:
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
        extra = f", skipped {skipped}" if skipped else ""
        print(f"{name}: agreed {agreed}/{total}{extra} ({time.time() - t0:.1f} s)")
        for line in bad if verbose or len(bad) < 40 else bad[:40]:
            print("  DISAGREE " + line)
    print(f"disagreements: {total_bad}")
    return 1 if total_bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
