/** The project's vectors, read for the inspector's tests. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const VECTORS = join(import.meta.dirname, '../../../test-vectors');

export const readVectors = <T>(path: string): T => JSON.parse(readFileSync(join(VECTORS, path), 'utf8')) as T;

export interface EvidenceFile {
  independent?: boolean;
  trust: unknown;
  reference: unknown;
  policy: unknown;
  vectors: { id: string; now: number; nonce: string | null; expectedUeid?: string; bundle: string; trust?: unknown; reference?: unknown; memory?: never; expected: { status: string; checks: Record<string, string>; trustworthinessVector?: Record<string, number> } }[];
}

export const honest = (): EvidenceFile => readVectors<EvidenceFile>('evidence/evidence-honest.json');
export const checks = (): EvidenceFile => readVectors<EvidenceFile>('evidence/evidence-checks.json');
