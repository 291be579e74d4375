"""The verifier's appraisal (specs/verifier.md §4-§6): all fifteen checks, the trust tier and the
AR4SI trustworthiness vector (messages/attestation-result.md §3), from the spec alone.

Only the default licence rules of verifier.md §5.1 are implemented (every vector file uses the
default policy): precision weights, the throttled baseline, admit-to-quota and carried quota are not.
A check that meets input it does not implement raises NotImplementedError; its outcome is then
counted as not compared (run.py prints the count, and the vitest requires it to be 0).
"""
import base64
import binascii
import hashlib
import re

import cbor
import cose
import ed25519
import merkle
import schema
from cbor import CborError
from cose import CoseError

CHECKS = ["encoding", "certificate-chain", "report-signature", "revocation", "freshness", "firmware", "debug",
          "lock-state", "rollback", "log-consistency", "inclusion", "openings", "counters-vs-log", "licence",
          "usage-rate"]
NEEDS = {"certificate-chain": ["encoding"], "report-signature": ["certificate-chain"], "revocation": ["report-signature"],
         "freshness": ["report-signature"], "firmware": ["report-signature"], "debug": ["report-signature"],
         "lock-state": ["report-signature"], "rollback": ["report-signature"], "log-consistency": ["report-signature"],
         "inclusion": ["log-consistency"], "openings": ["inclusion"], "counters-vs-log": ["inclusion", "rollback"],
         "licence": ["counters-vs-log"], "usage-rate": ["licence", "firmware"]}
TYP = {
    "report": "application/vnd.hemkit.attestation-report+cbor",
    "device": "application/vnd.hemkit.device-certificate+cbor",
    "ak": "application/vnd.hemkit.attestation-key-certificate+cbor",
    "checkpoint": "application/vnd.hemkit.checkpoint+cbor",
    "licence": "application/vnd.hemkit.licence+cbor",
    "log-key": "application/vnd.hemkit.log-key-certificate+cbor",
}
# claim keys (hemkit.cddl §2)
NONCE, UEID, OEMID, HWMODEL, DBGSTAT, BOOTCOUNT, IAT, SVN, MEAS = 10, 256, 258, 259, 263, 267, 6, -72033, -72034
COUNTERS, LOGHEAD, LOCK, TREESIZE, ROOTHASH, CNF, EXP, ORIGIN = -72001, -72002, -72004, -72005, -72006, 8, 4, -72035


class Fail(Exception):
    def __init__(self, code, detail=""):
        super().__init__(f"{code} {detail}")
        self.code = code


def _signed(data, typ, claims_rule, validator):
    """encoding.md §13 layers 1, 2 and step 9, then layers 4-5 of the payload (verifier.md §5 check 1
    schema-checks before verifying, cose.md §9)."""
    try:
        s = cose.decode_sign1(data)
        cose.check_typ(s.protected.map, s.unprotected, typ)
    except CoseError as e:
        raise Fail(e.code, e.detail)
    if s.payload is None:
        raise Fail("COSE_PAYLOAD_MISSING")
    try:
        claims = cbor.decode(s.payload, allowed_tags=())
    except CborError as e:
        raise Fail(e.code)
    try:
        validator.family(claims_rule, claims)
    except schema.MessageError as e:
        raise Fail(e.code, str(e))
    return s, claims


