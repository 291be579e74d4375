/** Model-state commitments in the log (specs/messages/log-entry.md §3.1). */
import { describe, expect, it } from 'vitest';
import { CMD, EVENT, modelStateCommitment, workloadCommitment } from '@hemkit/wire/messages';
import { expectCode } from '../../../wire/test/support/expect-code.js';
import { scenario, seed, workload } from '../support/scenario.js';

const BASE = seed('state: base model');
const OTHER = seed('state: another model');
const TUNED = seed('state: fine-tuned');

describe('run-workload with model states', () => {
  it('finishes with a workload-finished-lineage entry whose commitments the returned salt opens, in the order given', () => {
    const s = scenario();
    s.chip.send(CMD.installLicence, { licence: s.licence() });
    const params = workload(700n, { parentStates: [BASE, OTHER], producedState: TUNED, busyChipSeconds: 60 });
    const result = s.chip.send(CMD.runWorkload, params);
    const finished = s.entries()[result.finishedIndex!]!;
    if (finished.kind !== EVENT.workloadFinishedLineage) throw new Error(`kind ${finished.kind}`);
    const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
    expect(hex(finished.details.workloadCommitment)).toBe(hex(workloadCommitment(result.salt!, params.workloadDescriptor)));
    expect(finished.details.ops).toBe(700n);
    expect(finished.details.busyChipSeconds).toBe(60);
    expect(finished.details.parentStates.map(hex)).toEqual([BASE, OTHER].map((d) => hex(modelStateCommitment(result.salt!, d))));
    expect(hex(finished.details.producedState)).toBe(hex(modelStateCommitment(result.salt!, TUNED)));
    // the digests themselves never reach the log
    for (const digest of [BASE, OTHER, TUNED]) expect(Buffer.concat(s.log.entries).includes(Buffer.from(digest))).toBe(false);
    expect(s.chip.state!.counters.workloadsRun).toBe(1);
    expect(s.chip.state!.counters.totalOps).toBe(700n);
  });

  it('a produced state with no parents is a root: the entry commits to an empty parent list', () => {
    const s = scenario();
    s.chip.send(CMD.installLicence, { licence: s.licence() });
    const result = s.chip.send(CMD.runWorkload, workload(5n, { producedState: BASE }));
    const finished = s.entries()[result.finishedIndex!]!;
    expect(finished.kind === EVENT.workloadFinishedLineage && finished.details.parentStates.length).toBe(0);
  });

  it('without a produced state the workload finishes with kind 7, byte for byte as before', () => {
    const s = scenario();
    s.chip.send(CMD.installLicence, { licence: s.licence() });
    const result = s.chip.send(CMD.runWorkload, workload(5n));
    expect(s.entries()[result.finishedIndex!]!.kind).toBe(EVENT.workloadFinished);
  });

  it.each([
    ['parents without a produced state', { parentStates: [BASE] }],
    ['a parent named twice', { parentStates: [BASE, BASE], producedState: TUNED }],
    ['the produced state among its parents', { parentStates: [BASE], producedState: BASE }],
  ] as const)('WORKLOAD_MODEL_STATES_INVALID: %s; refused, logged, nothing counted', (_, over) => {
    const s = scenario();
    s.chip.send(CMD.installLicence, { licence: s.licence() });
    const before = s.chip.state!.counters;
    expectCode(() => s.chip.send(CMD.runWorkload, workload(1n, over)), 'WORKLOAD_MODEL_STATES_INVALID');
    const entry = s.lastEntry();
    expect(entry.kind === EVENT.workloadRefused && entry.details.reason).toBe('WORKLOAD_MODEL_STATES_INVALID');
    expect(s.chip.state!.counters).toEqual(before);
  });

  it('MESSAGE_INVALID_FIELD: more than 16 parents is not a run-workload request', () => {
    const s = scenario();
    s.chip.send(CMD.installLicence, { licence: s.licence() });
    const parents = Array.from({ length: 17 }, (_, i) => seed(`parent ${i}`));
    expectCode(() => s.chip.send(CMD.runWorkload, workload(1n, { parentStates: parents, producedState: TUNED })), 'MESSAGE_INVALID_FIELD');
  });
});
