/**
 * The hemkit command line. Exit status: 0 success, 1 a check that did not pass, 2 unusable input
 * or usage. A file that is not what it claims gets one clear line, never a stack trace.
 */
import { HemkitError } from '@hemkit/wire';
import { inspect, readCborFile } from './inspect.js';
import { UsageError } from './args.js';
import { ChipRefusal, moduleCommand, MODULE_USAGE } from './module.js';
import { specCheck } from '@hemkit/cddl/cli';
import { accountCommand, verifyCommand } from './verify.js';

const USAGE = `usage: hemkit <command> [arguments]

commands:
  verify <bundle>... --trust T [--reference R] [--policy P] [--nonce HEX] [--store DB] [--json]
                   appraise evidence bundles (exit 0 affirming, 1 not, 2 unusable input)
                   [--ear FILE --verifier-key FILE] also writes the signed attestation result
  account <bundle>... --trust T [--reference R] [--threshold id=ops,...] [--json]
                   total compute per run across a fleet and flag runs over reporting thresholds
  inspect <file>   show a CBOR file (raw or hex) in diagnostic notation, checked against the profile
  module <verb>    drive a simulated chip (hemkit module help)
  spec check <cddl> <file>...  validate CBOR files or vector files against a CDDL schema [--rule NAME]
  demo [wire]      hemkit end to end (or a tour of the wire layer alone)
  help             this text`;

export async function main(args: readonly string[]): Promise<number> {
  const [command, ...rest] = args;
  try {
    switch (command) {
      case 'inspect':
        if (rest.length !== 1) return usage('inspect takes exactly one file');
        console.log(inspect(readCborFile(rest[0]!)));
        return 0;
      case 'module':
        if (rest[0] === undefined || rest[0] === 'help') {
          console.log(MODULE_USAGE);
          return rest[0] === undefined ? 2 : 0;
        }
        return await moduleCommand(rest);
      case 'verify':
        return await verifyCommand(rest);
      case 'account':
        return await accountCommand(rest);
      case 'spec':
        if (rest[0] !== 'check') return usage("the spec command has one verb: 'spec check'");
        return await specCheck(rest.slice(1));
      case 'demo': {
        if (rest[0] === 'wire') return (await import('./demo-wire.js')).runWireDemo();
        return (await import('./demo.js')).runDemo();
      }
      case 'help':
      case '--help':
      case '-h':
        console.log(USAGE);
        return 0;
      default:
        return usage(command === undefined ? 'no command given' : `unknown command '${command}'`);
    }
  } catch (e) {
    if (e instanceof UsageError) return usage(e.message);
    if (e instanceof ChipRefusal) {
      console.error(`hemkit: the chip refused: ${e.code}: ${e.message}`);
      return 1;
    }
    if (e instanceof HemkitError) {
      console.error(`hemkit: ${e.code}: ${e.message}`);
      return 2;
    }
    if (e instanceof Error && 'code' in e && typeof e.code === 'string' && e.code.startsWith('E')) {
      console.error(`hemkit: ${e.message}`); // file-system errors (ENOENT, EACCES, …)
      return 2;
    }
    throw e;
  }
}

function usage(problem: string): number {
  console.error(`hemkit: ${problem}\n\n${USAGE}`);
  return 2;
}
