/**
 * reconcileLog (specs/security.md §10.2): the committed entries are found and checked against the
 * committed root; derived files are rebuilt from them; only what lies beyond the committed size is
 * dropped, or, for a restored older state, kept; what cannot be reconciled is refused with its code
 * and left exactly as it was found.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileLogStore, reconcileLog, UNRECONCILED_DIR, type EntryDelimiter } from '../../src/log/file.js';
import { faultyFs } from '../support/faulty-fs.js';
import { appendBytes, cutFile, expectCode, fileLength, hasher, hex, Reference, removeDir, tempDir, thrownBy } from './support.js';

/**
 * Entries that can be delimited without the offsets file, as the device's CBOR entries can: a length
 * byte, the entry's index (mod 256), then a body.
 */
function framedEntry(index: number): Uint8Array {
  const body = Array.from({ length: (index * 5) % 13 }, (_, j) => (index * 7 + j) % 256);
  return Uint8Array.from([1 + body.length, index % 256, ...body]);
}
const framed = Array.from({ length: 40 }, (_, i) => framedEntry(i));
const delimit: EntryDelimiter = (window, index) => {
  const length = 1 + (window[0] ?? 0);
  return window.length >= 2 && length <= window.length && window[1] === index % 256 ? length : undefined;
};

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) removeDir(dir);
});

/** A closed log of the first `count` framed entries. */
function logDir(count: number, list: readonly Uint8Array[] = framed): string {
  const dir = tempDir();
  dirs.push(dir);
  const store = FileLogStore.open(dir, hasher);
  for (const entry of list.slice(0, count)) store.append(entry);
  store.close();
  return dir;
}

const rootOf = (count: number, list: readonly Uint8Array[] = framed) => new Reference(list.slice(0, count));
const committed = (count: number) => ({ size: count, root: Buffer.from(rootOf(count).root(count), 'hex') });

/** Every file under `dir` (recursively) with its bytes, to show that nothing was written. */
function snapshot(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const name of fs.readdirSync(dir, { recursive: true }) as string[]) {
    const file = path.join(dir, name);
    if (fs.statSync(file).isFile()) files.set(name, hex(fs.readFileSync(file)));
  }
  return files;
}

/** Opens the reconciled directory and checks it holds exactly the first `count` entries. */
function expectLog(dir: string, count: number, list: readonly Uint8Array[] = framed): void {
  const store = FileLogStore.open(dir, hasher);
  try {
    expect(store.size).toBe(count);
    expect(hex(store.root())).toBe(rootOf(count, list).root(count));
    for (let i = 0; i < count; i++) expect(hex(store.entry(i)), `entry ${i}`).toBe(hex(list[i]!));
  } finally {
    store.close();
  }
  const bytes = list.slice(0, count).reduce((sum, e) => sum + e.length, 0);
  expect(fileLength(dir, 'entries')).toBe(bytes);
  expect(fileLength(dir, 'offsets')).toBe(count * 8);
}

function flipByte(dir: string, name: string, at: number): void {
  const file = path.join(dir, name);
  const bytes = fs.readFileSync(file);
  bytes[at]! ^= 0x01;
  fs.writeFileSync(file, bytes);
}

describe('reconcileLog on a sound log', () => {
  it('changes nothing and writes nothing: it succeeds on a read-only medium', () => {
    const dir = logDir(21);
    const before = snapshot(dir);
    const medium = faultyFs();
    medium.fail('EROFS');
    expect(reconcileLog(dir, hasher, committed(21), { fs: medium, delimit })).toEqual({ size: 21, repairs: [] });
    expect(snapshot(dir)).toEqual(before);
  });

  it('accepts a directory that does not exist yet for an empty committed log', () => {
    const dir = path.join(logDir(0), 'not-yet');
    expect(reconcileLog(dir, hasher, committed(0))).toEqual({ size: 0, repairs: [] });
    expect(fs.existsSync(dir)).toBe(false);
  });
});