class Appraisal:
    def __init__(self, validator, trust, reference, policy, memory, now, nonce, expected_ueid, used_nonces):
        self.v = validator
        self.trust, self.reference, self.now = trust, reference, now
        self.policy = dict(requireNonce=True, maxAgeSeconds=600, clockSkewSeconds=60, requireDebugDisabled=True)
        self.policy.update(policy)
        self.memory = memory  # None: the chip was never affirmed
        self.nonce = bytes.fromhex(nonce) if nonce is not None else None
        self.expected_ueid = bytes.fromhex(expected_ueid) if expected_ueid else None
        self.used_nonces = used_nonces
        self.results = {}

    # ------------------------------------------------------------------ check 1
    def encoding(self, bundle_bytes):
        try:
            b = cbor.decode(bundle_bytes)
        except CborError as e:
            raise Fail(e.code)
        try:
            self.v.family("evidence-bundle", b)
        except schema.MessageError as e:
            raise Fail(e.code, str(e))
        self.bundle = b
        # layer 6, in the order of encoding.md §13
        self.report, self.rc = _signed(b[1], TYP["report"], "attestation-report-claims", self.v)
        self.dev, self.dc = _signed(b[2], TYP["device"], "device-certificate-claims", self.v)
        self.ak, self.akc = _signed(b[3], TYP["ak"], "attestation-key-certificate-claims", self.v)
        self.checkpoints = [_signed(c, TYP["checkpoint"], "checkpoint-claims", self.v) for c in b.get(4, [])]
        self.entries = []
        for d in b.get(6, []):
            try:
                entry = cbor.decode(d[1], allowed_tags=())
            except CborError as e:
                raise Fail(e.code)
            try:
                self.v.family("log-entry", entry)
            except schema.MessageError as e:
                raise Fail(e.code, str(e))
            self.entries.append((entry, d))
        for lic in b.get(7, []):
            try:
                s = cose.decode_sign(lic)
                cose.check_typ(s.protected.map, s.unprotected, TYP["licence"])
                claims = cbor.decode(s.payload, allowed_tags=())
                self.v.family("licence-claims", claims)
            except (CoseError, CborError, schema.MessageError, TypeError) as e:
                raise Fail("LICENCE_MALFORMED", getattr(e, "code", str(e)))
        # the log-key certificate, whether or not notes are carried (encoding.md §13 layer 6)
        self.log_key_cert = _signed(b[8], TYP["log-key"], "log-key-certificate-claims", self.v) if 8 in b else None
        self.consistency = []
        for r in b.get(5, []):
            self.consistency.append(self._receipt(r, -2))

    def _receipt(self, data, label):
        """receipts.md §2-§3: decode a receipt and its one proof."""
        try:
            s = cose.decode_sign1(data)
        except CoseError as e:
            raise Fail(e.code, "receipt")
        if s.protected.map.get(395) != 1 or 4 not in s.protected.map:
            raise Fail("COSE_MALFORMED", "receipt vds/kid")
        vdp = s.unprotected.get(396)
        if not isinstance(vdp, dict) or list(vdp.keys()) != [label] or not isinstance(vdp[label], list) \
                or len(vdp[label]) != 1 or not isinstance(vdp[label][0], bytes):
            raise Fail("COSE_MALFORMED", "receipt proofs")
        try:
            proof = cbor.decode(vdp[label][0], allowed_tags=())
        except CborError as e:
            raise Fail(e.code, "receipt proof")
        if not (isinstance(proof, list) and len(proof) == 3 and all(isinstance(x, int) and not isinstance(x, bool)
                                                                    for x in proof[:2])
                and isinstance(proof[2], list) and proof[2] and all(isinstance(h, bytes) for h in proof[2])):
            raise Fail("COSE_MALFORMED", "receipt proof content")
        return s, proof

    # ------------------------------------------------------------------ check 2
    def certificate_chain(self):
        by_kid = {}
        for m in self.trust["manufacturers"]:
            k = cose.decode_key(bytes.fromhex(m["key"]))
            by_kid[cose.thumbprint(k)] = k
        kid = self.dev.protected.map.get(4)
        if kid not in by_kid:
            raise Fail("CHAIN_UNTRUSTED_ROOT")
        self.root_key = by_kid[kid]
        self._verify_cert(self.dev, self.root_key)
        self.device_key = cose.key_from_map(self.dc[CNF][1])
        self._verify_cert(self.ak, self.device_key)
        if self.akc[UEID] != self.dc[UEID]:
            raise Fail("CHAIN_MISMATCH", "UEIDs")
        self.ak_key = cose.key_from_map(self.akc[CNF][1])

    def _verify_cert(self, s, key):
        try:
            cose.verify_sign1(s, key)
        except CoseError as e:
            raise Fail("CHAIN_SIGNATURE_INVALID", e.code)

    # ------------------------------------------------------------------ check 3
    def report_signature(self):
        try:
            cose.verify_sign1(self.report, self.ak_key)
        except CoseError as e:
            raise Fail("REPORT_SIGNATURE_INVALID", e.code)
        r, d, a = self.rc, self.dc, self.akc
        if r[UEID] != d[UEID] or r[OEMID] != d[OEMID] or r[HWMODEL] != d[HWMODEL] or r[MEAS] != a[MEAS] or r[SVN] != a[SVN]:
            raise Fail("CHAIN_MISMATCH", "report and chain")

    # ------------------------------------------------------------------ check 4
    def revocation(self):
        rev = self.trust.get("revoked", {})
        if self.rc[UEID].hex() in rev.get("ueids", []):
            raise Fail("DEVICE_REVOKED")
        ids = {cose.thumbprint(k).hex() for k in (self.root_key, self.device_key, self.ak_key)}
        if ids & set(rev.get("keyIds", [])):
            raise Fail("KEY_REVOKED")

    # ------------------------------------------------------------------ check 5
    def freshness(self):
        p = self.policy
        if p["requireNonce"]:
            if self.nonce is None:
                raise Fail("NONCE_MISSING")
            if self.rc[NONCE] != self.nonce:
                raise Fail("NONCE_MISMATCH")
        if self.expected_ueid is not None and self.rc[UEID] != self.expected_ueid:
            raise Fail("NONCE_WRONG_CHIP")
        if self.nonce is not None and self.nonce in self.used_nonces:
            raise Fail("NONCE_REUSED")
        iat = self.rc[IAT]
        if iat - self.now > p["clockSkewSeconds"]:  # verifier.md §5 note 5: future, then stale
            raise Fail("REPORT_FROM_FUTURE")
        if self.now - iat > p["maxAgeSeconds"]:
            raise Fail("REPORT_STALE")

    # ------------------------------------------------------------------ check 6
    def firmware(self):
        oemid, hw = self.rc[OEMID].hex(), self.rc[HWMODEL]
        try:
            hws = hw.decode("utf-8")
        except UnicodeDecodeError:
            hws = None
        models = [m for m in self.reference["models"] if m["oemid"] == oemid and m["hwmodel"] == hws]
        if not models:
            raise Fail("MODEL_UNKNOWN")
        self.model = models[0]
        meas = self.rc[MEAS][1].hex()
        if not any(f["measurement"] == meas for f in self.model["firmware"]):
            raise Fail("FIRMWARE_UNKNOWN")
        if self.rc[SVN] < self.model["minimumSvn"]:
            raise Fail("FIRMWARE_SVN_TOO_LOW")

    def debug(self):
        if self.policy["requireDebugDisabled"] and self.rc[DBGSTAT] not in (2, 3, 4):
            raise Fail("DEBUG_ENABLED")

    def lock_state(self):
        if self.rc[LOCK] in (5, 6):
            raise Fail("CHIP_REPORTS_COMPROMISE")

    # ------------------------------------------------------------------ check 9
    def rollback(self):
        m = self.memory
        if m is None:
            return "not-applicable"
        c = self.rc[COUNTERS]
        if c[1] < int(m["totalOps"]) or c[5] < m["workloadsRun"]:
            raise Fail("COUNTERS_WENT_BACKWARDS")
        if self.rc[BOOTCOUNT] < m["bootcount"]:
            raise Fail("BOOTCOUNT_WENT_BACKWARDS")

    # ------------------------------------------------------------------ check 10
    def _consistency_to_head(self, size1, root1, head_size, head_root):
        found = [(s, p) for s, p in self.consistency if p[0] == size1 and p[1] == head_size]
        if not self.consistency and 11 in self.bundle and self.entries and self.entries[0][0][1] == size1:
            # verifier.md §5 note 10: the bundle carries no consistency receipt, and the frontier's
            # first entry is at size1, so the frontier is the link: folded (no leaf hashes) it must give root1.
            try:
                merkle.root_from_frontier(size1, self.bundle[11], [], root1)
            except merkle.MerkleError as e:
                raise Fail("LOG_INCONSISTENT", "frontier link: " + e.code)
            return
        if not found:
            raise Fail("CONSISTENCY_PROOF_MISSING", f"{size1}->{head_size}")
        s, p = found[0]
        try:
            new_root = merkle.consistency_root(size1, head_size, root1, p[2])
            if new_root != head_root:
                raise Fail("LOG_INCONSISTENT", "root")
            cose.verify_sign1(s, self.ak_key, detached=new_root)
        except (merkle.MerkleError, CoseError) as e:
            raise Fail("LOG_INCONSISTENT", getattr(e, "code", ""))

    def log_consistency(self):
        head = self.rc[LOGHEAD]
        hs, hr = head[1], head[2]
        self.head = (hs, hr)
        remembered = {c["treeSize"]: c for c in (self.memory or {}).get("checkpoints", [])}
        self.base_size = max(remembered) if remembered else 0
        self.accepted_checkpoints = []
        if remembered:
            big = remembered[self.base_size]
            if self.base_size > hs:
                raise Fail("LOG_TRUNCATED")
            if self.base_size == hs and bytes.fromhex(big["rootHash"]) != hr:
                raise Fail("LOG_FORK")
            if self.base_size < hs:
                self._consistency_to_head(self.base_size, bytes.fromhex(big["rootHash"]), hs, hr)
        prev = -1
        for s, c in self.checkpoints:
            try:
                cose.verify_sign1(s, self.ak_key)
            except CoseError as e:
                raise Fail("CHECKPOINT_SIGNATURE_INVALID", e.code)
            # verifier.md §5 note 10, in its order: chip, ascending, not beyond the head, counts,
            # remembered root, at the head's size its root (LOG_FORK) then its counters
            size, root = c[TREESIZE], c[ROOTHASH]
            if c[UEID] != self.rc[UEID] or size <= prev:
                raise Fail("CHECKPOINT_MISMATCH")
            prev = size
            if size > hs:
                raise Fail("LOG_TRUNCATED", "checkpoint")
            if _counts_more(c[COUNTERS], self.rc[COUNTERS]):
                raise Fail("CHECKPOINT_MISMATCH", "counts more")
            if size in remembered and bytes.fromhex(remembered[size]["rootHash"]) != root:
                raise Fail("LOG_FORK", "checkpoint")
            if size == hs:
                if root != hr:
                    raise Fail("LOG_FORK", "checkpoint at the head's size")
                if c[COUNTERS] != self.rc[COUNTERS]:
                    raise Fail("CHECKPOINT_MISMATCH", "at the head's size")
            elif size > 0:
                self._consistency_to_head(size, root, hs, hr)
            self.accepted_checkpoints.append(c)
        if 9 in self.bundle:
            self._notes(self.bundle[9])

    def _notes(self, notes):
        """checkpoint.md §2.3, steps 1-5."""
        try:
            if self.log_key_cert is None:
                raise Fail("LOG_KEY_UNCERTIFIED", "absent")
            s, c = self.log_key_cert  # decoded by check 1 (encoding.md §13 layer 6)
            cose.verify_sign1(s, self.device_key)
            key = cose.key_from_map(c[CNF][1])
            if c[UEID] != self.rc[UEID] or key["curve"] != "Ed25519":
                raise Fail("LOG_KEY_UNCERTIFIED")
        except (Fail, CoseError, KeyError, TypeError) as e:
            raise Fail("LOG_KEY_UNCERTIFIED", getattr(e, "code", ""))
        origin, pub = c[ORIGIN], key[-2]
        key_id = hashlib.sha256(origin.encode() + b"\x0a\x01" + pub).digest()[:4]
        heads = {(self.head[0], self.head[1])} | {(cp[TREESIZE], cp[ROOTHASH]) for _, cp in self.checkpoints}
        for note in notes:
            text, size, root, sigs = _parse_note(note)
            if text.split("\n", 1)[0] != origin:
                raise Fail("NOTE_MISMATCH", "origin")
            if not any(name == origin and blob[:4] == key_id and ed25519.verify(pub, text.encode(), blob[4:])
                       for name, blob in sigs):
                raise Fail("NOTE_SIGNATURE_INVALID")
            if (size, root) not in heads:
                raise Fail("NOTE_MISMATCH", "head")

    # ------------------------------------------------------------------ check 11
    def inclusion(self):
        if not self.entries:
            return "not-applicable"
        hs, hr = self.head
        if 11 in self.bundle:
            return self._frontier(self.bundle[11], hs, hr)
        for entry, d in self.entries:
            try:
                s, proof = self._receipt(d[2], -1)
                size, index, path = proof
                if size != hs or entry[1] != index:
                    raise Fail("ENTRY_NOT_INCLUDED", "size or index")
                leaf = merkle.leaf_hash(d[1])
                merkle._size(size)
                merkle._size(index)
                for h in path:
                    merkle._hash(h)
                if index >= size or len(path) != merkle._inclusion_length(index, size):
                    raise Fail("ENTRY_NOT_INCLUDED", "proof shape")
                root = merkle._root_from_inclusion(index, size, leaf, path)
                if root != hr:
                    raise Fail("ENTRY_NOT_INCLUDED", "root")
                cose.verify_sign1(s, self.ak_key, detached=root)
            except (Fail, CoseError, merkle.MerkleError) as e:
                raise Fail("ENTRY_NOT_INCLUDED", getattr(e, "code", ""))

    def _frontier(self, frontier, hs, hr):
        """verifier.md §5 check 11, the frontier form (§2; merkle.md §9): indices s, s + 1, ... without
        a gap, the last the head's size - 1, and the root from the frontier and the entries' leaf
        hashes the head's root. Every failure is ENTRY_NOT_INCLUDED."""
        s = self.entries[0][0][1]
        for i, (entry, _) in enumerate(self.entries):
            if entry[1] != s + i:
                raise Fail("ENTRY_NOT_INCLUDED", f"entry {i} at index {entry[1]}, not {s + i}")
        if s + len(self.entries) != hs:
            raise Fail("ENTRY_NOT_INCLUDED", "the entries do not end at the head")
        try:
            merkle.root_from_frontier(s, frontier, [merkle.leaf_hash(d[1]) for _, d in self.entries], hr)
        except merkle.MerkleError as e:
            raise Fail("ENTRY_NOT_INCLUDED", e.code)

    # ------------------------------------------------------------------ check 12
    def openings(self):
        opened = [(e, d[3]) for e, d in self.entries if 3 in d]
        if not opened:
            return "not-applicable"
        for entry, op in opened:
            det = entry[5]
            if op[1] != entry[1] or 5 not in det:
                raise Fail("OPENING_MISMATCH", "index")
            salt = op[2]
            if _commit(b"hemkit/v1/workload-commitment", salt, op[3]) != det[5]:
                raise Fail("OPENING_MISMATCH", "commitment")
            if entry[4] == 13:
                parents = op.get(4, [])
                if [_commit(b"hemkit/v1/model-state-commitment", salt, p) for p in parents] != det[17] \
                        or 5 not in op or _commit(b"hemkit/v1/model-state-commitment", salt, op[5]) != det[18]:
                    raise Fail("OPENING_MISMATCH", "states")
            elif 4 in op or 5 in op:
                raise Fail("OPENING_MISMATCH", "states on a plain workload")

    # ------------------------------------------------------------------ check 13
    def counters_vs_log(self):
        self.covered = []
        hs, _ = self.head
        base = self.base_size
        m = self.memory
        base_ops = int(m["totalOps"]) if m else 0
        base_runs = m["workloadsRun"] if m else 0
        c = self.rc[COUNTERS]
        head_mem = c.get(6, 0)
        # the counter at the base: zero for a new chip, else remembered (verifier.md §4); only when
        # it is not known (a migrated store) from a carried checkpoint of the base's size
        base_mem = 0 if m is None else int(m["memoryBytes"]) if m.get("memoryBytes") is not None else None
        if base_mem is None:
            for cp in self.accepted_checkpoints:
                if cp[TREESIZE] == base:
                    base_mem = cp[COUNTERS].get(6, 0)
        if hs == base:
            # verifier.md §5 note 13: at the base's size the counters (and the memory bytes when
            # known) must not have moved, even forward; then the check is not applicable
            if c[1] != base_ops or c[5] != base_runs or (base_mem is not None and head_mem != base_mem):
                raise Fail("COUNTERS_LOG_MISMATCH", "head at the base moved")
            return "not-applicable"
        disclosed = {e[1]: e for e, _ in self.entries}
        covered = self.covered
        for i in range(base, hs):
            if i not in disclosed:
                raise Fail("LOG_COVERAGE_INCOMPLETE", f"entry {i}")
            covered.append(disclosed[i])
        ops = runs = 0
        mem = 0
        for j, e in enumerate(covered):
            k, det = e[4], e[5]
            if k in (7, 13):
                ops += det[8]
                runs += 1
            elif k == 14:
                ops += sum(det[20].values())
                runs += det[19]
            elif k == 16:
                prev = covered[j - 1] if j > 0 else None
                ok = det[25] >= 1 and prev is not None and (
                    (5 in det and prev[4] in (7, 13) and prev[5].get(5) == det[5]) or
                    (5 not in det and prev[4] == 14))
                if not ok:
                    raise Fail("COUNTERS_LOG_MISMATCH", "memory-transferred placement")
                mem += det[25]
        if c[1] - base_ops != ops or c[5] - base_runs != runs:
            raise Fail("COUNTERS_LOG_MISMATCH", "ops or runs")
        if base_mem is not None:
            if head_mem - base_mem != mem:
                raise Fail("COUNTERS_LOG_MISMATCH", "memory bytes")
        elif mem > head_mem:
            raise Fail("COUNTERS_LOG_MISMATCH", "memory bytes above the counter")

    # ------------------------------------------------------------------ check 14
    def _issuer_set(self, keys_hex, threshold):
        keys = [cose.decode_key(bytes.fromhex(k)) for k in keys_hex]
        return {"keys": {cose.thumbprint(k): k for k in keys}, "k": threshold, "seq": 0, "hash": None}

    def _k_of_n(self, s, iset):
        """licence.md §2: signatures in array order, refused not skipped."""
        seen = set()
        for i, sg in enumerate(s.signers):
            kid = sg.protected.map.get(4)
            if kid not in iset["keys"]:
                raise Fail("LICENCE_UNKNOWN_SIGNER", f"signature {i}")
            if kid in seen:
                raise Fail("LICENCE_DUPLICATE_SIGNER", f"signature {i}")
            try:
                cose.verify_signer(s, i, iset["keys"][kid])
            except CoseError as e:
                raise Fail("LICENCE_SIGNATURE_INVALID", e.code)
            seen.add(kid)
        if len(seen) < iset["k"]:
            raise Fail("LICENCE_TOO_FEW_SIGNATURES")

    def _issuer_chain(self):
        li = self.trust["licenceIssuers"]
        chain = [self._issuer_set(li["keys"], li["threshold"])]
        for i, data in enumerate(self.bundle.get(10, [])):
            try:
                s = cose.decode_sign(data)
                cose.check_typ(s.protected.map, s.unprotected, "application/vnd.hemkit.issuer-set-update+cbor")
                c = cbor.decode(s.payload, allowed_tags=())
                self.v.family("issuer-set-update-claims", c)
            except (CoseError, CborError, schema.MessageError, TypeError) as e:
                raise Fail("LICENCE_MALFORMED", f"update {i}")
            self._k_of_n(s, chain[-1])
            if c[UEID] != self.rc[UEID]:
                raise Fail("LICENCE_WRONG_CHIP", f"update {i}")
            if c[-72027] <= chain[-1]["seq"]:
                raise Fail("ISSUERS_UPDATE_REPLAYED", f"update {i}")
            keys = [cose.key_from_map(k) for k in c[-72025]]
            tps = {cose.thumbprint(k) for k in keys}
            if len(tps) != len(keys) or not 1 <= c[-72026] <= len(keys):
                raise Fail("ISSUERS_SET_INVALID", f"update {i}")
            chain.append({"keys": {cose.thumbprint(k): k for k in keys}, "k": c[-72026], "seq": c[-72027],
                          "hash": hashlib.sha256(s.payload).digest()})
        return chain

    def licence(self):
        m = self.memory or {}
        chain = self._issuer_chain()
        lics = []
        for data in self.bundle.get(7, []):
            s = cose.decode_sign(data)
            lics.append((s, cbor.decode(s.payload, allowed_tags=()), hashlib.sha256(s.payload).digest()))
        walk = self.covered
        # the set in force at the base (verifier.md §5 note 14): the anchor from the empty log, else
        # the remembered one, which the chain must reach; only when not known, the walk's evidence
        updates = [e[5][23] for e in walk if e[4] == 15]
        known_set = m.get("issuerSet") if self.memory is not None else None
        if self.base_size > 0 and known_set is not None:
            want = (known_set["seq"], known_set["hash"])
            pos = next((i for i, st in enumerate(chain)
                        if (st["seq"], st["hash"].hex() if st["hash"] else None) == want), None)
            if pos is None:
                raise Fail("ISSUERS_UPDATE_NOT_PRESENTED", "the remembered set")
        elif self.base_size == 0:
            pos = 0
        elif updates:
            pos = next((i for i, st in enumerate(chain) if st["seq"] == updates[0]), len(chain)) - 1
        else:
            pos = 0 if self.base_size == 0 else len(chain) - 1
        pos = max(pos, 0)
        remembered = {k: int(v) for k, v in (m.get("licenceUsage") or {}).items()}
        usage = dict(remembered)
        installed = {}  # lid hex -> (hash, set index, svn at installation)
        ever = set(remembered)
        active = m.get("activeLicence")
        boots = any(e[4] in (1, 9) for e in walk)
        known_svn = m.get("svn") if self.memory is not None else None
        if self.base_size > 0 and known_svn is not None:
            # verifier.md §5.2: the remembered SVN; without a boot the report's caps it
            svn = known_svn if boots else min(known_svn, self.rc[SVN])
        else:
            svn = None if boots else self.rc[SVN]  # from entry 0 the walk begins with the provisioning boot
        base_pos = pos
        remembered_mem = {k: int(v) for k, v in (m.get("memoryUsage") or {}).items()} if self.memory is not None else {}
        mem_usage = dict(remembered_mem)
        mem_known = set(remembered_mem) if self.memory is not None else None  # None: every licence known
        used = []
        classes = {}
        judged = {}

        def judge(lid):
            if lid in judged:
                return judged[lid]
            found = [x for x in lics if x[1][7].hex() == lid]
            if not found:
                raise Fail("LICENCE_NOT_PRESENTED", lid)
            if lid in installed:
                found = [x for x in found if x[2] == installed[lid][0]]
                if not found:
                    raise Fail("LICENCE_UNACCOUNTED", "payload hash")
                s, c, h = found[0]
                self._k_of_n(s, chain[installed[lid][1]])
            else:
                s, c, h = found[0]
                err = None
                for st in reversed(chain[:base_pos + 1]):
                    try:
                        self._k_of_n(s, st)
                        err = None
                        break
                    except Fail as f:
                        err = err or f
                if err:
                    raise err
            if c[UEID] != self.rc[UEID]:
                raise Fail("LICENCE_WRONG_CHIP")
            judged[lid] = c
            return c

        def window(c, t):
            if not c[5] <= t < c[4]:
                raise Fail("LICENCE_OUT_OF_WINDOW")

        def min_svn(c):
            if svn is not None and c.get(-72024, 0) > svn:
                raise Fail("LICENCE_SVN_TOO_LOW")

        for e in walk:
            k, det, t = e[4], e[5], e[2]
            if k in (1, 9):
                svn = det[12]
            elif k == 15:
                if pos + 1 >= len(chain) or chain[pos + 1]["seq"] != det[23] or chain[pos + 1]["hash"] != det[24]:
                    raise Fail("ISSUERS_UPDATE_NOT_PRESENTED")
                pos += 1
            elif k == 2:
                lid = det[1].hex()
                if lid in ever:
                    raise Fail("LICENCE_REINSTALLED", lid)
                ever.add(lid)
                installed[lid] = (det[2], pos, svn)
                usage.setdefault(lid, 0)
                mem_usage.setdefault(lid, 0)
                if mem_known is not None:
                    mem_known.add(lid)
                for s, c, h in lics:
                    if h == det[2]:
                        min_svn(c)
                # judged at its installation, used or not (verifier.md §5 note 14, fault order)
                judge(lid)
                active = lid
            elif k in (6, 7, 13, 14, 16):
                if k == 16:
                    # judged, then its memory-transfer quota, remembered plus new (note 14 fault order)
                    if active is not None:
                        c = judge(active)
                        mem_usage[active] = mem_usage.get(active, 0) + det[25]
                        if -72028 in c and (mem_known is None or active in mem_known) \
                                and mem_usage[active] > c[-72028]:
                            raise Fail("LICENCE_QUOTA_EXCEEDED", "memory transfer")
                    continue
                if active is None:
                    raise Fail("LICENCE_UNACCOUNTED", "no licence admits work")
                c = judge(active)
                if active not in used:
                    used.append(active)
                if k == 6:
                    classes[det[5]] = det[6]
                    if det[6] not in c[-72021] or (7 in det and -72019 in c and det[7] > c[-72019]):
                        raise Fail("LICENCE_UNACCOUNTED", "class or cluster")
                    window(c, t)
                    min_svn(c)
                elif k in (7, 13):
                    usage[active] = usage.get(active, 0) + det[8]
                else:
                    if any(p not in c[-72021] for p in det[20]):
                        raise Fail("LICENCE_UNACCOUNTED", "aggregate classes")
                    window(c, det[21])
                    window(c, det[22])
                    min_svn(c)
                    usage[active] = usage.get(active, 0) + sum(det[20].values())
        self.head_state = {"svn": min(svn, self.rc[SVN]) if svn is not None else self.rc[SVN],
                           "issuerSet": ({"seq": chain[pos]["seq"], "hash": chain[pos]["hash"].hex()
                                          if chain[pos]["hash"] else None}
                                         if self.base_size == 0 or known_set is not None or updates else None),
                           "memoryBytes": self.rc[COUNTERS].get(6, 0),
                           "memoryUsage": {k: v for k, v in mem_usage.items()
                                           if mem_known is None or k in mem_known}}
        named = self.rc.get(-72003)
        if named is None and not installed and not used:
            self.licence_memory = (usage, active)
            self.licences_used, self.judged = used, judged
            return "not-applicable"
        for lid in used:
            c = judge(lid)
            if usage[lid] > c[-72018]:
                raise Fail("LICENCE_QUOTA_EXCEEDED")
        if named is not None:
            lid = named[1].hex()
            c = judge(lid)
            if usage.get(lid, 0) > c[-72018]:
                raise Fail("LICENCE_QUOTA_EXCEEDED")
            if named[2] > c[-72018]:
                raise Fail("LICENCE_QUOTA_EXCEEDED", "remaining above the quota")
            if named[2] != c[-72018] - usage.get(lid, 0):
                raise Fail("LICENCE_UNACCOUNTED", "remaining quota")
            # the remaining memory-transfer quota (verifier.md §5 note 14)
            if (5 in named) != (-72028 in c):
                raise Fail("LICENCE_UNACCOUNTED", "remaining memory quota present exactly with a quota")
            if 5 in named:
                if named[5] > c[-72028]:
                    raise Fail("LICENCE_QUOTA_EXCEEDED", "remaining memory above the quota")
                if (mem_known is None or lid in mem_known) and named[5] != c[-72028] - mem_usage.get(lid, 0):
                    raise Fail("LICENCE_UNACCOUNTED", "remaining memory quota")
            if self.rc[LOCK] == 0:
                if lid != active:
                    raise Fail("LICENCE_UNACCOUNTED", "unlocked under another licence")
                window(c, self.rc[IAT])
                if svn is not None:
                    min_svn(c)
                elif c.get(-72024, 0) > self.rc[SVN]:
                    raise Fail("LICENCE_SVN_TOO_LOW")
        self.licence_memory = (usage, active)
        self.licences_used, self.judged = used, judged

    # ------------------------------------------------------------------ check 15
    def usage_rate(self):
        m = self.memory
        slack = self.policy["maxAgeSeconds"] + self.policy["clockSkewSeconds"]
        skew = self.policy["clockSkewSeconds"]
        peak = int(self.model["peakOpsPerSecond"])
        if m is not None:
            new_ops = self.rc[COUNTERS][1] - int(m["totalOps"])
            if new_ops > peak * (self.now - m["lastAppraisedAt"] + slack):
                raise Fail("USAGE_IMPLAUSIBLE", "since the last appraisal")
        usage, _ = getattr(self, "licence_memory", ({}, None))
        remembered = {k: int(v) for k, v in (m or {}).get("licenceUsage", {}).items()}
        timed = [(lid, usage[lid] - remembered.get(lid, 0)) for lid in getattr(self, "licences_used", [])]
        for lid, ops in timed:
            c = self.judged[lid]
            start = c[5] if m is None else max(c[5], m["lastAppraisedAt"] - slack)
            if ops > peak * (min(self.now, c[4]) + skew - start):
                raise Fail("USAGE_IMPLAUSIBLE", f"under licence {lid}")
        if m is None and not timed:
            return "not-applicable"

    # ------------------------------------------------------------------ driver
    def run(self, bundle_bytes, given):
        """given: outcomes taken from the vector for checks not implemented here."""
        steps = [("encoding", lambda: self.encoding(bundle_bytes)), ("certificate-chain", self.certificate_chain),
                 ("report-signature", self.report_signature), ("revocation", self.revocation),
                 ("freshness", self.freshness), ("firmware", self.firmware), ("debug", self.debug),
                 ("lock-state", self.lock_state), ("rollback", self.rollback),
                 ("log-consistency", self.log_consistency), ("inclusion", self.inclusion),
                 ("openings", self.openings), ("counters-vs-log", self.counters_vs_log),
                 ("licence", self.licence), ("usage-rate", self.usage_rate)]
        out = {}
        self.unimplemented = set()
        for name, fn in steps:
            if any(out[n] in ("not-run",) or out[n] not in ("pass", "not-applicable") for n in NEEDS.get(name, [])):
                out[name] = "not-run"
                continue
            if fn is None:
                out[name] = given[name]
                self.unimplemented.add(name)
                continue
            try:
                r = fn()
                out[name] = "pass" if r is None else r
            except Fail as f:
                out[name] = f.code
            except NotImplementedError:
                out[name] = given[name]
                self.unimplemented.add(name)
        return out


