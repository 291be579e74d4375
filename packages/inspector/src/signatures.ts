/**
 * Signatures checked against keys a person provides (specs/cose.md §5): a COSE_Key in hex, or every
 * key of a trust file (manufacturer roots and licence issuers). Each signature of the message is
 * tried against each key; the result names the key that verified it, or the code of the failure
 * under the key whose kid it names (else the last tried). A COSE_Sign1 whose key is certified inside
 * an evidence bundle is the appraisal's job, which checks the certificate first.
 */
import { bytesEqual, fromHex } from '@hemkit/wire/bytes';
import { decode } from '@hemkit/wire/cbor';
import { decodeCoseKey, decodeSign, decodeSign1, verifySign1, verifySignature, type CosePublicKey } from '@hemkit/wire/cose';
import { getBackend } from '@hemkit/wire/crypto';
import { HemkitError, isHemkitError } from '@hemkit/wire/errors';
import { keyThumbprint } from '@hemkit/wire/messages';

export interface NamedKey {
  readonly label: string;
  readonly key: CosePublicKey;
}

export interface SignatureCheck {
  /** Which signature: 0 for a COSE_Sign1, the COSE_Signature's index for a COSE_Sign. */
  readonly index: number;
  readonly verified: boolean;
  /** The key that verified it, or the key the failure was found under. */
  readonly keyLabel: string | undefined;
  readonly code?: string;
  readonly message?: string;
}

const HEX_KEY = /^\s*(?:[0-9a-fA-F]{2}\s*)+$/;

/**
 * Keys from pasted text: a COSE_Key in hex, or a trust file's JSON (its manufacturers and licence
 * issuers, labelled). Throws HemkitError COSE_KEY_INVALID or VERIFIER_INPUT_INVALID.
 */
export function parseKeys(text: string): NamedKey[] {
  if (HEX_KEY.test(text)) return [{ label: 'the pasted key', key: decodeCoseKey(decode(fromHex(text))) }];
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new HemkitError('VERIFIER_INPUT_INVALID', 'keys: neither a COSE_Key in hex nor a trust file in JSON');
  }
  const anchors = typeof json === 'object' && json !== null && 'trust' in json ? (json as { trust: unknown }).trust : json;
  const t = anchors as { manufacturers?: { name?: string; key?: string }[]; licenceIssuers?: { keys?: string[] } };
  const keys: NamedKey[] = [];
  for (const m of t.manufacturers ?? []) if (typeof m.key === 'string') keys.push({ label: `manufacturer ${m.name ?? ''}`.trim(), key: decodeCoseKey(decode(fromHex(m.key))) });
  (t.licenceIssuers?.keys ?? []).forEach((k, i) => keys.push({ label: `licence issuer ${i + 1}`, key: decodeCoseKey(decode(fromHex(k))) }));
  if (keys.length === 0) throw new HemkitError('VERIFIER_INPUT_INVALID', 'keys: the JSON names no manufacturer or licence-issuer key');
  return keys;
}

/** Every signature of a COSE_Sign1 (tag 18) or COSE_Sign (tag 98) against `keys`, on the noble backend. */
export function checkSignatures(bytes: Uint8Array, keys: readonly NamedKey[]): SignatureCheck[] {
  const backend = getBackend('noble');
  const tag = bytes[0];
  if (tag === 0xd2) {
    const message = decodeSign1(bytes);
    return [tryKeys(0, message.kid, keys, (key) => void verifySign1(message, key, { backend }))];
  }
  const message = decodeSign(bytes);
  return message.signatures.map((s, index) => tryKeys(index, s.kid, keys, (key) => verifySignature(message, index, key, { backend })));
}

function tryKeys(index: number, kid: Uint8Array | undefined, keys: readonly NamedKey[], verify: (key: CosePublicKey) => void): SignatureCheck {
  let failure: SignatureCheck = { index, verified: false, keyLabel: undefined, code: 'COSE_SIGNATURE_INVALID', message: 'no key given' };
  for (const k of keys) {
    try {
      verify(k.key);
      return { index, verified: true, keyLabel: k.label };
    } catch (e) {
      if (!isHemkitError(e)) throw e;
      const named = kid !== undefined && bytesEqual(kid, keyThumbprint(k.key));
      if (named || failure.keyLabel === undefined) failure = { index, verified: false, keyLabel: k.label, code: e.code, message: e.message };
    }
  }
  return failure;
}
