/**
 * The one place the tests learn which browser they may drive. Debian's chromium, or the binary
 * HEMKIT_CHROMIUM names; Playwright's own download does not work on these machines.
 *
 * Without a chromium the browser tests skip, and `npm test` says so in one line (the global setup
 * below prints it once, whichever browser tests run). HEMKIT_REQUIRE_BROWSER=1, which .ci/run sets,
 * turns the missing browser into a failing test instead.
 */
import { existsSync } from 'node:fs';

export const CHROMIUM = process.env.HEMKIT_CHROMIUM ?? '/usr/bin/chromium';
/** The flags this machine's closed network needs (no background connections) and a root user needs. */
export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];
export const BROWSER_REQUIRED = process.env.HEMKIT_REQUIRE_BROWSER === '1';
export const CHROMIUM_PRESENT = existsSync(CHROMIUM);
export const MISSING_CHROMIUM = `no chromium at ${CHROMIUM}: apt-get install chromium, or set HEMKIT_CHROMIUM`;

/** Vitest global setup: the one line a run without a browser prints. */
export default function announceSkippedBrowserTests(): void {
  if (!CHROMIUM_PRESENT && !BROWSER_REQUIRED) console.warn(`browser tests skipped: ${MISSING_CHROMIUM}`);
}
