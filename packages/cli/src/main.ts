/**
 * The hemkit command line, on commander. Exit status everywhere: 0 affirming or success, 1 a real
 * negative result (a check that did not pass, a refusal by the chip), 2 unusable input or usage,
 * 70 an internal error. Every problem is one line on stderr, never a stack trace (HEMKIT_DEBUG=1
 * shows one for an internal error). Heavy modules load inside each command's action, so `hemkit
 * --help` starts fast. `main(argv, io)` takes its streams, environment and working directory, so
 * tests run it in process.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { EXIT, NegativeResult, nodeIo, UsageError, type Io } from './io.js';
import { bigCount, choices, hexBytes, indicesOrAll, integer, JSON_SCHEMAS, positive, repeatable, text, type JsonSchemaName } from './options.js';

export const VERSION = '0.1.0';

const MAX_U32 = 0xffff_ffff;
const MAX_REPEAT = 1_000_000;
const PRECISIONS = { fp64: 1, fp32: 2, tf32: 3, bf16: 4, fp16: 5, fp8: 6, fp4: 7, int8: 8, int4: 9 } as const;
const REPLAYS = { sequence: 1, 'hash-log': 2, challenge: 3 } as const;
const precisionOne = (t: string) => {
  const list = choices(PRECISIONS)(t);
  if (list.length !== 1) throw new InvalidArgumentError('takes one precision class');
  return list[0]!;
};

function thresholds(textValue: string) {
  return textValue.split(',').map((t) => {
    const [id, ops, more] = t.split('=');
    if (!id || !ops || more !== undefined) throw new InvalidArgumentError(`takes id=ops[,id=ops…], not '${t.slice(0, 40)}'`);
    return { id, description: `custom threshold ${id}`, ops: bigCount(ops) };
  });
}

const EXIT_HELP = `
Exit status: 0 affirming or success, 1 a negative result or a refusal by the chip,
2 unusable input or usage, 70 an internal error. A file argument given as - is
standard input (or standard output for --out).`;

/** Builds the program. `run` receives each action's exit status. */
function program(io: Io, setStatus: (n: number) => void): Command {
  const lazy =
    <A extends unknown[]>(fn: (...args: A) => Promise<number>) =>
    async (...args: A) =>
      setStatus(await fn(...args));
  const mod = () => import('./commands/module.js');
  const ver = () => import('./commands/verifier.js');

  const root = new Command('hemkit')
    .description('hemkit: hardware-enabled governance of AI compute — drive a simulated chip, verify its evidence, check the spec')
    .version(VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help for a command')
    .addHelpText('after', EXIT_HELP)
    .showSuggestionAfterError(true);

  // inspect
  root
    .command('inspect')
    .description('show a CBOR file (raw or hex) in diagnostic notation with every field named, checked against the profile')
    .argument('[file]', 'the file (- for standard input); none with --web')
    .option('--json', 'JSON: fields by name, enums as names, times as ISO dates, big integers as strings')
    .option('--web', 'serve the inspector page on localhost and open it: paste or drop messages, verify them, offline (Ctrl-C stops it)')
    .option('--port <n>', 'with --web: the port to listen on (default: any free port)', integer(1, 65535))
    .option('--no-open', 'with --web: print the address, do not open a browser')
    .action(lazy(async (file: string | undefined, o: { json?: boolean; web?: boolean; port?: number; open: boolean }) => (await import('./commands/inspect.js')).inspectCommand(io, file, o)));

  // verify
  const trustOptions = (c: Command) =>
    c
      .requiredOption('--trust <file>', 'trust anchors (and referenceValues), as hemkit module export-trust writes')
      .option('--reference <file>', 'reference values, if not in the trust file')
      .option('--policy <file>', 'appraisal policy (JSON)')
      .addOption(new Option('--backend <name>', 'crypto backend').choices(['node', 'noble']).default('node'));
  trustOptions(
    root
      .command('verify')
      .description('appraise evidence bundles (exit 0 every bundle affirmed, 1 any not, 2 unusable input)')
      .argument('<bundle...>', 'evidence bundles (one may be -)'),
  )
    .option('--nonce <hex>', 'the nonce each bundle must answer, once per bundle in order', repeatable(hexBytes(8, 64)))
    .option('--challenge <file>', 'a challenge from hemkit challenge, once per bundle in order', repeatable(text))
    .option('--store <path>', "the verifier's memory of each chip (SQLite; default $XDG_STATE_HOME/hemkit/verifier.sqlite, else ~/.local/state/hemkit/verifier.sqlite)")
    .option('--ear <file>', 'also write the signed attestation result (needs --verifier-key)')
    .option('--verifier-key <file>', "the verifier's Ed25519 seed, 32 bytes of hex")
    .option('--json', 'EAR JSON instead of text')
    .addHelpText('after', EXIT_HELP)
    .action(lazy(async (bundles: string[], o) => (await ver()).verify(io, bundles, o)));

  trustOptions(root.command('account').description('total compute per run across a fleet, and flag runs over reporting thresholds').argument('<bundle...>', 'evidence bundles'))
    .option('--threshold <id=ops,...>', 'reporting thresholds (default: the EU AI Act and US EO 14110 ones)', thresholds)
    .option('--store <path>', 'appraise against this verifier store (default: a memory store, leaving every store untouched)')
    .option('--lineage', 'account per model state across runs and ids (lineage, specs/verifier.md §6.2) instead of per workload id (§6.1)')
    .option('--json', 'JSON instead of text')
    .action(lazy(async (bundles: string[], o) => (await ver()).account(io, bundles, o)));

  root
    .command('challenge')
    .description("a fresh nonce for a chip, and the log size the verifier's store remembers for it (what to prove against)")
    .option('--store <path>', 'the verifier store to read (never created; default as for verify)')
    .option('--ueid <hex>', 'the chip, by UEID', hexBytes(7, 33))
    .option('--for <bundle>', 'the chip that sent this earlier bundle')
    .option('--out <file>', 'where to write the challenge JSON (- for standard output)', '-')
    .option('--json', 'report as JSON')
    .action(lazy(async (o) => (await ver()).challenge(io, o)));

  // serve
  trustOptions(
    root
      .command('serve')
      .description('the verification service over HTTP: challenges, appraisal of evidence bundles, chip state, fleet accounting, health, metrics (specs/service.md)'),
  )
    .option('--database <url>', 'share chip memory in PostgreSQL (postgres://…; default $HEMKIT_DATABASE_URL); without it, the SQLite --store')
    .option('--store <path>', 'the SQLite verifier store when no database is given (default as for verify)')
    .option('--host <address>', 'the address to listen on', '127.0.0.1')
    .option('--port <n>', 'the port (0: any free one, printed)', integer(0, 65_535), 8080)
    .option('--workers <n>', 'worker processes sharing the port (1: this process)', positive(256), 1)
    .option('--token-file <file>', 'bearer tokens for the read endpoints, one a line (also $HEMKIT_SERVICE_TOKENS, comma-separated)')
    .option('--verifier-key <file>', "the verifier's Ed25519 seed (32 bytes of hex), to sign results for clients that ask (Accept: application/eat+cwt)")
    .option('--rate-limit <n>', 'requests per client address per 10 s (0: no limit)', integer(0, 1_000_000_000), 600)
    .addHelpText('after', `
The service prints one line when it listens, and stops on SIGTERM or SIGINT. Results are EAR JSON,
or the signed COSE result with Accept: application/eat+cwt; errors are application/problem+json
with the error registry's codes. GET /openapi.json describes the API.
${EXIT_HELP}`)
    .action(lazy(async (o) => (await import('./commands/serve.js')).serve(io, o)));

  // module
  const m = root.command('module').description('drive a simulated chip (hemkit module --help lists the verbs)').addHelpText('after', `
A chip is a directory (state, log, monotonic counter, the lock file hemkit.lock and the openings
journal openings.jsonl); a factory is a directory holding the simulation's keys. Time is the system
clock; HEMKIT_TIME (seconds since the epoch) fixes it.
${EXIT_HELP}`);
  const verb = (name: string, description: string) => m.command(name).description(description).option('--json', 'machine-readable output');
  const chipArg = '<chip>';

  verb('init-factory', 'create a manufacturer root and a 2-of-3 licence authority (simulation keys)')
    .argument('<factory>', 'the factory directory')
    .option('--force', 'replace the keys of an existing factory (its chips then refuse its licences)')
    .action(lazy(async (dir: string, o) => (await mod()).initFactory(io, dir, o)));
  m.command('export-trust')
    .description('write the trust anchors and reference values for this factory\'s chips (public keys only), as hemkit verify --trust reads them')
    .argument('<factory>', 'the factory directory')
    .option('--model <name>', 'a hardware model to list (repeatable; default hemkit-sim-a1)', repeatable(text))
    .option('--out <file>', 'where to write (- for standard output)', '-')
    .action(lazy(async (dir: string, o) => (await mod()).exportTrust(io, dir, o)));
  verb('manufacture', 'manufacture and provision a chip in a new or empty directory')
    .argument(chipArg, 'the chip directory')
    .requiredOption('--factory <dir>', 'the factory')
    .option('--model <name>', 'hardware model', 'hemkit-sim-a1')
    .option('--replay <list>', 'licence replay defences: sequence, hash-log, challenge', choices(REPLAYS), [1])
    .action(lazy(async (dir: string, o) => (await mod()).manufacture(io, dir, o)));
  verb('licence', 'issue a licence for the chip')
    .argument(chipArg, 'the chip directory')
    .requiredOption('--factory <dir>', 'the factory')
    .requiredOption('--ops <n>', 'operations quota (e.g. 1e24)', bigCount)
    .requiredOption('--days <n>', 'validity in days (1 to 36500)', positive(36_500))
    .requiredOption('--out <file>', 'where to write the licence (- for standard output)')
    .option('--sequence <n>', 'sequence number (default: one more than the installed one)', positive(MAX_U32))
    .option('--signers <list>', 'which issuers sign (indices)', (t: string) => t.split(',').map(integer(0, 15)), [0, 1])
    .option('--precision <list>', 'precision classes allowed', choices(PRECISIONS), [4, 6])
    .option('--max-cluster <n>', 'largest cluster allowed', positive(MAX_U32))
    .option('--challenge', "bind the chip's pending challenge (from request-licence)")
    .action(lazy(async (dir: string, o) => (await mod()).licence(io, dir, o)));
  verb('install', 'install a licence')
    .argument(chipArg, 'the chip directory')
    .argument('<licence>', 'the licence file (- for standard input)')
    .action(lazy(async (dir: string, file: string, o) => (await mod()).install(io, dir, file, o)));
  verb('request-licence', 'a signed licence request with a fresh challenge')
    .argument(chipArg, 'the chip directory')
    .requiredOption('--out <file>', 'where to write it (- for standard output)')
    .action(lazy(async (dir: string, o) => (await mod()).requestLicence(io, dir, o)));
  verb('run', 'run (declare) a workload; every run\'s salt goes to <chip>/openings.jsonl')
    .argument(chipArg, 'the chip directory')
    .requiredOption('--ops <n>', 'operations (e.g. 1e21)', bigCount)
    .option('--precision <class>', 'precision class', precisionOne, 4)
    .option('--workload-id <id>', 'the workload id its descriptor names (default cli-workload-<time>)')
    .option('--descriptor <file>', 'the workload descriptor bytes instead')
    .option('--cluster <n>', 'cluster size', positive(MAX_U32))
    .option('--interconnect <bytes>', 'interconnect bytes', bigCount)
    .option('--memory <bytes>', 'bytes moved to and from the chip\'s memory (log-entry.md §6)', bigCount)
    .option('--seconds <n>', 'busy chip-seconds', positive(Number.MAX_SAFE_INTEGER))
    .option('--repeat <k>', `run it k times (1 to ${MAX_REPEAT})`, positive(MAX_REPEAT), 1)
    .option('--produced-state <hex>', 'the model state the run produced: a 32-byte digest (log-entry.md §3.1), kept in the journal to open', hexBytes(32, 32))
    .option('--parent-state <hex>', 'a model state the run started from (repeatable; needs --produced-state)', (v: string, prev: Uint8Array[] | undefined) => [...(prev ?? []), hexBytes(32, 32)(v)])
    .action(lazy(async (dir: string, o) => (await mod()).run(io, dir, o)));
  verb('attest', 'an attestation report (and its certificates: FILE.certs.cbor)')
    .argument(chipArg, 'the chip directory')
    .requiredOption('--nonce <hex>', "the verifier's nonce (8 to 64 bytes)", hexBytes(8, 64))
    .requiredOption('--out <file>', 'where to write the report')
    .action(lazy(async (dir: string, o) => (await mod()).attest(io, dir, o)));
  verb('evidence', "the evidence bundle for a verifier's challenge: report, chain, consistency receipts, disclosed entries")
    .argument(chipArg, 'the chip directory')
    .option('--challenge <file>', 'the challenge from hemkit challenge: its nonce and the size to prove against')
    .option('--nonce <hex>', "the verifier's nonce, when there is no challenge file", hexBytes(8, 64))
    .requiredOption('--out <file>', 'where to write the bundle (- for standard output)')
    .option('--known <sizes>', 'tree sizes the verifier holds (comma-separated): consistency receipts from each', (t: string) => t.split(',').map(positive(Number.MAX_SAFE_INTEGER)))
    .option('--from <index>', 'disclose entries from this index (default: the largest known size, else 0)', integer(0, Number.MAX_SAFE_INTEGER))
    .option('--max-entries <n>', 'disclose at most n entries (a page)', positive(Number.MAX_SAFE_INTEGER))
    .option('--receipts', 'prove each disclosed entry by its own inclusion receipt, not all by a frontier (a page short of the head always does)')
    .option('--licence <file>', 'attach a licence (repeatable)', repeatable(text))
    .option('--open <indices|all>', 'open the runs with these log entries (or all) from the openings journal', indicesOrAll)
    .addHelpText('after', `
A bundle is at most 1 MiB (the verifier's bound): the command refuses (exit 2) before writing a
larger one. Proving against what the verifier remembers (--challenge) keeps bundles small.`)
    .action(lazy(async (dir: string, o) => (await mod()).evidence(io, dir, o)));
  verb('checkpoint', 'a signed checkpoint (and its C2SP signed note)')
    .argument(chipArg, 'the chip directory')
    .option('--out <file>', 'where to write the checkpoint (- for standard output)')
    .action(lazy(async (dir: string, o) => (await mod()).checkpoint(io, dir, o)));
  verb('prove', 'an RFC 9942 inclusion (--index) or consistency (--from) receipt')
    .argument(chipArg, 'the chip directory')
    .option('--index <i>', 'inclusion of this entry (writes FILE.entry.cbor too)', integer(0, Number.MAX_SAFE_INTEGER))
    .option('--size <n>', 'inclusion at this tree size (default: the log size)', positive(Number.MAX_SAFE_INTEGER))
    .option('--from <m>', 'consistency from this tree size', positive(Number.MAX_SAFE_INTEGER))
    .option('--to <n>', 'consistency to this tree size (default: the log size)', positive(Number.MAX_SAFE_INTEGER))
    .requiredOption('--out <file>', 'where to write the receipt')
    .action(lazy(async (dir: string, o) => (await mod()).prove(io, dir, o)));
  verb('update-firmware', 'install a firmware manifest signed by the factory')
    .argument(chipArg, 'the chip directory')
    .requiredOption('--factory <dir>', 'the factory')
    .requiredOption('--svn <n>', 'security version number', positive(MAX_U32))
    .option('--measurement <hex>', 'firmware measurement (32 bytes; default random)', hexBytes(32, 32))
    .action(lazy(async (dir: string, o) => (await mod()).updateFirmware(io, dir, o)));
  verb('status', 'lock state, licence, counters, log size (unsigned)')
    .argument(chipArg, 'the chip directory')
    .action(lazy(async (dir: string, o) => (await mod()).status(io, dir, o)));
  const amount = (t: string) => Number(t); // range checked by the cost model: COST_INVALID_INPUT
  verb('cost', "what each command costs the part (signatures, hashes, writes, counter increments), measured, and projected over a chip's life against its limits")
    .option('--years <n>', 'the life, in years', amount)
    .option('--workloads-per-day <n>', 'workloads run a day', amount)
    .option('--attestations-per-day <n>', 'attestation reports a day', amount)
    .option('--licences-per-year <n>', 'licences installed a year', amount)
    .option('--boots-per-year <n>', 'power-ons a year', amount)
    .option('--counter-endurance <n>', 'increments the monotonic counter survives', amount)
    .option('--flash-endurance <n>', "program/erase cycles of the state record's flash", amount)
    .option('--flash-bytes <n>', 'persistent storage for the state record and the log', amount)
    .option('--policy <module>', 'measure under this firmware policy: an ES module exporting a FirmwarePolicy (default export or "policy")')
    .addHelpText('after', `
Defaults: 10 years, 100 workloads and 24 attestations a day, 12 licences and 12 boots a year; a
counter good for 1e6 increments, flash for 1e5 cycles and 16777216 bytes (stated assumptions, not a
datasheet: give your part's). The figures are measured by running the firmware on a metered
simulated part (specs/scenarios.md §5).`)
    .action(lazy(async (o) => (await import('./commands/cost.js')).moduleCost(io, o)));
  m.command('serve')
    .description('the device process: framed CBOR on stdio or a Unix socket; prints where it listens')
    .argument(chipArg, 'the chip directory')
    .option('--socket <path>', 'listen on this Unix socket instead of stdio')
    .action(lazy(async (dir: string, o) => (await mod()).serve(io, dir, o)));

  // scenario
  const scenario = root.command('scenario').description('run scenario files on a simulated chip: traces and costs (specs/scenarios.md)');
  scenario
    .command('run')
    .description('run a scenario file and print its trace: every command, outcome, state transition, log entry and cost (exit 1 if a step is not as the scenario expects)')
    .argument('<file>', 'the scenario (JSON, hemkit-scenario/v1; - for standard input)')
    .option('--json <out>', 'write the trace as JSON to this file (- for standard output, instead of the text)')
    .option('--policy <module>', 'run the chip under this firmware policy: an ES module exporting a FirmwarePolicy (default export or "policy")')
    .action(lazy(async (file: string, o: { json?: string; policy?: string }) => (await import('./commands/scenario.js')).scenarioRun(io, file, o)));
  scenario
    .command('compare')
    .description('compare two traces (scenario run --json) step by step: outcomes, log entries, transitions, costs (exit 0 they agree, 1 they differ)')
    .argument('<first>', 'a trace file')
    .argument('<second>', 'another trace file, e.g. of the same scenario under another policy')
    .option('--json', 'the comparison as JSON')
    .action(lazy(async (first: string, second: string, o: { json?: boolean }) => (await import('./commands/scenario.js')).scenarioCompare(io, first, second, o)));

  // spec
  const spec = root.command('spec').description('check data against the spec: CBOR against CDDL, JSON against its JSON Schema');
  spec
    .command('check')
    .description(
      'validate CBOR or vector files against a CDDL schema, or with --json-schema JSON files against a JSON Schema of specs/schemas (exit 0 all valid, 1 one is not, 2 unusable input)',
    )
    .argument('<cddl-or-file>', 'the CDDL schema; with --json-schema, the first JSON file')
    .argument('[file...]', 'CBOR, hex, or JSON test-vector files; with --json-schema, JSON files (- for stdin)')
    .addOption(new Option('--json-schema <name>', 'validate JSON files against this JSON Schema (draft 2020-12) instead of CBOR against CDDL').choices(JSON_SCHEMAS))
    .option('--rule <name>', 'the CDDL rule to check against (default: the first)')
    .option('--well-formed', 'accept any well-formed CBOR, not only the hemkit profile')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  hemkit spec check specs/cddl/hemkit.cddl report.cbor --rule attestation-report',
        '  hemkit spec check --json-schema trust-anchors trust.json',
        '',
        'With --json-schema, each invalid file gives one line per error: FAIL <file>#<JSON pointer>: <what is wrong>.',
        'trust-anchors also takes the trust file hemkit module export-trust writes (its referenceValues against reference-values).',
      ].join('\n'),
    )
    .action(
      lazy(async (first: string, rest: string[], o: { jsonSchema?: JsonSchemaName; rule?: string; wellFormed?: boolean }) => {
        if (o.jsonSchema !== undefined) {
          if (o.rule !== undefined || o.wellFormed) throw new UsageError('--rule and --well-formed are for CDDL; --json-schema checks JSON files');
          const { jsonSchemaCheck } = await import('./json-check.js');
          return jsonSchemaCheck(io, o.jsonSchema, [first, ...rest]);
        }
        if (rest.length === 0) throw new UsageError('spec check needs a CDDL schema and at least one file (or --json-schema NAME and JSON files)');
        const { specCheck } = await import('@hemkit/cddl/cli');
        const { pathOf } = await import('./io.js');
        const args = [pathOf(io, first), ...rest.map((f) => pathOf(io, f)), ...(o.rule ? ['--rule', o.rule] : []), ...(o.wellFormed ? ['--well-formed'] : [])];
        const { readFileSync } = await import('node:fs');
        return specCheck(args, { out: (l) => void io.stdout.write(`${l}\n`), err: (l) => void io.stderr.write(`${l}\n`), readFile: (p) => new Uint8Array(readFileSync(p)) });
      }),
    );

  // simulate
  root
    .command('simulate')
    .description('a seeded fleet of honest and evading operators through module, verifier and lineage accounting: detection and false-positive rates per strategy')
    .option('--chips <n>', 'chips in the fleet (at least 150)', integer(150, 10_000_000), 10_000)
    .option('--seed <text>', 'the fleet\'s seed', text, 'hemkit-sim-1')
    .option('--workers <n>', 'worker threads driving chips (1: this thread)', integer(1, 64), 2)
    .option('--svg <file>', 'write the chart of cumulative compute per lineage against the thresholds')
    .option('--json', 'machine-readable output')
    .action(lazy(async (o: { chips: number; seed: string; workers: number; svg?: string; json?: boolean }) => (await import('./commands/simulate.js')).runSimulate(io, o)));

  // demo
  root
    .command('demo')
    .description('hemkit end to end on fixed seeds (or, with "wire", a tour of the wire layer alone)')
    .argument('[part]', 'wire')
    .option('--service', 'appraise through the verification service (hemkit serve, started on loopback with SQLite) over HTTP')
    .action(
      lazy(async (part: string | undefined, o: { service?: boolean }) => {
        if (part !== undefined && part !== 'wire') throw new UsageError(`demo has one part, 'wire', not '${part}'`);
        if (part === 'wire' && o.service) throw new UsageError('--service is for the main demo, not the wire tour');
        const write = (s: string) => void io.stdout.write(`${s}\n`);
        return part === 'wire' ? (await import('./demo-wire.js')).runWireDemo(write) : (await import('./demo.js')).runDemo(write, { service: o.service === true });
      }),
    );

  root
    .command('help')
    .description('show help (hemkit help <command> for one command)')
    .argument('[command...]', 'a command, e.g. module run')
    .action((words: string[]) => {
      let c: Command = root;
      for (const w of words) {
        const next = c.commands.find((x) => x.name() === w);
        if (next === undefined) throw new UsageError(`no command '${words.join(' ')}'`);
        c = next;
      }
      io.stdout.write(c.helpInformation());
      setStatus(0);
    });

  // Every command: our streams, our exit codes, one-line errors.
  const configure = (c: Command): void => {
    c.exitOverride()
      .configureOutput({
        writeOut: (s) => void io.stdout.write(s),
        writeErr: (s) => void io.stderr.write(s),
        outputError: (s, write) => {
          const name = ['hemkit', commandPath(c)].filter(Boolean).join(' ');
          write(`${name}: ${s.replace(/^error: /, '').trim().replace(/\s*\n\s*/g, ' ')} (see ${name} --help)\n`);
        },
      })
      .configureHelp({ sortSubcommands: false, showGlobalOptions: false });
    for (const sub of c.commands) configure(sub);
  };
  configure(root);
  return root;
}

