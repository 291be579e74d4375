/**
 * `hemkit module …`: drive a simulated chip from the command line. A chip is a directory (state,
 * log, monotonic counter); a factory is a directory holding the simulation's manufacturer and
 * licence-issuer keys (simulation only: real keys never sit in a file like this).
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { sha256 } from '@noble/hashes/sha2.js';
import { decode, encode, HemkitError, type ErrorCode } from '@hemkit/wire';
import {
  CMD,
  encodeRequest,
  LOCK_NAMES,
  parseResponse,
  PRECISION,
  PRECISION_NAMES,
  REPLAY,
  STATUS_ERROR,
  type CommandId,
  type ParamsOf,
  type PrecisionClass,
  type ReplayMode,
  type ResultOf,
} from '@hemkit/wire/messages';
import { Device } from '@hemkit/module/device';
import { collectEvidence } from '@hemkit/module';
import { LicenceAuthority, Manufacturer } from '@hemkit/module/factory';
import { serveDevice } from '@hemkit/module/device';
import { parseArgs, parseBigint, parseHex, UsageError, type Args } from './args.js';
import { bold, dim, green, hexOf } from './output.js';

export const MODULE_USAGE = `usage: hemkit module <verb> <chip-dir> [options]

  init-factory <factory-dir>            create a manufacturer root and a 2-of-3 licence authority
  manufacture <chip> --factory F        manufacture and provision a chip [--model M]
                                        [--replay sequence,hash-log,challenge]
  licence <chip> --factory F --ops N --days D --out FILE
                                        issue a licence for the chip [--sequence S] [--signers 0,1]
                                        [--precision bf16,fp8] [--max-cluster N] [--challenge]
  install <chip> <licence-file>         install a licence
  request-licence <chip> --out FILE     a signed licence request with a fresh challenge
  run <chip> --ops N --precision P      run (declare) a workload [--cluster N] [--descriptor FILE]
                                        [--interconnect BYTES] [--seconds S] [--repeat K]
  attest <chip> --nonce HEX --out FILE  an attestation report (with its certificates: FILE.certs.cbor)
  evidence <chip> --nonce HEX --out FILE
                                        the evidence bundle for a verifier's nonce: report, chain, a
                                        fresh checkpoint, every entry [--since SIZE] with receipts,
                                        [--known SIZE,...] consistency receipts, [--licence FILE]...
  checkpoint <chip> [--out FILE]        a signed checkpoint (and its C2SP signed note)
  prove <chip> --index I [--size N] --out FILE      an RFC 9942 inclusion receipt (and FILE.entry.cbor)
  prove <chip> --from M [--to N] --out FILE         an RFC 9942 consistency receipt
  update-firmware <chip> --factory F --measurement HEX --svn N
  status <chip>                         lock state, licence, counters, log size
  serve <chip> [--socket PATH]          the device process: framed CBOR on stdio or a Unix socket

Every verb takes --json for machine-readable output. Time is the system clock; set HEMKIT_TIME
(seconds since the epoch) to fix it.`;

interface FactoryFile {
  readonly name: string;
  readonly manufacturerKey: string;
  readonly issuerKeys: readonly string[];
  readonly threshold: number;
}

function loadFactory(dir: string): { manufacturer: Manufacturer; authority: LicenceAuthority } {
  const file = join(dir, 'factory.json');
  if (!existsSync(file)) throw new UsageError(`${dir} is not a factory: run hemkit module init-factory ${dir}`);
  const f = JSON.parse(readFileSync(file, 'utf8')) as FactoryFile;
  return {
    manufacturer: new Manufacturer(f.name, parseHex(f.manufacturerKey, 'manufacturerKey')),
    authority: new LicenceAuthority(f.issuerKeys.map((k) => parseHex(k, 'issuer key')), f.threshold),
  };
}

const now = (): number => (process.env.HEMKIT_TIME ? Number(process.env.HEMKIT_TIME) : Math.floor(Date.now() / 1000));

let requestId = 0;
/** The chip said no: a check did not pass (exit status 1), as opposed to unusable input (2). */
export class ChipRefusal extends HemkitError {}

