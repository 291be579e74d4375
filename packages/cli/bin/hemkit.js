#!/usr/bin/env node
// The hemkit command: runs the TypeScript sources through tsx, so there is no build step.
import { register } from 'tsx/esm/api';

// A reader that stops early (hemkit … | head) is not an error: stop quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

register();
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv.slice(2));
