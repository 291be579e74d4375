/**
 * The command line as a researcher and a verifier use it: a chip driven verb by verb in a temporary
 * directory, its evidence verified, with the exit statuses the issue fixes (0 / 1 / 2).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { encode } from '@hemkit/wire/cbor';
import { encodeCoseKey } from '@hemkit/wire/cose';
import { signingKey } from '@hemkit/wire/messages';
import { collectEvidence, Device, FACTORY_FIRMWARE, SIM_PEAK_OPS_PER_SECOND } from '@hemkit/module';
import { CMD } from '@hemkit/wire/messages';
import { main } from '../src/main.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function capture() {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  const error = vi.spyOn(console, 'error').mockImplementation(() => {});
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  return { out: () => log.mock.calls.map((c) => c.join(' ')).join('\n'), err: () => error.mock.calls.map((c) => c.join(' ')).join('\n') };
}
afterEach(() => vi.restoreAllMocks());

describe('hemkit module and hemkit verify, end to end', () => {
  it('manufactures, licenses, runs, refuses a replay with exit 1, and a verifier affirms the evidence with exit 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hemkit-cli-'));
    const fab = join(dir, 'fab');
    const chip = join(dir, 'chip');
    const io = capture();
    expect(await main(['module', 'init-factory', fab])).toBe(0);
    expect(await main(['module', 'manufacture', chip, '--factory', fab])).toBe(0);
    expect(await main(['module', 'run', chip, '--ops', '10'])).toBe(1); // locked
    expect(io.err()).toContain('WORKLOAD_LOCKED');
    const lic = join(dir, 'lic.cbor');
    expect(await main(['module', 'licence', chip, '--factory', fab, '--ops', '1e24', '--days', '1', '--out', lic])).toBe(0);
    expect(await main(['module', 'install', chip, lic])).toBe(0);
    expect(await main(['module', 'run', chip, '--ops', '1e21', '--precision', 'bf16', '--repeat', '3'])).toBe(0);
    expect(await main(['module', 'install', chip, lic])).toBe(1);
    expect(io.err()).toContain('LICENCE_REPLAYED');
    expect(await main(['module', 'status', chip, '--json'])).toBe(0);
    const status = JSON.parse(io.out().slice(io.out().lastIndexOf('{\n  "ueid"')));
    expect(status.counters.totalOps).toBe('3000000000000000000000');

    // The operator collects evidence; the verifier appraises it.
    const factory = JSON.parse(readFileSync(join(fab, 'factory.json'), 'utf8'));
    const device = Device.open(chip);
    let id = 0;
    const { encodeRequest, parseResponse } = await import('@hemkit/wire/messages');
    const { decode } = await import('@hemkit/wire/cbor');
    const nonce = new Uint8Array(16).fill(7);
    const bundle = collectEvidence(
      {
        send: (command, params) => {
          const r = parseResponse(decode(device.handle(encode(encodeRequest({ command, requestId: ++id, params } as never)))));
          if (r.status !== 0) throw new Error(r.error.code);
          return r.result as never;
        },
      },
      { nonce, discloseFrom: 0, licences: [new Uint8Array(readFileSync(lic))] },
    );
    device.close();
    const bundleFile = join(dir, 'bundle.cbor');
    writeFileSync(bundleFile, bundle);
    // The same bundle through the command line: hemkit module evidence.
    const cliBundle = join(dir, 'cli-bundle.cbor');
    expect(await main(['module', 'evidence', chip, '--nonce', hex(new Uint8Array(16).fill(8)), '--licence', lic, '--out', cliBundle])).toBe(0);
    expect(readFileSync(cliBundle).length).toBeGreaterThan(1000);
    const keyHex = (seed: string) => hex(encode(encodeCoseKey(signingKey(-8, Buffer.from(seed, 'hex')).publicKey)));
    const trust = {
      manufacturers: [{ name: 'hemkit-sim-fab', key: keyHex(factory.manufacturerKey) }],
      licenceIssuers: { keys: factory.issuerKeys.map(keyHex), threshold: 2 },
      referenceValues: { models: [{ hwmodel: 'hemkit-sim-a1', minimumSvn: 1, peakOpsPerSecond: SIM_PEAK_OPS_PER_SECOND.toString(), firmware: [{ measurement: hex(FACTORY_FIRMWARE), svn: 1 }] }] },
    };
    const trustFile = join(dir, 'trust.json');
    writeFileSync(trustFile, JSON.stringify(trust));
    const store = join(dir, 'verifier.sqlite');
    expect(await main(['verify', bundleFile, '--trust', trustFile, '--nonce', hex(nonce), '--store', store])).toBe(0);
    expect(io.out()).toContain('AFFIRMING');
    // The same report again: the nonce was used, so it is not affirmed.
    expect(await main(['verify', bundleFile, '--trust', trustFile, '--nonce', hex(nonce), '--store', store, '--json'])).toBe(1);
    expect(io.out()).toContain('NONCE_REUSED');
    // Unusable input: a trust file that is not JSON, and a bundle that is not CBOR.
    writeFileSync(join(dir, 'bad.json'), '{');
    expect(await main(['verify', bundleFile, '--trust', join(dir, 'bad.json'), '--store', store])).toBe(2);
    writeFileSync(join(dir, 'bad-trust.json'), JSON.stringify({ ...trust, manufacturers: [] }));
    expect(await main(['verify', bundleFile, '--trust', join(dir, 'bad-trust.json'), '--store', store])).toBe(2);
    expect(io.err()).toContain('VERIFIER_INPUT_INVALID');
    expect(await main(['verify', cliBundle, '--trust', trustFile, '--nonce', hex(new Uint8Array(16).fill(8)), '--store', store])).toBe(0);
    expect(await main(['account', bundleFile, '--trust', trustFile])).toBe(0);
    // The CLI's workloads were not opened, so their work is undisclosed, never attributed to a run.
    expect(io.out()).toMatch(/Undisclosed: 3\.000e21 \(3000000000000000000000\)/);
    expect(CMD.status).toBe(11);
  }, 60_000);
});
