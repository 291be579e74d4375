/**
 * `hemkit inspect`'s text: the diagnostic notation, then the named tree that @hemkit/inspector
 * describes, with the console's emphasis.
 */
import { tree, type Described, type Tree } from '@hemkit/inspector';
import { bold, dim } from './output.js';

/** The diagnostic notation, then the named tree. */
export function render(d: Described): string {
  const lines = [d.diagnostic];
  if (d.tree !== null && typeof d.tree === 'object' && !Array.isArray(d.tree) && 'payload' in d.tree) {
    const m = d.tree as Record<string, Tree>;
    lines.push('', dim(m.message === 'COSE_Sign1' ? `COSE_Sign1, alg ${m.alg}; signature not verified (no key given)` : `COSE_Sign with ${(m.signers as Tree[]).length} signer(s): ${(m.signers as Tree[]).join(', ')}; signatures not verified`));
    const payload = m.payload;
    if (payload !== null) {
      lines.push(bold(`payload (decoded): ${m.payloadKind}`));
      lines.push(d.payloadDiagnostic ?? tree(payload, 1));
    }
    return lines.join('\n');
  }
  lines.push('', bold(d.kind), tree(d.tree, 1));
  return lines.join('\n');
}
