import { describe, expect, it } from 'vitest';
import { readFile, readText } from '../src/input.js';

const bytes = (...b: number[]) => new Uint8Array(b);

describe('reading pasted text', () => {
  it('reads hex, with white space, either case and a leading 0x', () => {
    expect(readText('a1 01\n0A')).toEqual({ bytes: bytes(0xa1, 0x01, 0x0a), reading: 'hex' });
    expect(readText('0xA10102')).toEqual({ bytes: bytes(0xa1, 0x01, 0x02), reading: 'hex' });
  });

  it('reads base64 and base64url when the text is not hex', () => {
    expect(readText('oQEC')).toEqual({ bytes: bytes(0xa1, 0x01, 0x02), reading: 'base64' });
    expect(readText('__8=')).toEqual({ bytes: bytes(0xff, 0xff), reading: 'base64' });
  });

  it('takes any other text as its own UTF-8 bytes', () => {
    expect(readText('not a message!')).toEqual({ bytes: new TextEncoder().encode('not a message!'), reading: 'text' });
    expect(readText('abcde')?.reading).toBe('text'); // odd hex digits, impossible base64 length
  });

  it('has nothing to read in empty or blank text', () => {
    expect(readText('')).toBeUndefined();
    expect(readText(' \n\t')).toBeUndefined();
  });
});

describe('reading a file', () => {
  it('takes a hex text file as the bytes it spells, as hemkit inspect does', () => {
    expect(readFile(new TextEncoder().encode('a1 01 02\n'))).toEqual({ bytes: bytes(0xa1, 0x01, 0x02), reading: 'hex file' });
  });

  it('takes any other file as it is', () => {
    expect(readFile(bytes(0xa1, 0x01, 0x02))).toEqual({ bytes: bytes(0xa1, 0x01, 0x02), reading: 'file' });
    expect(readFile(new TextEncoder().encode('abc'))).toEqual({ bytes: new TextEncoder().encode('abc'), reading: 'file' });
    expect(readFile(bytes())).toEqual({ bytes: bytes(), reading: 'file' });
  });
});
