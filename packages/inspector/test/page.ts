/**
 * The built page and the browser the tests drive. The page is built by `npm install` (the root
 * `prepare`); `ensurePage` (test/packaging/build.ts, under the build lock) rebuilds it first when
 * it is missing or older than its sources, so a test never drives a stale page.
 */
export { ensurePage, PAGE_PATH } from '../../../test/packaging/build.js';

export { BROWSER_REQUIRED, CHROMIUM, CHROMIUM_FLAGS, CHROMIUM_PRESENT, MISSING_CHROMIUM } from '../../../test/browser-env.js';