function call<C extends CommandId>(device: Device, command: C, params: ParamsOf<C>): ResultOf<C> {
  const response = parseResponse(decode(device.handle(encode(encodeRequest({ command, requestId: ++requestId, params })))));
  if (response.status === STATUS_ERROR) throw new ChipRefusal(response.error.code as ErrorCode, response.error.message);
  return response.result as ResultOf<C>;
}

function openChip(args: Args): Device {
  const dir = args.positionals[0];
  if (dir === undefined) throw new UsageError('name the chip directory');
  return Device.open(dir, { now });
}

const REPLAY_BY_NAME: Record<string, ReplayMode> = { sequence: REPLAY.sequence, 'hash-log': REPLAY.hashLog, challenge: REPLAY.challenge };

function precisionOf(name: string): PrecisionClass {
  const p = (PRECISION as Record<string, PrecisionClass>)[name];
  if (p === undefined) throw new UsageError(`unknown precision '${name}' (${Object.keys(PRECISION).join(', ')})`);
  return p;
}

function print(args: Args, human: string, machine: unknown): void {
  if (args.has('json')) {
    console.log(JSON.stringify(machine, (_k, v) => (typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? hexOf(v) : v instanceof Map ? Object.fromEntries(v) : v), 2));
  } else {
    console.log(human);
  }
}