def _b64(text):
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if base64.b64encode(raw).decode() == text else None


def _parse_note(note):
    """c2sp.org/signed-note@v1.0.0 as checkpoint.md §2 profiles it; NOTE_MALFORMED otherwise."""
    bad = Fail("NOTE_MALFORMED")
    if "\n\n" not in note or not note.endswith("\n"):
        raise bad
    text, sig_block = note.split("\n\n", 1)
    text += "\n"
    lines = text.split("\n")[:-1]
    if len(lines) != 3 or not re.fullmatch(r"0|[1-9][0-9]*", lines[1]):
        raise bad
    root = _b64(lines[2])
    if root is None or len(root) != 32:
        raise bad
    sigs = []
    for line in sig_block.split("\n")[:-1]:
        m = re.fullmatch("\u2014 (\\S+) (\\S+)", line)
        if not m:
            raise bad
        blob = _b64(m.group(2))
        if blob is None or len(blob) < 5:
            raise bad
        sigs.append((m.group(1), blob))
    if not sigs:
        raise bad
    return text, int(lines[1]), root, sigs


def _counts_more(c, r):
    return any(c.get(k, 0) > r.get(k, 0) for k in (1, 3, 4, 5, 6)) or \
        any(v > r[2].get(p, 0) for p, v in c[2].items())