function commandPath(c: Command): string {
  const names: string[] = [];
  for (let x: Command | null = c; x?.parent; x = x.parent) names.unshift(x.name());
  return names.join(' ');
}

export async function main(argv: readonly string[], io: Io = nodeIo()): Promise<number> {
  let status: number = EXIT.ok;
  const root = program(io, (n) => (status = n));
  if (argv.length === 0) {
    io.stderr.write(root.helpInformation());
    return EXIT.usage;
  }
  try {
    await root.parseAsync([...argv], { from: 'user' });
    return status;
  } catch (e) {
    return failure(io, e);
  }
}

async function failure(io: Io, e: unknown): Promise<number> {
  if (e instanceof CommanderError) {
    // help and version are answers (0); everything else commander finds is usage (2).
    // (A command with verbs given none shows its help as an error: 'commander.help' with exit code 1.)
    return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || (e.code === 'commander.help' && e.exitCode === 0) ? EXIT.ok : EXIT.usage;
  }
  if (e instanceof UsageError) {
    io.stderr.write(`hemkit: ${oneLine(e.message)}\n`);
    return EXIT.usage;
  }
  if (e instanceof NegativeResult) {
    io.stderr.write(`hemkit: ${oneLine(e.message)}\n`);
    return EXIT.negative;
  }
  const { isHemkitError } = await import('@hemkit/wire/errors');
  if (isHemkitError(e)) {
    io.stderr.write(`hemkit: ${e.code}: ${oneLine(e.message)}\n`);
    return EXIT.usage;
  }
  if (e instanceof Error && 'code' in e && typeof e.code === 'string' && /^E[A-Z]+$/.test(e.code)) {
    io.stderr.write(`hemkit: ${oneLine(e.message)}\n`); // the file system: ENOENT, EACCES, EISDIR, ENOSPC…
    return EXIT.usage;
  }
  io.stderr.write(`hemkit: internal error: ${oneLine(e instanceof Error ? e.message : String(e))} (a bug: please report it; HEMKIT_DEBUG=1 shows the stack)\n`);
  if (io.env.HEMKIT_DEBUG && e instanceof Error && e.stack) io.stderr.write(`${e.stack}\n`);
  return EXIT.internal;
}

const oneLine = (s: string): string => {
  const line = s.replace(/\s*\n\s*/g, ' ');
  return line.length > 500 ? `${line.slice(0, 500)}…` : line;
};