describe('reconcileLog rebuilds derived files from the entries', () => {
  it('an emptied offsets file: all entries kept, the offsets rebuilt', () => {
    const dir = logDir(12);
    cutFile(dir, 'offsets', 0);
    const { size, repairs } = reconcileLog(dir, hasher, committed(12), { delimit });
    expect(size).toBe(12);
    expect(repairs).toEqual([`rebuilt ${path.join(dir, 'offsets')} from the entries`]);
    expectLog(dir, 12);
  });

  it('a last offset lowered by 4: the tail of the last entry is kept, the offsets rebuilt', () => {
    const dir = logDir(12);
    const offsets = fs.readFileSync(path.join(dir, 'offsets'));
    offsets.writeUInt32BE(offsets.readUInt32BE(11 * 8 + 4) - 4, 11 * 8 + 4);
    fs.writeFileSync(path.join(dir, 'offsets'), offsets);
    expect(reconcileLog(dir, hasher, committed(12), { delimit }).repairs).toEqual([`rebuilt ${path.join(dir, 'offsets')} from the entries`]);
    expectLog(dir, 12);
  });

  it('a missing offsets file', () => {
    const dir = logDir(12);
    fs.rmSync(path.join(dir, 'offsets'));
    reconcileLog(dir, hasher, committed(12), { delimit });
    expectLog(dir, 12);
  });

  it('a changed, a missing and a short level file', () => {
    const dir = logDir(37);
    flipByte(dir, 'level-00', 32 * 5 + 3);
    fs.rmSync(path.join(dir, 'level-02'));
    cutFile(dir, 'level-04', 31);
    const { repairs } = reconcileLog(dir, hasher, committed(37));
    expect(repairs).toEqual(['level-00', 'level-02', 'level-04'].map((name) => `rebuilt ${path.join(dir, name)} from the entries`));
    expectLog(dir, 37);
    expect(fileLength(dir, 'level-02')).toBe(9 * 32);
  });
});

describe('reconcileLog beyond the committed size', () => {
  it('drops entries that were never acknowledged, and every derived record that counts them', () => {
    const dir = logDir(30);
    const { size, repairs } = reconcileLog(dir, hasher, committed(25), { delimit });
    expect(size).toBe(25);
    expect(repairs.map((line) => line.split(' (')[0])).toEqual([
      `cut ${path.join(dir, 'entries')} from ${framed.slice(0, 30).reduce((s, e) => s + e.length, 0)} to ${framed.slice(0, 25).reduce((s, e) => s + e.length, 0)} bytes`,
      `cut ${path.join(dir, 'offsets')} from 240 to 200 bytes`,
      `cut ${path.join(dir, 'level-00')} from 960 to 800 bytes`,
      `cut ${path.join(dir, 'level-01')} from 480 to 384 bytes`,
      `cut ${path.join(dir, 'level-02')} from 224 to 192 bytes`,
    ]);
    expectLog(dir, 25);
  });

  it('drops a torn append: bytes of entries, offsets and hashes that no whole record counts', () => {
    const dir = logDir(16);
    appendBytes(dir, 'entries', Uint8Array.of(9, 16, 1));
    appendBytes(dir, 'offsets', Uint8Array.of(0, 0, 0));
    appendBytes(dir, 'level-00', new Uint8Array(20));
    reconcileLog(dir, hasher, committed(16), { delimit });
    expectLog(dir, 16);
  });

  it('keeps them for a restored older state, and copies bytes it cannot delimit aside before cutting them', () => {
    const dir = logDir(30);
    const garbage = Uint8Array.of(0xee, 0xee, 0xee, 0xee, 0xee);
    appendBytes(dir, 'entries', garbage);
    const { size, repairs } = reconcileLog(dir, hasher, committed(20), { delimit, keepBeyond: true });
    expect(size).toBe(30);
    const entriesBytes = framed.slice(0, 30).reduce((s, e) => s + e.length, 0);
    const aside = path.join(dir, UNRECONCILED_DIR, `entries-from-byte-${entriesBytes}`);
    expect(repairs[0]).toBe(`kept 5 bytes after the last entry of ${path.join(dir, 'entries')} in ${aside}`);
    expect(new Uint8Array(fs.readFileSync(aside))).toEqual(garbage);
    expectLog(dir, 30);
  });
});

