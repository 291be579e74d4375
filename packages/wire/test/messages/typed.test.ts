/**
 * Explicit typing (specs/cose.md §7.2): every signed family carries its own typ in the protected
 * bucket, and a receiver expecting one family refuses every other, whatever the signature.
 */
import { describe, expect, it } from 'vitest';
import { decode, encode } from '../../src/cbor/index.js';
import { decodeSign, decodeSign1, HEADER_CRIT, HEADER_TYP, signSign, signSign1 } from '../../src/cose/index.js';
import {
  attestationKeyCertificateClaims,
  attestationReportClaims,
  checkpointClaims,
  decodeIssuerStatement,
  decodeTypedSign1,
  deviceCertificateClaims,
  firmwareManifestClaims,
  licenceClaims,
  licenceRequestClaims,
  logKeyCertificateClaims,
  openClaims,
  peekClaims,
  revocationClaims,
  issuerSetUpdateClaims,
  signingKey,
  TYP,
  type SignedType,
} from '../../src/messages/index.js';
import { expectCode } from '../support/expect-code.js';

const key = signingKey(-8, new Uint8Array(32).fill(7));
const signer = { alg: key.alg, privateKey: key.privateKey, kid: key.kid };
const oneSigner: SignedType<unknown>[] = [deviceCertificateClaims, attestationKeyCertificateClaims, logKeyCertificateClaims, firmwareManifestClaims, attestationReportClaims, checkpointClaims, licenceRequestClaims] as SignedType<unknown>[];
const statements: SignedType<unknown>[] = [licenceClaims, revocationClaims, issuerSetUpdateClaims] as SignedType<unknown>[];
const payload = encode(new Map([[1, 1]]));
const signedAs = (typ: unknown) => signSign1(payload, signer, { protectedHeaders: new Map([[HEADER_TYP, typ as string]]) });

describe('explicit typing', () => {
  it('gives every signed family its own typ', () => {
    const typs = Object.values(TYP);
    expect(new Set(typs).size).toBe(typs.length);
    expect([...oneSigner, ...statements].map((t) => t.typ).sort()).toEqual(typs.filter((t) => t !== TYP.appraisalResult).sort());
  });

  // Generated over every ordered pair of families rather than a hand-picked list.
  for (const expected of oneSigner) {
    for (const presented of oneSigner) {
      if (presented === expected) continue;
      it(`refuses a ${presented.name} where a ${expected.name} is expected`, () => {
        const bytes = signedAs(presented.typ);
        expectCode(() => decodeTypedSign1(bytes, expected), 'COSE_TYPE_MISMATCH');
        expectCode(() => peekClaims(expected, bytes), 'COSE_TYPE_MISMATCH');
        // Refused by family before the signature or the claims are looked at: the key is right, the claims are junk.
        expectCode(() => openClaims(expected, bytes, key.publicKey), 'COSE_TYPE_MISMATCH');
      });
    }
  }

  it('puts the typ in the protected bucket of what it signs', () => {
    const message = decodeSign1(signedAs(TYP.checkpoint));
    expect(message.protectedHeaders.get(HEADER_TYP)).toBe(TYP.checkpoint);
    expect(decodeTypedSign1(signedAs(TYP.checkpoint), checkpointClaims).payload).toEqual(payload);
  });

  it('refuses a message with no typ', () => {
    expectCode(() => decodeTypedSign1(signSign1(payload, signer), checkpointClaims), 'COSE_TYPE_MISMATCH');
  });

  it('refuses a typ in the unprotected bucket, where no signature covers it', () => {
    const bytes = signSign1(payload, signer, { unprotectedHeaders: new Map([[HEADER_TYP, TYP.checkpoint]]) });
    expectCode(() => decodeTypedSign1(bytes, checkpointClaims), 'COSE_MALFORMED');
  });

  it('refuses a typ that is neither a media type nor a Content-Format number', () => {
    for (const typ of [new Uint8Array([1]), '', -1, 70000]) {
      expectCode(() => decodeTypedSign1(signedAs(typ), checkpointClaims), 'COSE_MALFORMED');
    }
  });

  it('understands typ when crit names it', () => {
    const bytes = signSign1(payload, signer, { protectedHeaders: new Map<number, unknown>([[HEADER_TYP, TYP.checkpoint], [HEADER_CRIT, [HEADER_TYP]]]) as never });
    expect(decodeTypedSign1(bytes, checkpointClaims).payload).toEqual(payload);
  });

  it('refuses an authority statement of the other family, or untyped, as LICENCE_MALFORMED naming the cause', () => {
    const statementAs = (typ?: string) => signSign(payload, [signer], typ ? { protectedHeaders: new Map([[HEADER_TYP, typ]]) } : {});
    for (const expected of statements) {
      for (const typ of [undefined, ...statements.filter((s) => s !== expected).map((s) => s.typ), TYP.checkpoint]) {
        const err = expectCode(() => decodeIssuerStatement(statementAs(typ), expected), 'LICENCE_MALFORMED');
        expect(err.message).toContain('COSE_TYPE_MISMATCH');
      }
    }
    expect(decode(decodeSign(statementAs(TYP.licence)).payload!)).toEqual(new Map([[1, 1]]));
  });
});
