/**
 * Exit codes, command by command (issue 9): 0 affirming or success, 1 a real negative result or a
 * refusal by the chip, 2 unusable input or usage, 70 an internal error. Every problem is one line on
 * stderr. Every command and verb answers --help / -h with its own usage, exit 0, writing nothing.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { decode, encode } from '@hemkit/wire/cbor';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/main.js';
import { hemkit, licensedChip } from './run.js';

const CDDL = resolve(__dirname, '../../../specs/cddl/hemkit.cddl');
const cwd = mkdtempSync(join(tmpdir(), 'hemkit-exit-'));
const NONCE = '00112233445566778899aabbccddeeff';

const COMMANDS = [
  ['inspect'], ['verify'], ['account'], ['challenge'], ['module'], ['spec'], ['spec', 'check'], ['demo'], ['help'],
  ...['init-factory', 'export-trust', 'manufacture', 'licence', 'install', 'request-licence', 'run', 'attest', 'evidence', 'checkpoint', 'prove', 'update-firmware', 'status', 'serve'].map((v) => ['module', v]),
];

/** Everything under a directory, for "wrote nothing" checks. */
function listing(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

describe('--help and -h on every command and verb', () => {
  for (const path of COMMANDS) {
    for (const flag of ['--help', '-h']) {
      it(`hemkit ${path.join(' ')} ${flag}: its own usage, exit 0, nothing written`, async () => {
        const dir = mkdtempSync(join(tmpdir(), 'hemkit-help-'));
        const r = await hemkit([...path, flag], { cwd: dir });
        expect(r.code).toBe(0);
        expect(r.err).toBe('');
        expect(r.out).toContain(`Usage: hemkit ${path.join(' ')}`);
        expect(listing(dir)).toEqual([]);
      });
    }
  }
  it('--version and -V print the version', async () => {
    expect(await hemkit(['--version'], { cwd })).toMatchObject({ code: 0, out: '0.1.0\n', err: '' });
    expect((await hemkit(['-V'], { cwd })).out).toBe('0.1.0\n');
  });
  it('help <command> shows that command\'s usage; an unknown one is exit 2', async () => {
    expect((await hemkit(['help', 'module', 'run'], { cwd })).out).toContain('Usage: hemkit module run');
    expect((await hemkit(['help', 'nosuch'], { cwd })).code).toBe(2);
  });
});

type Row = readonly [argv: readonly string[], code: 0 | 1 | 2, stderr?: RegExp];

/** In order: later rows use what earlier ones made. */
const ROWS: readonly Row[] = [
  // usage in general
  [[], 2],
  [['frobnicate'], 2, /^hemkit: unknown command 'frobnicate'/],
  [['module'], 2],
  [['module', 'frobnicate', 'x'], 2, /unknown command 'frobnicate'/],
  // init-factory / export-trust
  [['module', 'init-factory', 'fab2'], 0],
  [['module', 'init-factory', 'fab2'], 2, /^hemkit: fab2 already holds a factory; .*--force replaces them/],
  [['module', 'init-factory', 'fab2', '--force'], 0],
  [['module', 'init-factory', 'chip.lic'], 2, /is a file, not a directory/],
  [['module', 'export-trust', 'fab', '--out', 'trust2.json'], 0],
  [['module', 'export-trust', 'nofab'], 2, /^hemkit: nofab is not a factory/],
  // manufacture
  [['module', 'manufacture', 'chip2', '--factory', 'fab'], 0],
  [['module', 'manufacture', 'chip2', '--factory', 'fab'], 1, /^hemkit: the chip refused: MODULE_ALREADY_MANUFACTURED: /],
  [['module', 'manufacture', 'notempty', '--factory', 'fab'], 2, /notempty is not empty and holds no chip/],
  [['module', 'manufacture', 'chip3', '--factory', 'nofab'], 2, /nofab is not a factory/],
  [['module', 'manufacture', 'chip3', '--factory', 'fab', '--replay', 'sequence,nonsense'], 2, /option '--replay <list>' argument 'sequence,nonsense' is invalid/],
  [['module', 'manufacture', 'chip3'], 2, /required option '--factory <dir>' not specified/],
  // licence
  [['module', 'licence', 'chip', '--factory', 'fab', '--ops', '1e24', '--days', '1', '--out', 'l2.cbor', '--sequence', '2'], 0],
  [['module', 'licence', 'chip', '--factory', 'fab', '--ops', '1e24', '--days', '1', '--out', 'x.cbor', '--signers', '0,7'], 2, /--signers: the factory has issuers 0 to 2, not 7/],
  [['module', 'licence', 'chip', '--factory', 'fab', '--ops', 'abc', '--days', '1', '--out', 'x.cbor'], 2, /option '--ops <n>' argument 'abc' is invalid/],
  [['module', 'licence', 'chip', '--factory', 'fab', '--ops', '1', '--days', '0', '--out', 'x.cbor'], 2, /'--days <n>' argument '0' is invalid. takes a whole number from 1 to 36500/],
  [['module', 'licence', 'chip', '--factory', 'fab', '--ops', '1', '--days', '-1', '--out', 'x.cbor'], 2, /'--days <n>' argument '-1' is invalid/],
  [['module', 'licence', 'chip', '--factory', 'fab', '--ops', '1', '--days', '36501', '--out', 'x.cbor'], 2, /'--days <n>' argument '36501' is invalid/],
  [['module', 'licence', 'nochip', '--factory', 'fab', '--ops', '1', '--days', '1', '--out', 'x.cbor'], 2, /^hemkit: no chip directory nochip/],
  // install
  [['module', 'install', 'chip', 'l2.cbor'], 0],
  [['module', 'install', 'chip', 'chip.lic'], 1, /^hemkit: the chip refused: LICENCE_REPLAYED: /],
  [['module', 'install', 'chip', 'absent.cbor'], 2, /^hemkit: no such file: absent.cbor$/m],
  [['module', 'install', 'chip'], 2, /missing required argument 'licence'/],
  // request-licence
  [['module', 'request-licence', 'chip', '--out', 'req.cbor'], 0],
  [['module', 'request-licence', 'chip'], 2, /required option '--out <file>'/],
  // run
  [['module', 'run', 'chip', '--ops', '1e20', '--workload-id', 'w1'], 0],
  [['module', 'run', 'chip', '--ops', '1e30'], 1, /^hemkit: the chip refused: WORKLOAD_OVER_QUOTA: /],
  [['module', 'run', 'chip2', '--ops', '1'], 1, /WORKLOAD_LOCKED/],
  [['module', 'run', 'chip', '--ops', '0'], 2, /'--ops <n>' argument '0' is invalid. takes a positive whole number/],
  [['module', 'run', 'chip', '--ops', '-5'], 2],
  [['module', 'run', 'chip', '--ops', '2.5'], 2, /'--ops <n>' argument '2.5' is invalid/],
  [['module', 'run', 'chip', '--ops', '1e99999999'], 2, /'--ops <n>' argument '1e99999999' is invalid/],
  [['module', 'run', 'chip', '--ops', '1e39'], 2, /is at most 2\^128-1/],
  [['module', 'run', 'chip', '--ops', '1', '--repeat', '0'], 2, /'--repeat <k>' argument '0' is invalid/],
  [['module', 'run', 'chip', '--ops', '1', '--repeat', '1000001'], 2, /'--repeat <k>' argument '1000001' is invalid/],
  [['module', 'run', 'chip', '--ops', '1', '--cluster', 'abc'], 2, /'--cluster <n>' argument 'abc' is invalid/],
  [['module', 'run', 'chip', '--ops', '1', '--precision', 'fp9'], 2, /'--precision <class>' argument 'fp9' is invalid/],
  [['module', 'run', 'chip', '--ops', '1', '--workload-id', 'a', '--descriptor', 'chip.lic'], 2, /--workload-id or --descriptor, not both/],
  [['module', 'run', 'chip', '--ops=1', '--bogus'], 2, /^hemkit module run: unknown option '--bogus'/],
  [['module', 'run', 'chip', 'extra', '--ops', '1'], 2, /too many arguments/],
  [['module', 'run', 'chip', '--ops', '1', '--repeet', '2'], 2, /^hemkit module run: unknown option '--repeet' \(Did you mean --repeat\?\) \(see hemkit module run --help\)\n$/],
  [['module', 'rn', 'chip'], 2, /^hemkit module: unknown command 'rn' \(Did you mean run\?\)/],
  [['module', 'run', '--ops', '1'], 2, /missing required argument 'chip'/],
  // attest
  [['module', 'attest', 'chip', '--nonce', NONCE, '--out', 'r.cbor'], 0],
  [['module', 'attest', 'chip', '--nonce', '00', '--out', 'r.cbor'], 2, /'--nonce <hex>' argument '00' is invalid. takes 8 to 64 bytes of hex/],
  [['module', 'attest', 'chip', '--nonce', 'zz'.repeat(8), '--out', 'r.cbor'], 2],
  // challenge, evidence, verify, account
  [['challenge', '--store', 'v.sqlite', '--out', 'c.json'], 0],
  [['challenge', '--ueid', 'xyz'], 2, /'--ueid <hex>' argument 'xyz' is invalid/],
  [['challenge', '--for', 'chip.lic'], 2, /chip.lic is not an evidence bundle/],
  [['module', 'evidence', 'chip', '--challenge', 'c.json', '--licence', 'chip.lic', '--licence', 'l2.cbor', '--out', 'b.cbor'], 0],
  [['module', 'evidence', 'chip', '--out', 'x.cbor'], 2, /give the verifier's --nonce HEX or its --challenge FILE/],
  [['module', 'evidence', 'chip', '--nonce', NONCE, '--challenge', 'c.json', '--out', 'x.cbor'], 2, /one of them/],
  [['module', 'evidence', 'chip', '--challenge', 'trust.json', '--out', 'x.cbor'], 2, /trust.json is not a hemkit challenge/],
  [['module', 'evidence', 'chip', '--nonce', NONCE, '--known', '99999', '--out', 'x.cbor'], 2, /the verifier knows a log of 99999 entries/],
  [['module', 'evidence', 'chip', '--nonce', NONCE, '--max-entries', '0', '--out', 'x.cbor'], 2, /'--max-entries <n>' argument '0' is invalid/],
  [['verify', 'b.cbor', '--trust', 'trust.json', '--challenge', 'c.json', '--store', 'v.sqlite'], 0],
  [['verify', 'b.cbor', '--trust', 'trust.json', '--challenge', 'c.json', '--store', 'v.sqlite'], 1],
  [['verify', 'b.cbor', '--trust', 'null.json', '--store', 'v.sqlite'], 2, /^hemkit: null.json is not a trust file: it holds null, not a JSON object$/m],
  [['verify', 'b.cbor', '--trust', 'broken.json', '--store', 'v.sqlite'], 2, /^hemkit: broken.json is not JSON: /],
  [['verify', 'b.cbor', '--trust', 'nomanufacturer.json', '--store', 'v.sqlite'], 2, /^hemkit: VERIFIER_INPUT_INVALID: trust anchors: manufacturers/],
  [['verify', 'chip.lic', '--trust', 'trust.json', '--nonce', NONCE, '--store', 'v.sqlite'], 2, /^hemkit: chip.lic is not an evidence bundle: MESSAGE_INVALID_FIELD: /],
  [['verify', 'null.json', '--trust', 'trust.json', '--nonce', NONCE, '--store', 'v.sqlite'], 2, /^hemkit: null.json is not an evidence bundle: CBOR_/],
  [['verify', 'tampered.cbor', '--trust', 'trust.json', '--nonce', NONCE, '--store', 'v.sqlite'], 1],
  [['account', 'chip.lic', '--trust', 'trust.json'], 2, /chip.lic is not an evidence bundle/],
  [['verify', 'b.cbor', '--trust', 'trust.json', '--nonce', 'abc', '--store', 'v.sqlite'], 2, /'--nonce <hex>' argument 'abc' is invalid/],
  [['verify', 'b.cbor', '--trust', 'trust.json', '--ear', 'e.cbor', '--store', 'v.sqlite'], 2, /--ear FILE and --verifier-key FILE go together/],
  [['verify', 'b.cbor', '--trust', 'trust.json', '--backend', 'gpu'], 2, /'--backend <name>' argument 'gpu' is invalid/],
  [['verify', '--trust', 'trust.json'], 2, /missing required argument 'bundle'/],
  [['account', 'b.cbor', '--trust', 'trust.json'], 0],
  [['account', 'b.cbor', '--trust', 'trust.json', '--threshold', 'eu'], 2, /'--threshold <id=ops,...>' argument 'eu' is invalid/],
  [['account', 'b.cbor', '--trust', 'trust.json', '--threshold', 'eu=0'], 2],
  // checkpoint, prove, update-firmware, status, serve
  [['module', 'checkpoint', 'chip', '--out', 'cp.cbor'], 0],
  [['module', 'checkpoint', 'nochip'], 2, /no chip directory nochip/],
  [['module', 'prove', 'chip', '--index', '0', '--out', 'p.cbor'], 0],
  [['module', 'prove', 'chip', '--from', '1', '--out', 'pc.cbor'], 0],
  [['module', 'prove', 'chip', '--index', '99999', '--out', 'p.cbor'], 2, /--index 99999: the tree of size \d+ has entries 0 to \d+/],
  [['module', 'prove', 'chip', '--index', '0', '--from', '1', '--out', 'p.cbor'], 2, /one of them/],
  [['module', 'prove', 'chip', '--from', '0', '--out', 'p.cbor'], 2, /'--from <m>' argument '0' is invalid/],
  [['module', 'update-firmware', 'chip', '--factory', 'fab', '--svn', '2'], 0],
  [['module', 'update-firmware', 'chip', '--factory', 'fab', '--svn', '1'], 1, /^hemkit: the chip refused: /],
  [['module', 'update-firmware', 'chip', '--factory', 'fab', '--svn', '1', '--measurement', 'ab'], 2, /'--measurement <hex>' argument 'ab' is invalid. takes 32 bytes of hex/],
  [['module', 'status', 'chip'], 0],
  [['module', 'status', 'chip', '--json'], 0],
  [['module', 'status', 'nochip'], 2, /^hemkit: no chip directory nochip/],
  [['module', 'status', 'notempty'], 2, /notempty is not a chip directory/],
  [['module', 'status', 'chip.lic'], 2, /chip.lic is a file, not a chip directory/],
  [['module', 'serve', 'nochip'], 2, /no chip directory nochip/],
  // spec check, inspect, demo
  [['spec', 'check', CDDL, 'b.cbor', '--rule', 'evidence-bundle'], 0],
  [['spec', 'check', CDDL, 'b.cbor', '--rule', 'licence'], 1],
  [['spec', 'check', CDDL, 'absent.cbor'], 2],
  [['spec', 'check', CDDL], 2, /spec check needs a CDDL schema and at least one file/],
  [['spec', 'check', '--json-schema', 'trust-anchors', 'trust.json'], 0],
  [['spec', 'check', '--json-schema', 'policy', 'trust.json'], 1],
  [['spec', 'check', '--json-schema', 'trust-anchors', 'absent.json'], 2, /no such file: absent.json/],
  [['spec', 'check', '--json-schema', 'trust-anchors', 'b.cbor'], 2, /b.cbor is not JSON/],
  [['spec', 'check', '--json-schema', 'common', 'trust.json'], 2, /argument 'common' is invalid/],
  [['spec', 'check', '--json-schema', 'trust-anchors', 'trust.json', '--rule', 'x'], 2, /--rule and --well-formed are for CDDL/],
  [['spec', 'frobnicate'], 2],
  [['inspect', 'b.cbor'], 0],
  [['inspect', 'null.json'], 2],
  [['inspect', 'a', 'b'], 2, /too many arguments/],
  [['inspect'], 2, /inspect needs a file \(- for standard input\), or --web/],
  [['inspect', 'b.cbor', '--web'], 2, /inspect --web takes no file/],
  [['inspect', 'b.cbor', '--no-open'], 2, /--port and --no-open go with --web/],
  [['inspect', '--web', '--port', '0'], 2, /--port/],
  [['demo', 'bogus'], 2, /demo has one part, 'wire', not 'bogus'/],
];

describe('exit codes, command by command', () => {
  beforeAll(async () => {
    await licensedChip(cwd);
    mkdirSync(join(cwd, 'notempty'));
    writeFileSync(join(cwd, 'notempty', 'mine.txt'), 'not a chip');
    writeFileSync(join(cwd, 'null.json'), 'null');
    // A well-formed bundle whose report signature was changed: a negative appraisal, not unusable input.
    await hemkit(['module', 'evidence', 'chip', '--nonce', NONCE, '--out', 'honest.cbor'], { cwd });
    const bundle = decode(readFileSync(join(cwd, 'honest.cbor'))) as Map<number, Uint8Array>;
    const report = new Uint8Array(bundle.get(1)!);
    report[report.length - 1]! ^= 1;
    bundle.set(1, report);
    writeFileSync(join(cwd, 'tampered.cbor'), encode(bundle));
    writeFileSync(join(cwd, 'broken.json'), '{');
    writeFileSync(join(cwd, 'nomanufacturer.json'), JSON.stringify({ manufacturers: [], licenceIssuers: { keys: [], threshold: 1 }, referenceValues: {} }));
  }, 60_000);

  for (const [argv, code, stderr] of ROWS) {
    it(`hemkit ${argv.join(' ')} → ${code}`, async () => {
      const r = await hemkit(argv, { cwd });
      expect(r.code, r.err).toBe(code);
      if (stderr) expect(r.err).toMatch(stderr);
      if (code !== 0) {
        expect(r.err).not.toMatch(/\n\s+at /); // never a stack trace
        if (argv.length > 0 && argv.join(' ') !== 'module') expect(r.err.trimEnd().split('\n').length, r.err).toBe(1);
      }
      if (code === 2 && argv.includes('nochip')) expect(existsSync(join(cwd, 'nochip'))).toBe(false);
    }, 30_000);
  }

  it('an internal error is exit 70 with one line, and HEMKIT_DEBUG shows the stack', async () => {
    const lines: string[] = [];
    const io = (env: Record<string, string>) => ({
      stdout: { write: () => true },
      stderr: { write: (t: string | Uint8Array) => lines.push(String(t)) },
      env,
      cwd,
      readStdin: async (): Promise<Uint8Array> => {
        throw new TypeError('boom');
      },
    });
    expect(await main(['inspect', '-'], io({}))).toBe(70);
    expect(lines).toEqual(['hemkit: internal error: boom (a bug: please report it; HEMKIT_DEBUG=1 shows the stack)\n']);
    expect(await main(['inspect', '-'], io({ HEMKIT_DEBUG: '1' }))).toBe(70);
    expect(lines.at(-1)).toMatch(/TypeError: boom\n\s+at /);
  });

  it('HEMKIT_TIME that is not a number is exit 2', async () => {
    const r = await hemkit(['module', 'status', 'chip'], { cwd, env: { HEMKIT_TIME: 'soon' } });
    expect(r).toMatchObject({ code: 2, err: "hemkit: HEMKIT_TIME must be seconds since the epoch (a whole number), not 'soon'\n" });
  });
});
