/**
 * The README's pictures of the inspector (docs/inspector.png, docs/inspector-fault.png), taken in
 * headless Chromium from the built page: `npm run inspector:screenshot` makes them again.
 *   1. an evidence vector whose counters disagree with the log: the appraisal with its failing
 *      check, the receipts walked, the named tree beside the bytes;
 *   2. a message with a strict-profile fault: its code, the bytes marked, the tree node marked.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launch, PAGE_URL } from './browser.js';

const DOCS = join(import.meta.dirname, '../../../docs');

const browser = await launch();
try {
  mkdirSync(DOCS, { recursive: true });
  const page = await browser.newPage({ viewport: { width: 1400, height: 1250 } });
  await page.goto(PAGE_URL);
  await page.waitForSelector('body[data-ready=true]');
  const option = await page.locator('#vector option', { hasText: 'counters-disagree' }).getAttribute('value');
  await page.selectOption('#vector', option!);
  await page.waitForSelector('#verdict');
  await page.locator('.node', { hasText: 'counters' }).first().click();
  await page.screenshot({ path: join(DOCS, 'inspector.png') });

  await page.fill('#keys', '');
  await page.fill('#input', 'a3 01 18 05 02 a1 03 f6 01 00'); // {1: 5 (in two bytes), 2: {3: null}, 1: 0}
  await page.click('#inspect');
  await page.waitForSelector('#fault-code');
  await page.setViewportSize({ width: 1400, height: 560 });
  await page.screenshot({ path: join(DOCS, 'inspector-fault.png') });
  process.stdout.write(`wrote ${join(DOCS, 'inspector.png')} and inspector-fault.png\n`);
} finally {
  await browser.close();
}
