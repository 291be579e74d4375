/**
 * A private PostgreSQL 15 cluster for tests that must stop or restart the server, which the shared
 * server of these machines (postgres-support.ts) must never be: its own data directory in a fresh
 * temporary directory, its own port on 127.0.0.1 and its own socket directory, trust auth, removed
 * afterwards. initdb and postgres refuse to run as root, so as root they run as the `postgres` OS
 * user (runuser). When the binaries (or runuser, as root) are missing the caller skips with one line,
 * unless HEMKIT_REQUIRE_POSTGRES=1 (set by .ci/run), which makes that a failure.
 */
import { execFile, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { POSTGRES_REQUIRED } from './postgres-support.js';

/** Where Debian's postgresql-15 puts the server binaries (HEMKIT_POSTGRES_BIN overrides it). */
export const POSTGRES_BIN = process.env.HEMKIT_POSTGRES_BIN ?? '/usr/lib/postgresql/15/bin';
const RUNUSER = ['/usr/sbin/runuser', '/sbin/runuser', '/usr/bin/runuser'].find((p) => existsSync(p));
const asRoot = process.getuid?.() === 0;

export interface PrivateCluster {
  /** `postgres://postgres@127.0.0.1:PORT/postgres`. */
  readonly url: string;
  readonly port: number;
  /** pg_ctl restart: `fast` ends sessions and shuts down cleanly; `immediate` aborts, and the start replays the WAL. */
  restart(mode: 'fast' | 'immediate'): Promise<void>;
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  start(): Promise<void>;
  /** The server's log so far (for a failure's message). */
  log(): string;
  /** Stops the server (immediately) and removes its directory. */
  destroy(): Promise<void>;
}

/**
 * Why a private cluster cannot run here, or undefined when it can. Under HEMKIT_REQUIRE_POSTGRES=1 a
 * reason throws instead, so that CI fails rather than skips.
 */
export function privateClusterUnavailable(bin: string = POSTGRES_BIN, required: boolean = POSTGRES_REQUIRED): string | undefined {
  const missing = ['initdb', 'pg_ctl', 'postgres'].filter((b) => !existsSync(join(bin, b)));
  let reason: string | undefined;
  if (missing.length > 0) reason = `no ${missing.join(', ')} in ${bin} (set HEMKIT_POSTGRES_BIN)`;
  else if (asRoot && RUNUSER === undefined) reason = 'running as root without runuser, and PostgreSQL refuses to run as root';
  else if (asRoot && spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).status !== 0) reason = 'running as root with no postgres OS user to run PostgreSQL as';
  if (reason !== undefined && required) throw new Error(`HEMKIT_REQUIRE_POSTGRES=1 but a private PostgreSQL cluster cannot run: ${reason}`);
  return reason;
}

/** A free TCP port on 127.0.0.1 (free when asked: the server takes it a moment later). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const port = (server.address() as { port: number }).port;
  await new Promise((closed) => server.close(closed));
  return port;
}

/** Creates, configures and starts the cluster (initdb takes a few seconds). */
export async function startPrivateCluster(): Promise<PrivateCluster> {
  const reason = privateClusterUnavailable();
  if (reason !== undefined) throw new Error(`a private PostgreSQL cluster cannot run: ${reason}`);
  const dir = mkdtempSync(join(tmpdir(), 'hemkit-pg-'));
  if (asRoot) {
    const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
    chownSync(dir, id('-u'), id('-g'));
  }
  const data = join(dir, 'data');
  const logFile = join(dir, 'server.log');
  // Asynchronous, so that a test's load keeps running in this process while the server restarts.
  const run = (bin: string, args: readonly string[]): Promise<void> => {
    const command = [join(POSTGRES_BIN, bin), ...args];
    const [file, argv] = asRoot ? [RUNUSER!, ['-u', 'postgres', '--', ...command]] : [command[0]!, command.slice(1)];
    return new Promise((done, fail) =>
      execFile(file, argv, { cwd: dir, encoding: 'utf8', timeout: 60_000 }, (error, _stdout, stderr) =>
        error ? fail(new Error(`${bin} ${args.join(' ')} failed (${error.message.split('\n')[0]}): ${stderr.trim().split('\n').slice(-3).join(' ')}`)) : done(),
      ),
    );
  };
  await run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const port = await freePort();
  // fsync off: a restart is not an OS crash, so what was written to the kernel survives it, and
  // durability against that is what these tests check (synchronous_commit stays on).
  const options = `-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories=${dir} -c fsync=off -c full_page_writes=off -c shared_buffers=16MB -c max_connections=60`;
  const pgCtl = (action: string, extra: readonly string[] = []) => run('pg_ctl', ['-D', data, '-l', logFile, '-w', '-t', '60', ...extra, action]);
  const start = () => pgCtl('start', ['-o', options]);
  try {
    await start();
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  let destroyed = false;
  // A test process that ends without destroy() (a crash, a timeout) still stops its server.
  const onExit = (): void => {
    if (destroyed) return;
    const command = [join(POSTGRES_BIN, 'pg_ctl'), '-D', data, '-m', 'immediate', 'stop'];
    if (asRoot) spawnSync(RUNUSER!, ['-u', 'postgres', '--', ...command], { cwd: dir, timeout: 10_000 });
    else spawnSync(command[0]!, command.slice(1), { cwd: dir, timeout: 10_000 });
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', onExit);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    restart: (mode) => pgCtl('restart', ['-m', mode, '-o', options]),
    stop: (mode = 'fast') => pgCtl('stop', ['-m', mode]),
    start,
    log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
    destroy: async () => {
      if (destroyed) return;
      destroyed = true;
      process.off('exit', onExit);
      try {
        if (existsSync(join(data, 'postmaster.pid'))) await pgCtl('stop', ['-m', 'immediate']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
