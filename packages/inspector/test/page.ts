/**
 * The built page and the browser the tests drive. The page is built by `npm install` (the root
 * `prepare`); `ensurePage` (test/packaging/build.ts, under the build lock) rebuilds it first when
 * it is missing or older than its sources, so a test never drives a stale page.
 */
export { ensurePage, PAGE_PATH } from '../../../test/packaging/build.js';

/** Debian's chromium, or the one HEMKIT_CHROMIUM names (as test/packaging/chromium.test.ts). */
export const CHROMIUM = process.env.HEMKIT_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];
/** Set by .ci/run: a missing browser fails the browser tests instead of skipping them. */
export const BROWSER_REQUIRED = process.env.HEMKIT_REQUIRE_BROWSER === '1';
