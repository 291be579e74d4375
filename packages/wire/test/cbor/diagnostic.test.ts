import { describe, expect, it } from 'vitest';
import { CborTag, cborMap, decode, toDiagnostic } from '../../src/cbor/index.js';
import { fromHex } from '../support/expect-code.js';

describe('diagnostic notation (RFC 8949 §8)', () => {
  it('renders every kind of item', () => {
    const value = decode(
      fromHex('d28443a10126a10442313154546869732069732074686520636f6e74656e742e4401020304'),
    );
    expect(toDiagnostic(value)).toBe(
      `18([h'a10126', {4: h'3131'}, h'546869732069732074686520636f6e74656e742e', h'01020304'])`,
    );
    expect(toDiagnostic([true, false, null, -1, 'a"b', 2n ** 64n, cborMap([])])).toBe(
      `[true, false, null, -1, "a\\"b", 18446744073709551616, {}]`,
    );
  });

  it('indents nested structures and annotates map keys by path', () => {
    const value = cborMap([[256, new Uint8Array([1])], [10, cborMap([[1, 2]])]]);
    const text = toDiagnostic(value, {
      indent: 2,
      annotate: (path, key) => (path.length === 0 && key === 256 ? 'ueid' : path[0] === 10 ? 'inner' : undefined),
    });
    expect(text).toBe(`{\n  256 / ueid /: h'01',\n  10: {\n    1 / inner /: 2\n  }\n}`);
    expect(toDiagnostic(new CborTag(61, []), { indent: 2 })).toBe('61([])');
  });
});
