/**
 * Worker processes (specs/service.md §1): with one worker the service runs in this process; with more,
 * node:cluster forks them and they share the listening port. Workers are stateless (their memory is
 * the store), so a worker that dies is replaced and loses nothing acknowledged: an appraisal is
 * acknowledged only after its transaction committed. SIGTERM or SIGINT stops every worker.
 */
import cluster from 'node:cluster';

export interface RunningServer {
  /** Where it listens, e.g. http://127.0.0.1:8080. */
  readonly address: string;
  close(): Promise<void>;
}

export interface WorkersOptions {
  readonly workers: number;
  /** Starts one worker's server (in this process or in a forked worker). */
  readonly start: () => Promise<RunningServer>;
  /** Called once, when every worker listens, with the shared address. */
  readonly onListening: (address: string, pids: readonly number[]) => void;
  /** One line per event worth telling an operator (a worker died and was replaced). */
  readonly log: (line: string) => void;
}

/** Resolves when the service was stopped by SIGTERM or SIGINT, after every worker closed. */
export async function runWorkers(options: WorkersOptions): Promise<void> {
  if (options.workers <= 1 || !cluster.isPrimary) return serveHere(options, !cluster.isPrimary);
  return supervise(options);
}

/** Stops on SIGTERM/SIGINT; the handlers go in before anything listens, so an early signal is not lost. */
function stopSignal(): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      resolve();
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}

async function serveHere(options: WorkersOptions, forked: boolean): Promise<void> {
  const stopping = stopSignal();
  const server = await options.start();
  if (forked) process.send?.({ hemkit: 'listening', address: server.address });
  else options.onListening(server.address, [process.pid]);
  await stopping;
  await server.close();
  // A forked worker's channel to the primary would keep it alive after its server closed.
  if (forked) process.disconnect?.();
}

async function supervise(options: WorkersOptions): Promise<void> {
  // Workers accept their own connections from the shared socket (the kernel spreads them), rather
  // than node's round robin, where this process accepts each connection and hands it to a worker
  // over IPC: a worker killed while a handoff is in flight leaves that connection open in this
  // process, unanswered and never reset, until its client gives up (seen in the SIGKILL fault test
  // on a busy machine: a request hung 10 s). With SCHED_NONE a dying worker's connections are reset
  // by the kernel, and those still queued go to the others.
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  const stopping = stopSignal();
  let shuttingDown = false;
  let announced = false;
  const listening = new Map<number, string>();
  const fork = (): void => {
    const worker = cluster.fork();
    worker.on('message', (m: unknown) => {
      if (typeof m !== 'object' || m === null || (m as { hemkit?: unknown }).hemkit !== 'listening') return;
      listening.set(worker.process.pid!, String((m as { address: unknown }).address));
      if (!announced && listening.size === options.workers) {
        announced = true;
        options.onListening([...listening.values()][0]!, [...listening.keys()]);
      }
    });
  };
  cluster.on('exit', (worker, code, signal) => {
    listening.delete(worker.process.pid!);
    if (shuttingDown) return;
    options.log(`hemkit serve: worker ${worker.process.pid} ended (${signal ?? `exit ${code}`}); starting another`);
    fork();
  });
  for (let i = 0; i < options.workers; i++) fork();
  await stopping;
  shuttingDown = true;
  const workers = Object.values(cluster.workers ?? {}).filter((w) => w !== undefined);
  await Promise.all(
    workers.map(
      (w) =>
        new Promise<void>((resolve) => {
          if (w.isDead()) return resolve();
          w.once('exit', () => resolve());
          w.process.kill('SIGTERM');
        }),
    ),
  );
}
