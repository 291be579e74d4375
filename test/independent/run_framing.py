"""Family framing: test-vectors/framing/frames.json (specs/test-vectors.md §2.6, module-commands.md §2).
Each stream is fed whole, one byte at a time and in chunks of 3: the outcome must not depend on it."""

FILES = ["framing/frames.json"]
FORMATS = {"hemkit-frames/v1"}


class Receiver:
    def __init__(self, max_bytes):
        self.max = max_bytes
        self.buf = b""
        self.frames = []
        self.fault = None

    def feed(self, chunk):
        if self.fault:
            return
        self.buf += chunk
        while len(self.buf) >= 4:
            n = int.from_bytes(self.buf[:4], "big")
            if n == 0:
                self.fault = "FRAME_EMPTY"
                return
            if n > self.max:  # refused before the item is read
                self.fault = "FRAME_TOO_LARGE"
                return
            if len(self.buf) < 4 + n:
                return
            self.frames.append(self.buf[4:4 + n].hex())
            self.buf = self.buf[4 + n:]

    def end(self):
        if not self.fault and self.buf:
            self.fault = "FRAME_TRUNCATED"


def check(v):
    data = bytes.fromhex(v["input"])
    for size in (max(len(data), 1), 1, 3):
        r = Receiver(v.get("maxFrameBytes", 1048576))
        for i in range(0, len(data), size):
            r.feed(data[i:i + size])
        r.end()
        if r.frames != v["frames"]:
            return f"chunks of {size}: frames {r.frames}"
        if (r.fault or "valid") != (v.get("code") or "valid"):
            return f"chunks of {size}: {r.fault}"
    if v["result"] == "valid" and b"".join(len(bytes.fromhex(f)).to_bytes(4, "big") + bytes.fromhex(f)
                                           for f in v["frames"]) != data:
        return "framing the items does not give the input"
    return None
