import { describe, expect, it } from 'vitest';
import { consistencyProof, inclusionProof, merkleRoot } from '../../src/merkle/index.js';
import { fromHex, HASHERS, hex } from './support.js';

// Known answers for proof generation, from an implementation no one on this project wrote: the
// eight-leaf tree of transparency-dev/merkle (proof/verify_test.go, Apache 2.0), whose leaves are the
// byte strings below and whose roots MTH(D[0:n]) for n = 1..8 and proofs are given in hex there.
const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
const ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const INCLUSION_PROOFS: readonly { index: number; size: number; proof: string[] }[] = [
  { index: 0, size: 1, proof: [] },
  {
    index: 0,
    size: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    index: 5,
    size: 8,
    proof: [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  { index: 2, size: 3, proof: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'] },
  {
    index: 1,
    size: 5,
    proof: [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
];
const CONSISTENCY_PROOFS: readonly { size1: number; size2: number; proof: string[] }[] = [
  { size1: 1, size2: 1, proof: [] },
  {
    size1: 1,
    size2: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    size1: 6,
    size2: 8,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  {
    size1: 2,
    size2: 5,
    proof: [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
  {
    size1: 6,
    size2: 7,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
];

describe.each(HASHERS)('RFC 9162 proof generation (reference tree) with %s', (_name, hasher) => {
  const leafHashes = LEAVES.map((leaf) => hasher.hashLeaf(fromHex(leaf)));

  it('gives the empty tree the hash of the empty string (MTH({}) = HASH())', () => {
    expect(hex(merkleRoot(hasher, []))).toBe(hex(hasher.emptyRoot()));
  });

  it.each(ROOTS.map((root, i) => [i + 1, root] as const))('computes MTH of the first %i leaves', (size, root) => {
    expect(hex(merkleRoot(hasher, leafHashes.slice(0, size)))).toBe(root);
  });

  it.each(INCLUSION_PROOFS)('computes PATH($index, D[$size])', ({ index, size, proof }) => {
    expect(inclusionProof(hasher, leafHashes.slice(0, size), index).map(hex)).toEqual(proof);
  });

  it.each(CONSISTENCY_PROOFS)('computes PROOF($size1, D[$size2])', ({ size1, size2, proof }) => {
    expect(consistencyProof(hasher, leafHashes, size1, size2).map(hex)).toEqual(proof);
  });

  it('returns a root that is not the caller’s own leaf array', () => {
    const root = merkleRoot(hasher, leafHashes.slice(0, 1));
    expect(root).not.toBe(leafHashes[0]);
    expect(hex(root)).toBe(hex(leafHashes[0]!));
  });
});
