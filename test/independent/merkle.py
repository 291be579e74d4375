"""RFC 9162 §2.1 Merkle trees as specs/merkle.md profiles them (SHA-256), with its error codes and
the order of checks of merkle.md §6."""
import hashlib

MAX = 2 ** 53 - 1


class MerkleError(Exception):
    def __init__(self, code):
        super().__init__(code)
        self.code = code


def _h(b):
    return hashlib.sha256(b).digest()


def leaf_hash(d):
    return _h(b"\x00" + d)


def node(l, r):
    return _h(b"\x01" + l + r)


def mth(leaves):
    """merkle.md §1 (RFC 9162 §2.1.1)."""
    n = len(leaves)
    if n == 0:
        return _h(b"")
    if n == 1:
        return leaf_hash(leaves[0])
    k = 1
    while k * 2 < n:
        k *= 2
    return node(mth(leaves[:k]), mth(leaves[k:]))


def _size(x):
    # merkle.md §2: integers 0 .. 2^53-1; JSON 1.5 arrives as a float, booleans are not integers
    if isinstance(x, bool) or not isinstance(x, int) or x < 0 or x > MAX:
        raise MerkleError("MERKLE_INVALID_TREE_SIZE")
    return x


def _hash(b):
    if len(b) != 32:
        raise MerkleError("MERKLE_INVALID_HASH_LENGTH")
    return b


def _inclusion_length(i, n):
    inner = (i ^ (n - 1)).bit_length()
    border = bin(i >> inner).count("1")
    return inner + border


def _root_from_inclusion(i, n, h, proof):
    """merkle.md §3 step 5 (RFC 9162 §2.1.3.2); sizes and hashes already checked."""
    fn, sn, r = i, n - 1, h
    for c in proof:
        if fn % 2 == 1 or fn == sn:
            r = node(c, r)
            if fn % 2 == 0:
                while fn % 2 == 0 and fn != 0:
                    fn //= 2
                    sn //= 2
        else:
            r = node(r, c)
        fn //= 2
        sn //= 2
    return r


def verify_inclusion(i, n, h, proof, root):
    _size(n)
    _size(i)
    _hash(h)
    _hash(root)
    for c in proof:
        _hash(c)
    if i >= n:
        raise MerkleError("MERKLE_INDEX_OUT_OF_RANGE")
    if len(proof) != _inclusion_length(i, n):
        raise MerkleError("MERKLE_PROOF_WRONG_LENGTH")
    if _root_from_inclusion(i, n, h, proof) != root:
        raise MerkleError("MERKLE_ROOT_MISMATCH")


def _tz(x):
    return (x & -x).bit_length() - 1


def verify_consistency(m, n, r1, r2, proof):
    """merkle.md §4 (RFC 9162 §2.1.4.2)."""
    _size(m)
    _size(n)
    _hash(r1)
    _hash(r2)
    for c in proof:
        _hash(c)
    if m > n:
        raise MerkleError("MERKLE_SIZE_DECREASED")
    if m == 0:
        raise MerkleError("MERKLE_EMPTY_TREE_CONSISTENCY")
    if m == n:
        if proof:
            raise MerkleError("MERKLE_PROOF_WRONG_LENGTH")
        if r1 != r2:
            raise MerkleError("MERKLE_ROOT_MISMATCH")
        return
    if consistency_root(m, n, r1, proof) != r2:
        raise MerkleError("MERKLE_ROOT_MISMATCH")


def consistency_root(m, n, r1, proof):
    """merkle.md §4 step 6 for 0 < m < n: the second root the proof leads to from the first, whose
    own recomputation must give r1 (also what receipts.md §5 needs)."""
    _size(m)
    _size(n)
    for c in proof:
        _hash(c)
    if m > n:
        raise MerkleError("MERKLE_SIZE_DECREASED")
    inner = ((m - 1) ^ (n - 1)).bit_length()
    border = bin((m - 1) >> inner).count("1")
    pow2 = m & (m - 1) == 0
    want = (inner - _tz(m)) + border + (0 if pow2 else 1)
    if len(proof) != want:
        raise MerkleError("MERKLE_PROOF_WRONG_LENGTH")
    p = ([r1] if pow2 else []) + list(proof)
    fn, sn = m - 1, n - 1
    while fn % 2 == 1:
        fn //= 2
        sn //= 2
    fr = sr = p[0]
    for c in p[1:]:
        if fn % 2 == 1 or fn == sn:
            fr = node(c, fr)
            sr = node(c, sr)
            if fn % 2 == 0:
                while fn % 2 == 0 and fn != 0:
                    fn //= 2
                    sn //= 2
        else:
            sr = node(sr, c)
        fn //= 2
        sn //= 2
    if fr != r1:
        raise MerkleError("MERKLE_ROOT_MISMATCH")
    return sr


def verify_subtree_inclusion(i, start, end, h, proof, subtree_hash):
    """merkle.md §5."""
    _size(i)
    _size(start)
    _size(end)
    _hash(h)
    _hash(subtree_hash)
    for c in proof:
        _hash(c)
    if not start < end:
        raise MerkleError("MERKLE_INVALID_SUBTREE")
    ceil = 1
    while ceil < end - start:
        ceil *= 2
    if start % ceil != 0:
        raise MerkleError("MERKLE_INVALID_SUBTREE")
    if not start <= i < end:
        raise MerkleError("MERKLE_INDEX_OUT_OF_RANGE")
    verify_inclusion(i - start, end - start, h, proof, subtree_hash)


def root_from_frontier(s, frontier, leaves, expected=None):
    """merkle.md §9, root from a frontier: start s, the frontier F(s), the leaf hashes h(s) .. h(n-1)."""
    _size(s)
    _size(s + len(leaves))
    for h in list(frontier) + list(leaves):
        _hash(h)
    if len(frontier) != bin(s).count("1"):
        raise MerkleError("MERKLE_PROOF_WRONG_LENGTH")
    stack = list(frontier)
    for i, h in enumerate(leaves, start=s):
        stack.append(h)
        size = i + 1
        while size % 2 == 0:  # one completed perfect subtree per trailing zero bit of i + 1
            r, l = stack.pop(), stack.pop()
            stack.append(node(l, r))
            size //= 2
    if not stack:
        root = _h(b"")
    else:
        root = stack[-1]
        for e in reversed(stack[:-1]):
            root = node(e, root)
    if expected is not None and root != expected:
        raise MerkleError("MERKLE_ROOT_MISMATCH")
    return root
