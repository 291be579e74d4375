/**
 * The issuer sets a chip has held (specs/messages/licence.md §5a; specs/verifier.md §5, check 14):
 * the verifier's anchor (the set the chip was provisioned with, sequence 0), then each issuer-set
 * update the bundle carries, in order, each checked against the set before it by the chip's own
 * procedure. Which of them was in force at a log entry is the log's to say (`issuers-updated`
 * entries); this file builds the chain and answers for the walk.
 */
import type { CosePublicKey } from '@hemkit/wire/cose';
import type { CryptoBackend } from '@hemkit/wire/crypto';
import { HemkitError } from '@hemkit/wire/errors';
import { checkIssuerSetUpdate, keyThumbprint, type IssuerSet, type IssuersUpdatedEntry } from '@hemkit/wire/messages';
import { toHex } from '@hemkit/wire/bytes';

export interface IssuerLink {
  readonly set: IssuerSet;
  /** The update hash (SHA-256 of its payload) the chip logs; undefined for the anchor. */
  readonly hash: string | undefined;
  /** The set's keys and threshold as one string: what a licence cache entry was checked against. */
  readonly id: string;
}

/**
 * A key's id, the hex of its thumbprint, once per key object: the anchors' issuer keys and a cached
 * chain's keys are the same objects at every appraisal, and each thumbprint is an encoding and a hash.
 */
const keyIds = new WeakMap<CosePublicKey, string>();
export function keyIdOf(key: CosePublicKey): string {
  let id = keyIds.get(key);
  if (id === undefined) {
    id = toHex(keyThumbprint(key));
    keyIds.set(key, id);
  }
  return id;
}

export function issuerSetId(keys: readonly CosePublicKey[], threshold: number): string {
  return `${threshold}/${keys.map(keyIdOf).sort().join(',')}`;
}

/**
 * The chain from the anchor through `updates`. An update that fails the chip's procedure against the
 * set before it fails the appraisal with the chip's code, naming its place in the bundle.
 */
export function followIssuerChain(
  anchor: { readonly keys: readonly CosePublicKey[]; readonly threshold: number },
  updates: readonly Uint8Array[],
  ueid: Uint8Array,
  backend: CryptoBackend | undefined,
): IssuerLink[] {
  const first: IssuerSet = { keys: anchor.keys, threshold: anchor.threshold, sequence: 0 };
  const chain: IssuerLink[] = [{ set: first, hash: undefined, id: issuerSetId(first.keys, first.threshold) }];
  updates.forEach((bytes, i) => {
    try {
      const accepted = checkIssuerSetUpdate(bytes, chain[chain.length - 1]!.set, ueid, backend);
      chain.push({ set: accepted.set, hash: toHex(accepted.hash), id: issuerSetId(accepted.set.keys, accepted.set.threshold) });
    } catch (e) {
      if (!(e instanceof HemkitError)) throw e;
      throw new HemkitError(e.code, `issuer-set update ${i} of the bundle, against the set before it: ${e.message}`, { cause: e });
    }
  });
  return chain;
}

/** The chain's index of the update an `issuers-updated` entry logged, which must follow `previous`. */
export function appliedUpdate(chain: readonly IssuerLink[], entry: IssuersUpdatedEntry, previous: number): number {
  const hash = toHex(entry.details.updateHash);
  const at = chain.findIndex((link) => link.hash === hash);
  if (at < 0) {
    throw new HemkitError('ISSUERS_UPDATE_NOT_PRESENTED', `entry ${entry.index} applies issuer-set update ${hash.slice(0, 16)}…, which the bundle does not carry`);
  }
  if (at !== previous + 1 || chain[at]!.set.sequence !== entry.details.issuerSetSequence) {
    throw new HemkitError(
      'ISSUERS_UPDATE_NOT_PRESENTED',
      `entry ${entry.index} applies issuer-set update ${hash.slice(0, 16)}… (sequence ${entry.details.issuerSetSequence}), which the bundle carries as update ${at - 1}, not next after update ${previous - 1}`,
    );
  }
  return at;
}
