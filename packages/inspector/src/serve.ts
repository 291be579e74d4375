/**
 * The inspector page on localhost (`hemkit inspect --web`, `npm run inspector`): a static server of
 * exactly two things, the built page at `/` and, when the package sits in a clone, the clone's
 * `specs/` Markdown and CDDL at `/specs/` (where the page's spec links point). Loopback only, GET
 * and HEAD only; the page itself makes no requests beyond its own document. Node only.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package's own directory, from src/ (sources) and dist/ (built) alike. */
const PACKAGE = dirname(dirname(fileURLToPath(import.meta.url)));
/** Where `npm run build:page` writes the page. */
export const PAGE_PATH = join(PACKAGE, 'dist', 'page', 'index.html');
const SPECS = join(PACKAGE, '..', '..', 'specs');
/** The spec's prose and its CDDL: nothing else under specs/ is served. */

/** The page has not been built (a clone after `git clone` without `npm install`). */
export class PageNotBuilt extends Error {
  constructor() {
    super(`the inspector page is not built (${PAGE_PATH}): run npm run build`);
  }
}

export interface ServeOptions {
  /** 0 (the default) takes any free port. */
  readonly port?: number;
  readonly host?: string;
}

export interface Serving {
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

export async function servePage(options: ServeOptions = {}): Promise<Serving> {
  if (!existsSync(PAGE_PATH)) throw new PageNotBuilt();
  const host = options.host ?? '127.0.0.1';
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    const send = (status: number, type: string, body: Buffer | string) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'text/plain; charset=utf-8', 'GET only\n');
    if (path === '/' || path === '/index.html') return send(200, 'text/html; charset=utf-8', readFileSync(PAGE_PATH));
    const spec = specFile(path);
    if (spec !== undefined) return send(200, spec.endsWith('.md') ? 'text/markdown; charset=utf-8' : 'text/plain; charset=utf-8', readFileSync(spec));
    return send(404, 'text/plain; charset=utf-8', 'not found\n');
  });
  await new Promise<void>((listening, failed) => {
    server.once('error', failed);
    server.listen(options.port ?? 0, host, () => listening());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}/`,
    server,
    close: () => new Promise<void>((closed) => server.close(() => closed())),
  };
}

/** A Markdown file under the clone's specs/, never a path that climbs out of it. */
function specFile(path: string): string | undefined {
  if (!path.startsWith('/specs/') || !/\.(md|cddl)$/.test(path)) return undefined;
  const file = normalize(join(SPECS, path.slice('/specs/'.length)));
  if (!file.startsWith(SPECS + sep)) return undefined;
  return existsSync(file) && statSync(file).isFile() ? file : undefined;
}
