"""Strict deterministic CBOR decoder and encoder, written from specs/encoding.md alone.

Values: int (bignums decode to plain ints, specs/encoding.md §4), bytes, str, list, dict
(keys int or str), Tag(number, content) for tags 18/98/61, True/False/None.
"""
import json

DEFAULT_MAX_DEPTH = 16
DEFAULT_MAX_INPUT = 1048576
DEFAULT_TAGS = frozenset({18, 98, 61})


class CborError(Exception):
    def __init__(self, code, offset=0, detail=""):
        super().__init__(f"{code} at {offset} {detail}")
        self.code = code
        self.offset = offset


class Tag:
    __slots__ = ("number", "content")

    def __init__(self, number, content):
        self.number = number
        self.content = content

    def __eq__(self, other):
        return isinstance(other, Tag) and other.number == self.number and other.content == self.content

    def __repr__(self):
        return f"Tag({self.number}, {self.content!r})"


class _Decoder:
    def __init__(self, data, max_depth, allowed_tags):
        self.d = data
        self.pos = 0
        self.max_depth = max_depth
        self.allowed = allowed_tags

    def fail(self, code, offset):
        raise CborError(code, offset)

    def head(self):
        """Read one head; checks in the order of §9 rule 3 up to the shortest-form check."""
        d, start = self.d, self.pos
        if start >= len(d):
            self.fail("CBOR_TRUNCATED", start)
        ib = d[start]
        mt, ai = ib >> 5, ib & 31
        if ai in (28, 29, 30):
            self.fail("CBOR_RESERVED_ADDITIONAL_INFO", start)
        if ai == 31:
            if mt in (0, 1, 6):
                self.fail("CBOR_RESERVED_ADDITIONAL_INFO", start)
            self.fail("CBOR_INDEFINITE_LENGTH", start)  # types 2-5 indefinite, or the break 0xff
        if ai < 24:
            val, n = ai, 0
        else:
            n = {24: 1, 25: 2, 26: 4, 27: 8}[ai]
            if start + 1 + n > len(d):
                self.fail("CBOR_TRUNCATED", start)
            val = int.from_bytes(d[start + 1:start + 1 + n], "big")
        self.pos = start + 1 + n
        if mt != 7 and n:
            # §2 shortest form (major type 7 has no shortest rule: floats and f8 xx are refused by §5)
            limit = {1: 24, 2: 256, 4: 65536, 8: 1 << 32}[n]
            if val < limit:
                self.fail("CBOR_NON_SHORTEST_HEAD", start)
        return start, mt, ai, val

    def remaining(self):
        return len(self.d) - self.pos

    def item(self, depth):
        start, mt, ai, val = self.head()
        # §8 length versus input, before any element is read
        if mt in (2, 3) and val > self.remaining():
            self.fail("CBOR_TRUNCATED", start)
        if mt == 4 and val > self.remaining():
            self.fail("CBOR_TRUNCATED", start)
        if mt == 5 and 2 * val > self.remaining():
            self.fail("CBOR_TRUNCATED", start)
        if mt == 0:
            return val
        if mt == 1:
            return -1 - val
        if mt == 2:
            b = bytes(self.d[self.pos:self.pos + val])
            self.pos += val
            return b
        if mt == 3:
            b = bytes(self.d[self.pos:self.pos + val])
            try:
                s = b.decode("utf-8")  # strict: no overlong forms, no surrogates, <= U+10FFFF (§6)
            except UnicodeDecodeError:
                self.fail("CBOR_INVALID_UTF8", start)
            self.pos += val
            return s
        if mt == 4:
            if depth + 1 > self.max_depth:
                self.fail("CBOR_DEPTH_EXCEEDED", start)
            return [self.item(depth + 1) for _ in range(val)]
        if mt == 5:
            if depth + 1 > self.max_depth:
                self.fail("CBOR_DEPTH_EXCEEDED", start)
            out = {}
            prev = None
            for _ in range(val):
                kpos = self.pos
                if kpos >= len(self.d):
                    self.fail("CBOR_TRUNCATED", kpos)
                kmt = self.d[kpos] >> 5
                if kmt not in (0, 1, 3):  # §3: key type judged from its initial byte
                    self.fail("CBOR_INVALID_MAP_KEY", kpos)
                key = self.item(depth + 1)
                kenc = bytes(self.d[kpos:self.pos])
                if prev is not None:
                    if kenc == prev:
                        self.fail("CBOR_DUPLICATE_MAP_KEY", kpos)
                    if kenc < prev:
                        self.fail("CBOR_UNSORTED_MAP_KEYS", kpos)
                prev = kenc
                out[key] = self.item(depth + 1)
            return out
        if mt == 6:
            if val in (2, 3):
                if depth + 1 > self.max_depth:
                    self.fail("CBOR_DEPTH_EXCEEDED", start)
                cpos = self.pos
                if cpos >= len(self.d):
                    self.fail("CBOR_TRUNCATED", cpos)
                if self.d[cpos] >> 5 != 2:  # §9 rule 5: content type before its encoding
                    self.fail("CBOR_INVALID_TAG_CONTENT", cpos)
                mag = self.item(depth + 1)
                if len(mag) < 9 or mag[0] == 0:  # §4 preferred serialisation
                    self.fail("CBOR_NON_PREFERRED_BIGNUM", start)
                n = int.from_bytes(mag, "big")
                return n if val == 2 else -1 - n
            if val not in self.allowed:
                self.fail("CBOR_TAG_NOT_ALLOWED", start)
            if depth + 1 > self.max_depth:
                self.fail("CBOR_DEPTH_EXCEEDED", start)
            return Tag(val, self.item(depth + 1))
        # major type 7
        if ai == 20:
            return False
        if ai == 21:
            return True
        if ai == 22:
            return None
        if ai in (25, 26, 27):
            self.fail("CBOR_FLOAT_NOT_ALLOWED", start)
        self.fail("CBOR_SIMPLE_NOT_ALLOWED", start)


