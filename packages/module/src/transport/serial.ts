/**
 * Runs tasks one after another in call order. The module is a single state machine (messages/
 * module-commands.md §1: one request at a time, in order), so requests from every connection and
 * every concurrent caller must pass through one queue.
 */
export type SerialQueue = <T>(task: () => Promise<T> | T) => Promise<T>;

export function createSerialQueue(): SerialQueue {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T> | T): Promise<T> => {
    const run = tail.then(() => task());
    tail = run.catch(() => undefined);
    return run;
  };
}
