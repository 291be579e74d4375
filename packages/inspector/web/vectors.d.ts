declare module 'virtual:hemkit-vectors' {
  import type { MemoryJson } from '@hemkit/inspector';
  export interface PageEvidenceVector {
    id: string;
    description: string;
    now: number;
    nonce: string | null;
    bundle: string;
    expectedUeid?: string;
    trust?: unknown;
    reference?: unknown;
    memory?: MemoryJson;
    expected: { status: string; checks: Record<string, string>; trustworthinessVector?: Record<string, number> };
  }
  export const evidenceFiles: { file: string; description: string; independent: boolean; trust: unknown; reference: unknown; policy: unknown; vectors: PageEvidenceVector[] }[];
  export const messageFiles: { file: string; family: string; vectors: { id: string; description: string; input: string; result: string; code?: string }[] }[];
}