def decode(data, max_depth=DEFAULT_MAX_DEPTH, max_input=DEFAULT_MAX_INPUT, allowed_tags=DEFAULT_TAGS):
    data = bytes(data)
    if len(data) > max_input:
        raise CborError("CBOR_INPUT_TOO_LARGE", 0)
    dec = _Decoder(data, max_depth, frozenset(allowed_tags))
    value = dec.item(0)
    if dec.pos != len(data):
        raise CborError("CBOR_TRAILING_BYTES", dec.pos)
    return value


def _head(mt, val):
    if val < 24:
        return bytes([(mt << 5) | val])
    for ai, n in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if val < (1 << (8 * n)):
            return bytes([(mt << 5) | ai]) + val.to_bytes(n, "big")
    raise ValueError("head argument too large")


def encode(v):
    """Deterministic encoding (§10): sorted keys, shortest heads, bignums only beyond 64 bits."""
    if v is True:
        return b"\xf5"
    if v is False:
        return b"\xf4"
    if v is None:
        return b"\xf6"
    if isinstance(v, int):
        if 0 <= v < 1 << 64:
            return _head(0, v)
        if -(1 << 64) <= v < 0:
            return _head(1, -1 - v)
        mag = v if v > 0 else -1 - v
        b = mag.to_bytes((mag.bit_length() + 7) // 8, "big")
        return bytes([0xC2 if v > 0 else 0xC3]) + _head(2, len(b)) + b
    if isinstance(v, (bytes, bytearray)):
        return _head(2, len(v)) + bytes(v)
    if isinstance(v, str):
        b = v.encode("utf-8")
        return _head(3, len(b)) + b
    if isinstance(v, list):
        return _head(4, len(v)) + b"".join(encode(x) for x in v)
    if isinstance(v, dict):
        entries = sorted((encode(k), encode(x)) for k, x in v.items())
        return _head(5, len(v)) + b"".join(k + x for k, x in entries)
    if isinstance(v, Tag):
        return _head(6, v.number) + encode(v.content)
    raise TypeError(f"no CBOR form for {v!r}")


def diagnostic(v):
    """RFC 8949 §8 diagnostic notation as specs/encoding.md §12 prints it."""
    if v is True:
        return "true"
    if v is False:
        return "false"
    if v is None:
        return "null"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, bytes):
        return "h'" + v.hex() + "'"
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list):
        return "[" + ", ".join(diagnostic(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(diagnostic(k) + ": " + diagnostic(x) for k, x in v.items()) + "}"
    if isinstance(v, Tag):
        return f"{v.number}({diagnostic(v.content)})"
    raise TypeError(repr(v))
