/**
 * Strict deterministic CBOR vs raw cbor-x (which checks nothing) on a ~150-byte map with integer
 * keys, shaped like a hemkit claims set. Goals (issue #2, on this 2-core machine): 250k decodes/s and
 * 200k encodes/s, against about 945k/465k for raw cbor-x measured here in the same run.
 */
import { Encoder as CborXEncoder } from 'cbor-x';
import { cborMap, decode, encode, type CborValue } from '../src/cbor/index.js';
import { measure, report } from './harness.js';

export function sampleClaims(): CborValue {
  return cborMap([
    [10, new Uint8Array(32).fill(7)], // eat_nonce
    [256, new Uint8Array([1, ...new Uint8Array(16).fill(9)])], // ueid
    [259, 'hemkit-sim-a1'], // hwmodel
    [263, 2], // dbgstat
    [267, 14], // bootcount
    [6, 1_795_000_000], // iat
    [
      -72001, // counters
      cborMap([
        [1, 2n ** 70n + 12345n], // total operations: a bignum
        [2, 123_456_789_012],
        [3, 86_400],
        [4, 9_000_000_000],
        [5, 42],
      ]),
    ],
    [-72003, cborMap([[1, 'lic-0007'], [2, 10n ** 21n], [3, 1_800_000_000]])],
    [-72004, 1], // lock-state
  ]);
}

export async function benchCbor(): Promise<void> {
  const value = sampleClaims();
  const bytes = encode(value);
  const cborx = new CborXEncoder({ useRecords: false, mapsAsObjects: false, variableMapSize: true });
  const rawBytes = cborx.encode(value);
  console.log(`CBOR: a ${bytes.length}-byte claims map with integer keys (raw cbor-x writes ${rawBytes.length} bytes)`);
  const baselineDecode = measure('raw cbor-x decode', () => cborx.decode(rawBytes));
  const strictDecode = measure('strict deterministic decode', () => decode(bytes));
  report(strictDecode, baselineDecode);
  console.log(`    absolute goal 250k/s: ${strictDecode.opsPerSecond >= 250_000 ? 'met' : 'NOT met'}`);
  const baselineEncode = measure('raw cbor-x encode', () => cborx.encode(value));
  const strictEncode = measure('deterministic encode', () => encode(value));
  report(strictEncode, baselineEncode);
  console.log(`    absolute goal 200k/s: ${strictEncode.opsPerSecond >= 200_000 ? 'met' : 'NOT met'}`);
}
