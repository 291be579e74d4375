#!/usr/bin/env node
// The hemkit command: runs the built JavaScript in dist/ (no TypeScript at run time). In the
// repository, `npm install` / `npm ci` build it (the root `prepare` script) and `npm run build`
// rebuilds it after an edit; `npx tsx --conditions=@hemkit/source packages/cli/src/…` runs sources.
import { readFileSync } from 'node:fs';

// A reader that stops early (hemkit … | head) is not an error: stop quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  // Answered here, before the command line loads, so that it costs no more than starting node.
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stdout.write(`${pkg.version}\n`);
} else {
  let cli;
  try {
    cli = await import('../dist/main.js');
  } catch (error) {
    if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/main.js')) {
      process.stderr.write('hemkit: the command line is not built (dist/main.js is missing): run `npm run build`\n');
      process.exit(2);
    }
    throw error;
  }
  process.exitCode = await cli.main(args);
}
