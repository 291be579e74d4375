"""Deterministic signing, so that the vectors' signatures can be reproduced (specs/test-vectors.md
§2.2, §2.3): Ed25519 per RFC 8032 §5.1.5-§5.1.6, ECDSA with RFC 6979 §3.2 nonces and low S
(specs/cose.md §3.1)."""
import hashlib
import hmac

import ecdsa
import ed25519


class KeyError_(Exception):
    code = "CRYPTO_INVALID_PRIVATE_KEY"


def _encode_point(pt):
    x, y, z, _ = pt
    zi = pow(z, ed25519.P - 2, ed25519.P)
    x, y = x * zi % ed25519.P, y * zi % ed25519.P
    return (y | ((x & 1) << 255)).to_bytes(32, "little")


def _ed_secret(seed):
    if len(seed) != 32:  # RFC 8032 §5.1.5: the private key is the 32-byte seed
        raise KeyError_()
    h = hashlib.sha512(seed).digest()
    a = int.from_bytes(h[:32], "little")
    a &= (1 << 254) - 8
    a |= 1 << 254
    return a, h[32:]


def ed25519_public(seed):
    a, _ = _ed_secret(seed)
    return _encode_point(ed25519._mul(a, ed25519.B))


def ed25519_sign(seed, msg):
    a, prefix = _ed_secret(seed)
    pub = _encode_point(ed25519._mul(a, ed25519.B))
    r = int.from_bytes(hashlib.sha512(prefix + msg).digest(), "little") % ed25519.L
    big_r = _encode_point(ed25519._mul(r, ed25519.B))
    k = int.from_bytes(hashlib.sha512(big_r + pub + msg).digest(), "little") % ed25519.L
    return big_r + ((r + k * a) % ed25519.L).to_bytes(32, "little")


def _scalar(curve, d):
    if len(d) != curve.size:
        raise KeyError_()
    x = int.from_bytes(d, "big")
    if not 1 <= x < curve.n:
        raise KeyError_()
    return x


def ecdsa_public(curve, d):
    x = _scalar(curve, d)
    pt = curve._mul(x, curve.g)
    zi = pow(pt[2], curve.p - 2, curve.p)
    ax, ay = pt[0] * zi * zi % curve.p, pt[1] * zi * zi * zi % curve.p
    return b"\x04" + ax.to_bytes(curve.size, "big") + ay.to_bytes(curve.size, "big")


def _rfc6979_k(curve, x, h1):
    """RFC 6979 §3.2 (qlen = hlen for P-256/SHA-256 and P-384/SHA-384)."""
    n, size = curve.n, curve.size
    hashfn = curve.hash
    bx = x.to_bytes(size, "big") + (int.from_bytes(h1, "big") % n).to_bytes(size, "big")
    v = b"\x01" * len(h1)
    k = b"\x00" * len(h1)
    k = hmac.new(k, v + b"\x00" + bx, hashfn).digest()
    v = hmac.new(k, v, hashfn).digest()
    k = hmac.new(k, v + b"\x01" + bx, hashfn).digest()
    v = hmac.new(k, v, hashfn).digest()
    while True:
        v = hmac.new(k, v, hashfn).digest()
        cand = int.from_bytes(v, "big")
        if 1 <= cand < n:
            return cand
        k = hmac.new(k, v + b"\x00", hashfn).digest()
        v = hmac.new(k, v, hashfn).digest()


def ecdsa_sign(curve, d, msg):
    x = _scalar(curve, d)
    h1 = curve.hash(msg).digest()
    e = int.from_bytes(h1, "big")
    k = _rfc6979_k(curve, x, h1)
    r = curve._affine_x(curve._mul(k, curve.g)) % curve.n
    s = pow(k, -1, curve.n) * (e + r * x) % curve.n
    if s > curve.n // 2:
        s = curve.n - s  # low S (cose.md §3.1)
    return r.to_bytes(curve.size, "big") + s.to_bytes(curve.size, "big")


CURVES = {"p256-sha256": ecdsa.P256, "p384-sha384": ecdsa.P384}


def public_key(scheme, priv):
    return ed25519_public(priv) if scheme == "ed25519" else ecdsa_public(CURVES[scheme], priv)


def sign(scheme, priv, msg):
    return ed25519_sign(priv, msg) if scheme == "ed25519" else ecdsa_sign(CURVES[scheme], priv, msg)