export async function moduleCommand(argv: readonly string[]): Promise<number> {
  const [verb, ...rest] = argv;
  const args = parseArgs(rest, ['json', 'challenge']);
  switch (verb) {
    case 'init-factory': {
      const dir = args.positionals[0];
      if (dir === undefined) throw new UsageError('name the factory directory');
      mkdirSync(dir, { recursive: true });
      const f: FactoryFile = {
        name: 'hemkit-sim-fab',
        manufacturerKey: hexOf(randomBytes(32)),
        issuerKeys: [0, 1, 2].map(() => hexOf(randomBytes(32))),
        threshold: 2,
      };
      writeFileSync(join(dir, 'factory.json'), JSON.stringify(f, null, 2) + '\n', { mode: 0o600 });
      print(args, `${green('✓')} factory in ${dir}: a manufacturer root and 3 licence issuers, any 2 of which license`, { dir, threshold: 2, issuers: 3 });
      return 0;
    }
    case 'manufacture': {
      const { manufacturer, authority } = loadFactory(args.required('factory'));
      const device = openChip(args);
      const hwmodel = new TextEncoder().encode(args.flag('model') ?? 'hemkit-sim-a1');
      const made = call(device, CMD.manufacture, { hwmodel });
      const replay = (args.flag('replay') ?? 'sequence').split(',').map((n) => {
        const mode = REPLAY_BY_NAME[n];
        if (mode === undefined) throw new UsageError(`unknown replay defence '${n}' (sequence, hash-log, challenge)`);
        return mode;
      });
      call(device, CMD.provision, {
        deviceCertificate: manufacturer.issueDeviceCertificate({ ...made, hwmodel }, now()),
        issuerKeys: authority.publicKeys,
        issuerThreshold: authority.threshold,
        replayDefence: replay,
        manufacturerKey: manufacturer.publicKey,
      });
      device.close();
      print(args, `${green('✓')} chip ${hexOf(made.ueid)} manufactured and provisioned (${authority.threshold} of ${authority.issuers.length} issuers; replay defence ${args.flag('replay') ?? 'sequence'})`, { ueid: made.ueid });
      return 0;
    }
    case 'licence': {
      const { authority } = loadFactory(args.required('factory'));
      const device = openChip(args);
      const status = call(device, CMD.status, {});
      const t = now();
      const claims = {
        licenceId: new Uint8Array(randomBytes(16)),
        ueid: status.ueid,
        sequenceNumber: Number(args.flag('sequence') ?? (status.licenceState?.sequenceNumber ?? 0) + 1),
        notBefore: t,
        expiry: t + Math.round(Number(args.required('days')) * 86_400),
        opsQuota: parseBigint(args.required('ops'), '--ops'),
        precisionClasses: [...new Set((args.flag('precision') ?? 'bf16,fp8').split(',').map(precisionOf))].sort((a, b) => a - b),
        ...(args.flag('max-cluster') ? { maxClusterSize: Number(args.flag('max-cluster')) } : {}),
        ...(args.has('challenge') && device.chipState?.pendingChallenge ? { chipChallenge: device.chipState.pendingChallenge } : {}),
      };
      device.close();
      const signers = (args.flag('signers') ?? '0,1').split(',').map(Number);
      const out = args.required('out');
      writeFileSync(out, authority.issueLicence(claims, signers));
      print(args, `${green('✓')} licence ${hexOf(claims.licenceId)} for chip ${hexOf(status.ueid)}: ${claims.opsQuota} operations until ${new Date(claims.expiry * 1000).toISOString()}, signed by issuers ${signers.join(', ')} → ${out}`, { ...claims, out });
      return 0;
    }
    case 'install': {
      const device = openChip(args);
      const file = args.positionals[1];
      if (file === undefined) throw new UsageError('name the licence file');
      const r = call(device, CMD.installLicence, { licence: new Uint8Array(readFileSync(file)) });
      device.close();
      print(args, `${green('✓')} licence ${hexOf(r.licenceId)} installed (log entry ${r.logIndex}); the chip is unlocked`, r);
      return 0;
    }
    case 'request-licence': {
      const device = openChip(args);
      const r = call(device, CMD.requestLicence, {});
      device.close();
      writeFileSync(args.required('out'), r.licenceRequest);
      print(args, `${green('✓')} signed licence request with a fresh challenge → ${args.required('out')}`, { out: args.required('out') });
      return 0;
    }
    case 'run': {
      const device = openChip(args);
      const repeat = Number(args.flag('repeat') ?? 1);
      const descriptorFile = args.flag('descriptor');
      const params = {
        workloadDescriptor: descriptorFile ? new Uint8Array(readFileSync(descriptorFile)) : new TextEncoder().encode(`cli workload ${now()}`),
        precisionClass: precisionOf(args.flag('precision') ?? 'bf16'),
        ops: parseBigint(args.required('ops'), '--ops'),
        ...(args.flag('cluster') ? { clusterSize: Number(args.flag('cluster')) } : {}),
        ...(args.flag('interconnect') ? { interconnectBytes: parseBigint(args.flag('interconnect')!, '--interconnect') } : {}),
        ...(args.flag('seconds') ? { busyChipSeconds: Number(args.flag('seconds')) } : {}),
      };
      let last;
      try {
        for (let i = 1; i <= repeat; i++) {
          last = call(device, CMD.runWorkload, params);
          if (repeat > 1 && !args.has('json') && (i % Math.max(1, Math.floor(repeat / 20)) === 0 || i === repeat)) {
            process.stderr.write(`\r  ${i}/${repeat} workloads, ${last.remainingQuota} operations of quota left`);
          }
        }
      } finally {
        if (repeat > 1 && !args.has('json')) process.stderr.write('\n');
        device.close();
      }
      print(args, `${green('✓')} ${repeat === 1 ? 'workload' : `${repeat} workloads`} run: ${params.ops} operations each; ${last!.remainingQuota} remain (salt ${hexOf(last!.salt!)} opens the last one's commitment)`, last);
      return 0;
    }
    case 'attest': {
      const device = openChip(args);
      const r = call(device, CMD.attest, { nonce: parseHex(args.required('nonce'), '--nonce') });
      device.close();
      const out = args.required('out');
      writeFileSync(out, r.report);
      writeFileSync(`${out}.certs.cbor`, encode([r.deviceCertificate, r.attestationKeyCertificate]));
      print(args, `${green('✓')} attestation report → ${out} (certificate chain → ${out}.certs.cbor)`, { out });
      return 0;
    }
    case 'evidence': {
      const device = openChip(args);
      const port = { send: <C extends CommandId>(command: C, params: ParamsOf<C>) => call(device, command, params) };
      const licences = (args.flag('licence') ?? '').split(',').filter(Boolean).map((f) => new Uint8Array(readFileSync(f)));
      const known = (args.flag('known') ?? '').split(',').filter(Boolean).map(Number);
      const bundle = collectEvidence(port, {
        nonce: parseHex(args.required('nonce'), '--nonce'),
        discloseFrom: Number(args.flag('since') ?? 0),
        ...(known.length ? { knownSizes: known } : {}),
        ...(licences.length ? { licences } : {}),
      });
      device.close();
      writeFileSync(args.required('out'), bundle);
      print(args, `${green('✓')} evidence bundle (${bundle.length} bytes) → ${args.required('out')}`, { out: args.required('out'), bytes: bundle.length });
      return 0;
    }
    case 'checkpoint': {
      const device = openChip(args);
      const r = call(device, CMD.checkpoint, {});
      device.close();
      const out = args.flag('out');
      if (out) writeFileSync(out, r.checkpoint);
      print(args, `${out ? `${green('✓')} checkpoint → ${out}\n` : ''}${r.note ?? ''}`, { out, note: r.note });
      return 0;
    }
    case 'prove': {
      const device = openChip(args);
      const size = device.env.log.size;
      const out = args.required('out');
      if (args.flag('index') !== undefined) {
        const r = call(device, CMD.proveInclusion, { logIndex: Number(args.flag('index')), treeSize: Number(args.flag('size') ?? size) });
        writeFileSync(out, r.receipt);
        writeFileSync(`${out}.entry.cbor`, r.entry);
        print(args, `${green('✓')} inclusion receipt for entry ${args.flag('index')} → ${out} (entry → ${out}.entry.cbor)`, { out });
      } else {
        const r = call(device, CMD.proveConsistency, { treeSize1: Number(args.required('from')), treeSize2: Number(args.flag('to') ?? size) });
        writeFileSync(out, r.receipt);
        print(args, `${green('✓')} consistency receipt ${args.flag('from')} → ${args.flag('to') ?? size} → ${out}`, { out });
      }
      device.close();
      return 0;
    }
    case 'update-firmware': {
      const { manufacturer } = loadFactory(args.required('factory'));
      const device = openChip(args);
      const manifest = manufacturer.signFirmwareManifest(
        device.chipState!.hwmodel,
        args.flag('measurement') ? parseHex(args.flag('measurement')!, '--measurement') : sha256(randomBytes(32)),
        Number(args.required('svn')),
        now(),
      );
      const r = call(device, CMD.firmwareUpdate, { manifest });
      device.close();
      print(args, `${green('✓')} firmware updated (log entry ${r.logIndex}); rebooted with a new attestation key`, r);
      return 0;
    }
    case 'status': {
      const device = openChip(args);
      const s = call(device, CMD.status, {});
      device.close();
      const byPrecision = [...s.counters.opsByPrecision].map(([p, n]) => `${PRECISION_NAMES.get(p)} ${n}`).join(', ') || 'none';
      const human = [
        bold(`chip ${hexOf(s.ueid)}`),
        `  lock state   ${LOCK_NAMES.get(s.lockState)}`,
        `  licence      ${s.licenceState ? `${hexOf(s.licenceState.licenceId)}, ${s.licenceState.remainingQuota} operations left, expires ${new Date(s.licenceState.expiry * 1000).toISOString()}` : 'none'}`,
        `  operations   ${s.counters.totalOps} (${byPrecision})`,
        `  workloads    ${s.counters.workloadsRun}, ${s.counters.busyChipSeconds} busy chip-seconds, ${s.counters.interconnectBytes} interconnect bytes`,
        `  log          ${s.treeSize} entries; boot ${s.bootcount}; SVN ${s.svn}`,
        dim('  (status is unsigned; use attest for evidence)'),
      ].join('\n');
      print(args, human, s);
      return 0;
    }
    case 'serve': {
      const dir = args.positionals[0];
      if (dir === undefined) throw new UsageError('name the chip directory');
      const socket = args.flag('socket');
      await serveDevice({ dir, now, ...(socket ? { socket } : {}) });
      return 0;
    }
    default:
      throw new UsageError(verb === undefined ? 'name a module verb' : `unknown module verb '${verb}'`);
  }
}