def _commit(label, salt, data):
    return hashlib.sha256(label + b"\x00" + salt + data).digest()


TV = {  # attestation-result.md §3.1
    ("certificate-chain", "pass"): ("hardware", 2), ("certificate-chain", "CHAIN_UNTRUSTED_ROOT"): ("hardware", 97),
    ("certificate-chain", "CHAIN_SIGNATURE_INVALID"): ("hardware", 99), ("certificate-chain", "CHAIN_MISMATCH"): ("hardware", 99),
    ("report-signature", "pass"): ("instance-identity", 2),
    ("report-signature", "REPORT_SIGNATURE_INVALID"): ("instance-identity", 99),
    ("report-signature", "CHAIN_MISMATCH"): ("instance-identity", 99),
    ("revocation", "pass"): ("instance-identity", 2), ("revocation", "DEVICE_REVOKED"): ("instance-identity", 96),
    ("revocation", "KEY_REVOKED"): ("instance-identity", 96),
    ("firmware", "pass"): ("executables", 3), ("firmware", "MODEL_UNKNOWN"): ("hardware", 97),
    ("firmware", "FIRMWARE_UNKNOWN"): ("executables", 33), ("firmware", "FIRMWARE_SVN_TOO_LOW"): ("executables", 96),
    ("debug", "pass"): ("configuration", 2), ("debug", "DEBUG_ENABLED"): ("configuration", 32),
    ("lock-state", "pass"): ("hardware", 2), ("lock-state", "CHIP_REPORTS_COMPROMISE"): ("hardware", 96),
}
CLAIMS = ["instance-identity", "configuration", "executables", "hardware"]


def _tier(v):  # AR4SI tiers: affirming 0..31 (and -1), warning 32..95, contraindicated 96..127
    return 2 if v >= 96 else 1 if v >= 32 else 0


def trustworthiness(checks):
    if checks["encoding"] not in ("pass",):
        return {c: 1 for c in CLAIMS}
    got = {}
    for name in CHECKS:
        key = (name, checks[name])
        if key in TV:
            claim, value = TV[key]
            if claim not in got or _tier(value) > _tier(got[claim]):
                got[claim] = value
    return {c: got[c] for c in CLAIMS if c in got}


def status(checks):
    bad = [n for n in CHECKS if checks[n] not in ("pass", "not-applicable")]
    if not bad:
        return "affirming"
    if bad == ["debug"]:
        return "warning"
    return "contraindicated"
