"""ECDSA verification over P-256 and P-384 (FIPS 186-5 §6.4.2 / SEC 1 §4.1.4), signatures r || s
as RFC 9053 §2.1 carries them. High S is accepted (specs/cose.md §3.1). Correctness over speed.
"""
import hashlib


class Curve:
    def __init__(self, name, p, a, b, gx, gy, n, size, hash_fn):
        self.name, self.p, self.a, self.b, self.n, self.size, self.hash = name, p, a, b, n, size, hash_fn
        self.g = (gx, gy)

    def on_curve(self, pt):
        x, y = pt
        return 0 <= x < self.p and 0 <= y < self.p and (y * y - (x * x * x + self.a * x + self.b)) % self.p == 0

    # Jacobian coordinates; None is the point at infinity
    def _dbl(self, pt):
        if pt is None:
            return None
        x, y, z = pt
        p = self.p
        if y == 0:
            return None
        s = 4 * x * y * y % p
        m = (3 * x * x + self.a * pow(z, 4, p)) % p
        x3 = (m * m - 2 * s) % p
        y3 = (m * (s - x3) - 8 * pow(y, 4, p)) % p
        z3 = 2 * y * z % p
        return (x3, y3, z3)

    def _add(self, p1, p2):
        if p1 is None:
            return p2
        if p2 is None:
            return p1
        p = self.p
        x1, y1, z1 = p1
        x2, y2, z2 = p2
        u1 = x1 * z2 * z2 % p
        u2 = x2 * z1 * z1 % p
        s1 = y1 * pow(z2, 3, p) % p
        s2 = y2 * pow(z1, 3, p) % p
        if u1 == u2:
            return self._dbl(p1) if s1 == s2 else None
        h = (u2 - u1) % p
        r = (s2 - s1) % p
        h2 = h * h % p
        h3 = h * h2 % p
        x3 = (r * r - h3 - 2 * u1 * h2) % p
        y3 = (r * (u1 * h2 - x3) - s1 * h3) % p
        z3 = h * z1 * z2 % p
        return (x3, y3, z3)

    def _mul(self, k, pt):
        q = None
        j = (pt[0], pt[1], 1)
        while k:
            if k & 1:
                q = self._add(q, j)
            j = self._dbl(j)
            k >>= 1
        return q

    def _mul2(self, a, p1, b, p2):
        """a·P1 + b·P2 in one pass over the bits (Shamir's trick): same result, half the doublings."""
        j1, j2 = (p1[0], p1[1], 1), (p2[0], p2[1], 1)
        both = self._add(j1, j2)
        q = None
        for i in range(max(a.bit_length(), b.bit_length()) - 1, -1, -1):
            q = self._dbl(q)
            bits = ((a >> i) & 1, (b >> i) & 1)
            if bits == (1, 1):
                q = self._add(q, both)
            elif bits == (1, 0):
                q = self._add(q, j1)
            elif bits == (0, 1):
                q = self._add(q, j2)
        return q

    def _affine_x(self, pt):
        if pt is None:
            return None
        x, y, z = pt
        zi = pow(z, self.p - 2, self.p)
        return x * zi * zi % self.p

    def verify(self, pub, msg, sig):
        """pub is the SEC 1 uncompressed point; SEC 1 §4.1.4 steps 1-8."""
        if len(sig) != 2 * self.size:
            return False
        r = int.from_bytes(sig[:self.size], "big")
        s = int.from_bytes(sig[self.size:], "big")
        if not (1 <= r < self.n and 1 <= s < self.n):
            return False
        q = (int.from_bytes(pub[1:1 + self.size], "big"), int.from_bytes(pub[1 + self.size:], "big"))
        e = int.from_bytes(self.hash(msg).digest(), "big")  # hash length equals the order's here
        w = pow(s, -1, self.n)
        pt = self._mul2(e * w % self.n, self.g, r * w % self.n, q)
        x = self._affine_x(pt)
        return x is not None and x % self.n == r


P256 = Curve(
    "P-256",
    0xffffffff00000001000000000000000000000000ffffffffffffffffffffffff,
    -3,
    0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b,
    0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296,
    0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5,
    0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551,
    32, hashlib.sha256)
P384 = Curve(
    "P-384",
    2 ** 384 - 2 ** 128 - 2 ** 96 + 2 ** 32 - 1,
    -3,
    0xb3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aef,
    0xaa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7,
    0x3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5f,
    0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973,
    48, hashlib.sha384)
