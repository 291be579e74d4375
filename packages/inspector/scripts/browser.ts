/** Debian's chromium under playwright-core, for the screenshot and the benchmark scripts. */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { PAGE_PATH } from '../src/serve.js';

export const CHROMIUM = process.env.HEMKIT_CHROMIUM ?? '/usr/bin/chromium';
export const PAGE_URL = pathToFileURL(PAGE_PATH).href;

export async function launch(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no chromium at ${CHROMIUM}: apt-get install chromium, or set HEMKIT_CHROMIUM`);
  if (!existsSync(PAGE_PATH)) throw new Error(`the page is not built (${PAGE_PATH}): npm run build`);
  return chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}
