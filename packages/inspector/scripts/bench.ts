/**
 * The inspector's figures for README.md, measured, printed, never asserted: the built page's size
 * (raw and gzip -9), its load time from disk in headless Chromium (navigation start to the load
 * event, median of fresh pages), and the time one appraisal of an evidence vector takes in the page
 * (the first, and the median of the following ones). `npm run inspector:bench`.
 */
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { PAGE_PATH } from '../src/serve.js';
import { launch, PAGE_URL } from './browser.js';

const LOADS = 10;
const APPRAISALS = 20;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const html = readFileSync(PAGE_PATH);
const browser = await launch();
try {
  const loads: number[] = [];
  for (let i = 0; i < LOADS; i++) {
    const page = await browser.newPage();
    await page.goto(PAGE_URL);
    await page.waitForSelector('body[data-ready=true]');
    // Runs in the page, whose navigation timing this file's (Node) types do not describe.
    loads.push(await page.evaluate(() => (performance as unknown as { getEntriesByType(t: string): { loadEventEnd: number }[] }).getEntriesByType('navigation')[0]!.loadEventEnd));
    await page.close();
  }
  const page = await browser.newPage();
  await page.goto(PAGE_URL);
  await page.waitForSelector('body[data-ready=true]');
  const appraisalMs = async () => Number(/in ([\d.]+) ms/.exec((await page.textContent('#appraisal .note'))!)![1]);
  const option = await page.locator('#vector option', { hasText: 'first-appraisal' }).first().getAttribute('value');
  await page.selectOption('#vector', option!);
  await page.waitForSelector('#verdict');
  const first = await appraisalMs();
  const rest: number[] = [];
  for (let i = 0; i < APPRAISALS; i++) {
    await page.click('#inspect');
    await page.waitForSelector('#verdict');
    rest.push(await appraisalMs());
  }
  const verdict = await page.textContent('#verdict');
  const rows = await page.locator('.check-row').count();
  const version = browser.version();
  process.stdout.write(
    [
      `page: ${(html.length / 1024).toFixed(0)} KiB, ${(gzipSync(html, { level: 9 }).length / 1024).toFixed(0)} KiB gzip (${PAGE_PATH})`,
      `load from disk (file://, Chromium ${version} headless): median ${median(loads).toFixed(0)} ms of ${LOADS} (min ${Math.min(...loads).toFixed(0)}, max ${Math.max(...loads).toFixed(0)})`,
      `appraisal of evidence-honest.json first-appraisal (${verdict}, ${rows} checks, noble): first ${first.toFixed(1)} ms, then median ${median(rest).toFixed(1)} ms of ${APPRAISALS}`,
    ].join('\n') + '\n',
  );
} finally {
  await browser.close();
}