describe('reconcileLog refuses, and leaves every file as it was', () => {
  const CASES: readonly (readonly [string, 'LOG_INTEGRITY_FAILED' | 'LOG_ENTRIES_MISSING', (dir: string) => void, boolean])[] = [
    ['a changed byte inside an acknowledged entry', 'LOG_INTEGRITY_FAILED', (dir) => flipByte(dir, 'entries', 50), true],
    ['a changed byte inside an acknowledged entry, without a delimiter', 'LOG_INTEGRITY_FAILED', (dir) => flipByte(dir, 'entries', 50), false],
    ['the last acknowledged entry cut short', 'LOG_ENTRIES_MISSING', (dir) => cutFile(dir, 'entries', fileLength(dir, 'entries') - 1), true],
    ['an emptied entries file', 'LOG_ENTRIES_MISSING', (dir) => cutFile(dir, 'entries', 0), true],
    ['an emptied offsets file, without a delimiter to rebuild it', 'LOG_ENTRIES_MISSING', (dir) => cutFile(dir, 'offsets', 0), false],
    [
      'a lowered last offset, without a delimiter to rebuild it',
      'LOG_INTEGRITY_FAILED',
      (dir) => {
        const file = path.join(dir, 'offsets');
        const offsets = fs.readFileSync(file);
        offsets.writeUInt32BE(offsets.readUInt32BE(11 * 8 + 4) - 4, 11 * 8 + 4);
        fs.writeFileSync(file, offsets);
      },
      false,
    ],
  ];

  it.each(CASES)('%s: %s', (_name, code, damage, withDelimiter) => {
    const dir = logDir(12);
    damage(dir);
    const before = snapshot(dir);
    expectCode(() => reconcileLog(dir, hasher, committed(12), withDelimiter ? { delimit } : {}), code);
    expectCode(() => reconcileLog(dir, hasher, committed(12), withDelimiter ? { delimit, keepBeyond: true } : { keepBeyond: true }), code);
    expect(snapshot(dir)).toEqual(before);
  });

  it('a committed root that the entries do not give (LOG_INTEGRITY_FAILED)', () => {
    const dir = logDir(12);
    const before = snapshot(dir);
    const error = expectCode(() => reconcileLog(dir, hasher, { size: 12, root: hasher.emptyRoot() }, { delimit }), 'LOG_INTEGRITY_FAILED');
    expect(error.message).toMatch(/first 12 entries .* do not hash to the root the committed state records/);
    expect(snapshot(dir)).toEqual(before);
  });

  it('a directory without a log for a committed log of entries (LOG_ENTRIES_MISSING)', () => {
    const dir = path.join(logDir(0), 'gone');
    expect(expectCode(() => reconcileLog(dir, hasher, committed(3)), 'LOG_ENTRIES_MISSING').message).toMatch(/holds 0 readable entries; the committed state counts 3/);
  });
});

describe('reconcileLog interrupted', () => {
  it('by a failing medium at any write of a repair, repairs the same way when run again, and never touches a committed entry', () => {
    const damage = (dir: string) => {
      cutFile(dir, 'offsets', 8 * 7 + 3);
      flipByte(dir, 'level-01', 40);
      fs.rmSync(path.join(dir, 'level-03'));
      appendBytes(dir, 'entries', Uint8Array.of(1, 2, 3));
    };
    const template = logDir(26);
    damage(template);
    const entriesBefore = fs.readFileSync(path.join(template, 'entries')).subarray(0, framed.slice(0, 26).reduce((s, e) => s + e.length, 0));
    let completed = false;
    for (let step = 1; !completed; step++) {
      const dir = logDir(26);
      damage(dir);
      const medium = faultyFs();
      medium.failAt(step, step % 2 === 0 ? 'ENOSPC' : 'EIO');
      const thrown = thrownBy(() => reconcileLog(dir, hasher, committed(26), { delimit, fs: medium }));
      completed = thrown === undefined;
      if (!completed) expect((thrown as { code?: string }).code).toMatch(/^STORAGE_(FULL|IO_FAILED)$/);
      expect(fs.readFileSync(path.join(dir, 'entries')).subarray(0, entriesBefore.length)).toEqual(entriesBefore);
      reconcileLog(dir, hasher, committed(26), { delimit });
      expectLog(dir, 26);
      expect(step).toBeLessThan(100);
    }
  });
});
