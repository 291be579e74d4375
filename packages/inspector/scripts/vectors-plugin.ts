/**
 * The test vectors built into the page (`virtual:hemkit-vectors`): the evidence vectors with the
 * verifier inputs each is appraised with, and the message vectors, each with what it expects. Only
 * the members the page uses are kept, so the page carries the bytes and not their diagnostics.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Plugin } from 'vite';

const ID = 'virtual:hemkit-vectors';

interface EvidenceVector {
  id: string;
  description: string;
  now: number;
  nonce: string | null;
  expectedUeid?: string;
  bundle: string;
  trust?: unknown;
  reference?: unknown;
  memory?: unknown;
  expected: { status: string; checks: Record<string, string>; trustworthinessVector?: Record<string, number> };
}

interface MessageVector {
  id: string;
  description: string;
  input: string;
  result: string;
  code?: string;
}

export function vectorsPlugin(dir: string): Plugin {
  const read = (path: string) => JSON.parse(readFileSync(join(dir, path), 'utf8')) as Record<string, unknown>;
  return {
    name: 'hemkit-vectors',
    resolveId: (id) => (id === ID ? `\0${ID}` : undefined),
    load(id) {
      if (id !== `\0${ID}`) return undefined;
      const evidence = readdirSync(join(dir, 'evidence'))
        .filter((f) => f.endsWith('.json'))
        .sort()
        .map((file) => {
          const f = read(join('evidence', file));
          this.addWatchFile(join(dir, 'evidence', file));
          return {
            file: `evidence/${file}`,
            description: f.description,
            independent: f.independent === true,
            trust: f.trust,
            reference: f.reference,
            policy: f.policy,
            vectors: (f.vectors as EvidenceVector[]).map((v) => ({
              id: v.id,
              description: v.description,
              now: v.now,
              nonce: v.nonce,
              bundle: v.bundle,
              ...(v.expectedUeid === undefined ? {} : { expectedUeid: v.expectedUeid }),
              ...(v.trust === undefined ? {} : { trust: v.trust }),
              ...(v.reference === undefined ? {} : { reference: v.reference }),
              ...(v.memory === undefined ? {} : { memory: v.memory }),
              expected: v.expected,
            })),
          };
        });
      const messages = readdirSync(join(dir, 'messages'))
        .filter((f) => f.endsWith('.json'))
        .sort()
        .map((file) => {
          const f = read(join('messages', file));
          return {
            file: `messages/${file}`,
            family: f.family,
            vectors: (f.vectors as MessageVector[]).map((v) => ({ id: v.id, description: v.description, input: v.input, result: v.result, ...(v.code === undefined ? {} : { code: v.code }) })),
          };
        });
      return `export const evidenceFiles = ${JSON.stringify(evidence)};\nexport const messageFiles = ${JSON.stringify(messages)};\n`;
    },
  };
}
