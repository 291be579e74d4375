"""Ed25519 verification, RFC 8032 §5.1, strict as specs/cose.md §3.1 requires.

Extended homogeneous coordinates (RFC 8032 §5.1.4). Correctness over speed.
"""
import hashlib

P = 2 ** 255 - 19
L = 2 ** 252 + 27742317777372353535851937790883648493  # group order, RFC 8032 §5.1
D = (-121665 * pow(121666, P - 2, P)) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)


def _add(p1, p2):  # RFC 8032 §5.1.4, addition formulas
    x1, y1, z1, t1 = p1
    x2, y2, z2, t2 = p2
    a = (y1 - x1) * (y2 - x2) % P
    b = (y1 + x1) * (y2 + x2) % P
    c = 2 * t1 * t2 * D % P
    dd = 2 * z1 * z2 % P
    e, f, g, h = b - a, dd - c, dd + c, b + a
    return (e * f % P, g * h % P, f * g % P, e * h % P)


def _mul(s, pt):
    q = (0, 1, 1, 0)
    while s > 0:
        if s & 1:
            q = _add(q, pt)
        pt = _add(pt, pt)
        s >>= 1
    return q


def _equal(p1, p2):
    x1, y1, z1, _ = p1
    x2, y2, z2, _ = p2
    return (x1 * z2 - x2 * z1) % P == 0 and (y1 * z2 - y2 * z1) % P == 0


def decode_point(b):
    """RFC 8032 §5.1.3; returns None for a non-canonical or off-curve encoding.

    Strict: y MUST be below p, and x = 0 with the sign bit set is refused (specs/cose.md §3.1).
    """
    if len(b) != 32:
        return None
    y = int.from_bytes(b, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    if y >= P:
        return None
    u = (y * y - 1) % P
    v = (D * y * y + 1) % P
    x = (u * pow(v, 3, P) * pow(u * pow(v, 7, P), (P - 5) // 8, P)) % P
    if (v * x * x - u) % P != 0:
        if (v * x * x + u) % P != 0:
            return None
        x = x * SQRT_M1 % P
    if x == 0 and sign:
        return None
    if x & 1 != sign:
        x = P - x
    return (x, y, 1, x * y % P)


B = decode_point(bytes.fromhex("5866666666666666666666666666666666666666666666666666666666666666"))
IDENTITY = (0, 1, 1, 0)


def is_small_order(pt):
    return _equal(_mul(8, pt), IDENTITY)


def valid_public_key(b):
    """A canonical encoding of a point not of small order (specs/cose.md §3.1, §7)."""
    pt = decode_point(b)
    return pt is not None and not is_small_order(pt)


def verify(pub, msg, sig):
    """RFC 8032 §5.1.7 with the cofactored equation [8][S]B = [8]R + [8][k]A."""
    if len(sig) != 64:
        return False
    a = decode_point(pub)
    r = decode_point(sig[:32])
    if a is None or r is None:
        return False
    s = int.from_bytes(sig[32:], "little")
    if s >= L:
        return False
    k = int.from_bytes(hashlib.sha512(sig[:32] + pub + msg).digest(), "little")
    lhs = _mul(8, _mul(s, B))
    rhs = _mul(8, _add(r, _mul(k, a)))
    return _equal(lhs, rhs)
