/**
 * `hemkit serve`: the verification service (specs/service.md). Everything is read and checked before
 * the store is opened or a port taken; the store is PostgreSQL when --database or
 * $HEMKIT_DATABASE_URL names one, else the SQLite file of --store (default as for verify).
 */
import { randomBytes, randomFillSync } from 'node:crypto';
import { getBackend } from '@hemkit/wire/crypto/node';
import { fromHex } from '@hemkit/wire/bytes';
import { signingKey, type SigningKey } from '@hemkit/wire/messages';
import { buildService, describeStore, openStore, PostgresRateCounter, runWorkers } from '@hemkit/service';
import { readText } from '../files.js';
import { UsageError, type Io } from '../io.js';
import { clockOf } from './chip.js';
import { loadInputs, storePath, type InputOptions } from './verifier.js';

export interface ServeOptions extends InputOptions {
  readonly database?: string;
  readonly store?: string;
  readonly host: string;
  readonly port: number;
  readonly workers: number;
  readonly tokenFile?: string;
  readonly verifierKey?: string;
  readonly rateLimit: number;
}

export async function serve(io: Io, opts: ServeOptions): Promise<number> {
  const database = opts.database ?? (io.env.HEMKIT_DATABASE_URL || undefined);
  if (database !== undefined && !/^postgres(ql)?:\/\//.test(database)) throw new UsageError(`--database takes a postgres:// URL, not '${database.slice(0, 40)}'`);
  if (database !== undefined && opts.store !== undefined) throw new UsageError('give --database or --store, not both');
  const loaded = await loadInputs(io, opts);
  const tokens = [
    ...(opts.tokenFile === undefined ? [] : (await readText(io, opts.tokenFile)).split('\n')),
    ...(io.env.HEMKIT_SERVICE_TOKENS ?? '').split(','),
  ]
    .map((t) => t.trim())
    .filter((t) => t !== '');
  for (const t of tokens) if (!/^[\x21-\x7e]{16,}$/.test(t)) throw new UsageError('a bearer token is at least 16 printable ASCII characters without spaces');
  let key: SigningKey | undefined;
  if (opts.verifierKey !== undefined) {
    const seed = (await readText(io, opts.verifierKey)).trim();
    if (!/^[0-9a-fA-F]{64}$/.test(seed)) throw new UsageError(`${opts.verifierKey}: a verifier key is a 32-byte Ed25519 seed in hex`);
    key = signingKey(-8, fromHex(seed));
  }
  const choice = database !== undefined ? { database, sqlitePath: '' } : { sqlitePath: storePath(io, opts.store) };
  const clock = clockOf(io);
  const backend = getBackend(opts.backend);
  const say = (line: string) => void io.stderr.write(`${line}\n`);

  await runWorkers({
    workers: opts.workers,
    log: say,
    onListening: (address, pids) =>
      say(`hemkit serve: listening on ${address} (${describeStore(choice)}; ${pids.length} worker${pids.length === 1 ? '' : 's'}, pid ${pids.join(', ')}); SIGTERM or SIGINT stops it`),
    start: async () => {
      const store = await openStore(choice);
      // With PostgreSQL every worker counts each client's requests in the database (service.md §3).
      let shared: PostgresRateCounter | undefined;
      try {
        if (database !== undefined && opts.rateLimit !== 0) shared = await PostgresRateCounter.open(database);
      } catch (e) {
        await store.close();
        throw e;
      }
      const app = await buildService({
        ...loaded,
        store,
        backend,
        clock,
        random: randomSource(),
        readTokens: tokens,
        ...(key ? { verifierKey: key } : {}),
        rateLimit: opts.rateLimit === 0 ? false : { max: opts.rateLimit, windowMs: 10_000, ...(shared ? { shared } : {}) },
        log: (line) => say(`hemkit serve: ${line}`),
      });
      try {
        const address = await app.listen({ host: opts.host, port: opts.port });
        return { address, close: () => app.close() };
      } catch (e) {
        await app.close();
        if (e instanceof Error && 'code' in e && (e.code === 'EADDRINUSE' || e.code === 'EACCES')) throw new UsageError(`cannot listen on ${opts.host}:${opts.port}: ${e.message}`);
        throw e;
      }
    },
  });
  return 0;
}

/**
 * Fresh random bytes for the nonces, drawn from a 4 KiB buffer that node:crypto refills when it runs
 * out: one call into the CSPRNG per 256 nonces rather than one each (a call costs microseconds, the
 * copy nanoseconds), as node's own randomUUID keeps its entropy. Each byte is handed out once; a nonce
 * is public once issued, so holding the next ones in memory reveals nothing a client does not learn.
 */
export function randomSource(poolBytes = 4096): (length: number) => Uint8Array {
  const pool = new Uint8Array(poolBytes);
  let at = poolBytes;
  return (length) => {
    if (length > poolBytes) return new Uint8Array(randomBytes(length));
    if (at + length > poolBytes) {
      randomFillSync(pool);
      at = 0;
    }
    at += length;
    return pool.slice(at - length, at);
  };
}
