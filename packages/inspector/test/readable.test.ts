import { describe, expect, it } from 'vitest';
import { encode, fromHex } from '@hemkit/wire';
import { layout } from '../src/layout.js';
import { count, readable, shortHex } from '../src/readable.js';

const read = (value: unknown, name?: string) => {
  const bytes = encode(value as never);
  return readable(layout(bytes), bytes, name);
};

describe('readable values', () => {
  it('counts with thousands separators and their power of ten', () => {
    expect(count(1200000000000000000000n)).toBe('1,200,000,000,000,000,000,000 (1.2 × 10^21)');
    expect(count(12345n)).toBe('12,345 (≈ 1.234 × 10^4)');
    expect(count(100000000000000000005n)).toBe('100,000,000,000,000,000,005 (≈ 1 × 10^20)');
    expect(count(9999n)).toBe('9,999');
    expect(count(-100000n)).toBe('-100,000 (-1 × 10^5)');
  });

  it('reads a bignum as the count it is', () => {
    expect(read(10n ** 24n, 'totalOps')).toMatchObject({ text: '1,000,000,000,000,000,000,000,000 (1 × 10^24)', exact: '1000000000000000000000000', reading: 'count' });
  });

  it('reads times as dates, by field name only', () => {
    expect(read(1800000000, 'iat')).toMatchObject({ text: '2027-01-15T08:00:00Z', reading: 'time' });
    expect(read(1800000000, 'treeSize').reading).toBe('count');
  });

  it('names enums', () => {
    expect(read(0, 'lockState')).toMatchObject({ text: 'unlocked', reading: 'enum' });
    expect(read(-8, 'alg')).toMatchObject({ text: 'EdDSA', reading: 'enum' });
    expect(read(99, 'lockState')).toMatchObject({ text: '99', reading: 'integer' });
  });

  it('shortens hashes and keeps the full hex to copy', () => {
    const hex = 'ab'.repeat(32);
    expect(read(fromHex(hex))).toEqual({ text: shortHex(hex), exact: hex, copy: hex, reading: 'hash' });
    expect(shortHex(hex)).toBe('abababab…abababab');
  });

  it('shows text fields that are bytes as text', () => {
    expect(read(new TextEncoder().encode('hemkit-sim-a1'), 'hwmodel').text).toBe('"hemkit-sim-a1"');
  });
});
