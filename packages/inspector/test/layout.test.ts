import { describe, expect, it } from 'vitest';
import { encode, fromHex } from '@hemkit/wire';
import { itemAt, layout, LayoutStop } from '../src/layout.js';

describe('layout', () => {
  it('gives every item its head and its byte range', () => {
    // {1: [2, h'aabb'], -72001: "x"}
    const bytes = encode(new Map<number, unknown>([[1, [2, fromHex('aabb')]], [-72001, 'x']]) as never);
    const root = layout(bytes);
    expect(root).toMatchObject({ kind: 'map', start: 0, headEnd: 1, end: bytes.length, argument: 2n });
    const [k1, arr, k2, text] = root.children;
    expect(k1).toMatchObject({ kind: 'uint', start: 1, end: 2, argument: 1n });
    expect(arr).toMatchObject({ kind: 'array', start: 2, end: 7 });
    expect(arr!.children[1]).toMatchObject({ kind: 'bytes', start: 4, headEnd: 5, end: 7 });
    expect(k2).toMatchObject({ kind: 'nint', start: 7, end: 12, argument: 72000n });
    expect(text).toMatchObject({ kind: 'text', start: 12, end: 14 });
  });

  it('lays out a message carried in a byte string at its absolute offsets', () => {
    const inner = encode(new Map([[1, 2]]));
    const bytes = encode([fromHex('00'), inner]);
    const carrier = layout(bytes).children[1]!;
    expect(carrier.embedded).toMatchObject({ kind: 'map', start: carrier.headEnd, end: bytes.length });
    expect(layout(bytes).children[0]!.embedded).toBeUndefined();
  });

  it('does not take a hash for a message', () => {
    const hash = fromHex('a1'.padEnd(64, '7')); // starts like a map, is not one item of the profile
    expect(layout(encode(hash)).embedded).toBeUndefined();
  });

  it('stops where the bytes stop being well-formed, at that offset', () => {
    for (const [hex, offset] of [['82 01', 0], ['82 01 82', 2], ['5f', 0], ['1c', 0], ['19 01', 0]] as const) {
      try {
        layout(fromHex(hex));
        expect.unreachable(hex);
      } catch (e) {
        expect(e, hex).toBeInstanceOf(LayoutStop);
        expect((e as LayoutStop).offset, hex).toBe(offset);
      }
    }
  });

  it('lays out what the strict profile rejects but is well-formed', () => {
    expect(layout(fromHex('a2 02 00 01 00')).children).toHaveLength(4); // unsorted keys
    expect(layout(fromHex('18 01'))).toMatchObject({ kind: 'uint', argument: 1n, end: 2 }); // non-shortest head
  });

  it('finds the innermost items holding a byte', () => {
    const bytes = encode([1, [2, 3]]);
    expect(itemAt(layout(bytes), 4).map((i) => i.start)).toEqual([0, 2, 4]);
    expect(itemAt(layout(bytes), 99)).toEqual([]);
  });
});
