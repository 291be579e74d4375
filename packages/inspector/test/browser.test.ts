/**
 * The inspector page in a real browser: Debian's chromium, headless, driven by playwright-core
 * (Playwright's own browser download does not work on these machines). The page is opened from disk
 * and from `servePage`; every test also asserts that the page logged no error and requested nothing
 * beyond its own document. Without a chromium the tests skip, with one line saying so, unless
 * HEMKIT_REQUIRE_BROWSER=1 (.ci/run sets it), which makes the missing browser a failure.
 */
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { encode, encodeCoseKey, fromHex, toHex } from '@hemkit/wire';
import { renderSignedNote, signingKey } from '@hemkit/wire/messages';
import { CHECKS } from '@hemkit/verifier';
import { appraiseBundle, parseSetup } from '../src/appraisal.js';
import { layout } from '../src/layout.js';
import { servePage, type Serving } from '../src/serve.js';
import { BROWSER_REQUIRED, CHROMIUM, CHROMIUM_FLAGS, CHROMIUM_PRESENT, ensurePage, MISSING_CHROMIUM, PAGE_PATH } from './page.js';
import { honest, readVectors } from './vectors.js';

it.runIf(BROWSER_REQUIRED)('has a chromium to run (HEMKIT_REQUIRE_BROWSER=1: a missing browser fails)', () => {
  expect(CHROMIUM_PRESENT, MISSING_CHROMIUM).toBe(true);
});

const FILE_URL = pathToFileURL(PAGE_PATH).href;
const first = honest().vectors[0]!;
const setupJson = () => {
  const f = honest();
  return JSON.stringify({ trust: f.trust, reference: f.reference, policy: f.policy });
};

describe.runIf(CHROMIUM_PRESENT)('the inspector page in headless Chromium', () => {
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let requests: string[];

  beforeAll(async () => {
    await ensurePage();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
  }, 120_000);
  afterAll(() => browser?.close());

  async function open(url = FILE_URL): Promise<Page> {
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    problems = [];
    requests = [];
    page.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && problems.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(url);
    await page.waitForSelector('body[data-ready=true]');
    return page;
  }

  afterEach(async () => {
    if (page === undefined) return;
    const url = page.url();
    await page.close();
    expect(problems, 'console errors').toEqual([]);
    expect(requests, 'requests beyond the page itself').toEqual([url]);
  });

  /** Pastes an evidence bundle with the verifier inputs of the honest vectors. */
  async function pasteBundle(p: Page, hex: string, v = first): Promise<void> {
    await p.fill('#keys', setupJson());
    await p.fill('#now', String(v.now));
    await p.fill('#nonce', v.nonce ?? '');
    await p.fill('#input', hex);
    await p.click('#inspect');
  }

  it('appraises a pasted valid evidence vector: affirming, one row per check of the verifier', async () => {
    const p = await open();
    await pasteBundle(p, first.bundle);
    await expect.poll(() => p.textContent('#verdict')).toBe('affirming');
    expect(await p.locator('#family').getAttribute('data-family')).toBe('evidence-bundle');
    const rows = await p.locator('.check-row').evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-check'), tr.getAttribute('data-status')]));
    expect(rows.map(([id]) => id)).toEqual(CHECKS.map((c) => c.id));
    expect(Object.fromEntries(rows)).toEqual(first.expected.checks);
  });

  it('shows the failing check and its code for a tampered bundle, as the verifier finds them', async () => {
    // One bit of the report's signature flipped: the report is the bundle's first member.
    const bytes = fromHex(first.bundle);
    const report = layout(bytes).children[1]!;
    bytes[report.end - 10]! ^= 1;
    const expected = appraiseBundle({ bundle: bytes, setup: parseSetup(setupJson()), now: first.now, nonce: first.nonce! });
    const failed = expected.checks.filter((c) => c.status === 'fail');
    expect(failed.length).toBeGreaterThan(0);
    const p = await open();
    await pasteBundle(p, toHex(bytes));
    await expect.poll(() => p.textContent('#verdict')).toBe(expected.status);
    expect(expected.status).toBe('contraindicated');
    const shown = await p.locator('.check-row[data-status=fail]').evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-check'), tr.getAttribute('data-code')]));
    expect(shown).toEqual(failed.map((c) => [c.id, c.code]));
    expect(await p.locator('.check-row').count()).toBe(CHECKS.length);
  });

  it('inspects a dropped .cbor file, and appraises it with a dropped trust file', async () => {
    const p = await open();
    await p.fill('#now', String(first.now));
    await p.fill('#nonce', first.nonce!);
    const drop = async (name: string, hex: string) => {
      const transfer = await p.evaluateHandle(
        ({ name, hex }) => {
          // Runs in the page: its DataTransfer and File (this file is type-checked without the DOM).
          const page = globalThis as unknown as { DataTransfer: new () => { items: { add(file: unknown): void } }; File: new (parts: Uint8Array[], name: string) => unknown };
          const t = new page.DataTransfer();
          t.items.add(new page.File([new Uint8Array(hex.match(/../g)!.map((b) => parseInt(b, 16)))], name));
          return t;
        },
        { name, hex },
      );
      await p.dispatchEvent('body', 'drop', { dataTransfer: transfer });
    };
    await drop('trust.json', toHex(new TextEncoder().encode(setupJson())));
    await expect.poll(() => p.inputValue('#keys')).toContain('manufacturers');
    await drop('bundle.cbor', first.bundle);
    await expect.poll(() => p.textContent('#verdict')).toBe('affirming');
    expect(await p.textContent('#summary')).toContain(`${first.bundle.length / 2} bytes, read as file`);
  });

  it('opens a hex file from the file picker', async () => {
    const p = await open();
    await p.setInputFiles('#file', { name: 'bundle.hex', mimeType: 'text/plain', buffer: Buffer.from(`${first.bundle}\n`) });
    await expect.poll(() => p.locator('#family').getAttribute('data-family')).toBe('evidence-bundle');
    expect(await p.textContent('#summary')).toContain('read as hex file');
  });

  it('answers pasted garbage with one clear error and nothing else', async () => {
    const p = await open();
    await p.fill('#input', 'this is not a hemkit message!');
    await p.click('#inspect');
    await expect.poll(() => p.isVisible('#error')).toBe(true);
    const text = (await p.textContent('#error'))!;
    expect(text).toMatch(/^Not a hemkit message: the text is neither hex nor base64, and its 29 bytes are not CBOR \(CBOR_[A-Z_]+: .+\)\.$/);
    expect(text.split('\n')).toHaveLength(1);
    expect(await p.isVisible('#views')).toBe(false);
    expect(await p.locator('#summary, #appraisal, #fault').evaluateAll((els) => els.map((e) => e.textContent))).toEqual(['', '', '']);
  });

  it('shows a strict-profile fault with its code and its bytes, linked to the tree both ways', async () => {
    const v = readVectors<{ vectors: { id: string; input: string; code?: string }[] }>('cbor/decode.json').vectors.find((x) => x.id === 'non-shortest-uint-1-byte')!;
    const wrapped = `a201${v.input}0200`; // {1: <the vector>, 2: 0}: the fault sits inside a map
    const p = await open();
    await p.fill('#input', wrapped);
    await p.click('#inspect');
    await expect.poll(() => p.textContent('#fault-code')).toBe(v.code);
    expect(await p.locator('.hex span.b.fault').evaluateAll((s) => s.map((b) => Number(b.getAttribute('data-off'))))).toEqual([2, 3]);
    expect(await p.locator('.node.faulty').getAttribute('data-start')).toBe('2');
    // byte → tree
    await p.click('.hex span.b[data-off="3"]');
    expect(await p.locator('.node.selected').getAttribute('data-start')).toBe('2');
    // tree → bytes
    await p.locator('.node[data-start="0"]').first().click();
    expect(await p.locator('.hex span.b.sel').count()).toBe(wrapped.length / 2);
  });

  it('names claims beside their keys and reads values for people', async () => {
    const p = await open();
    await pasteBundle(p, first.bundle);
    await expect.poll(() => p.textContent('#verdict')).toBe('affirming');
    const tree = (await p.textContent('#tree'))!;
    expect(tree).toContain('-72001 counters');
    expect(tree).toMatch(/6 iat: 20\d\d-\d\d-\d\dT\d\d:\d\d:\d\dZ/);
    expect(tree).toMatch(/totalOps: [\d,]+ \((≈ )?\d(\.\d+)? × 10\^\d+\)/);
    expect(await p.locator('#tree button.copy').count()).toBeGreaterThan(5);
    expect(await p.locator('a.spec').first().getAttribute('href')).toMatch(/specs\/verifier\.md#2-evidence-bundle$/);
  });

  it('walks every receipt of the bundle to its checkpoint', async () => {
    const p = await open();
    await pasteBundle(p, first.bundle);
    const walks = await p.locator('#receipts details.receipt').evaluateAll((ds) => ds.map((d) => d.className));
    expect(walks.length).toBeGreaterThan(0);
    expect(walks.every((c) => c === 'receipt pass')).toBe(true);
  });

  it('carries a consistency receipt from the older checkpoint to the newer', async () => {
    const all = readVectors<{ vectors: { id: string; input: string }[] }>('messages/evidence-bundle.json').vectors.find((v) => v.id === 'all-optional-present')!;
    const p = await open();
    await p.fill('#input', all.input);
    await p.click('#inspect');
    await expect.poll(() => p.locator('#receipts p.consistency').evaluateAll((ps) => ps.map((x) => x.className))).toEqual(['consistency pass']);
    expect(await p.textContent('#receipts p.consistency')).toMatch(/from size 2 to 4 .*= the checkpoint root at 4/);
  });

  it('verifies a device certificate against the pasted trust file', async () => {
    const p = await open();
    const cert = layout(fromHex(first.bundle)).children[3]!; // bundle key 2's value
    await p.fill('#keys', setupJson());
    await p.fill('#input', first.bundle.slice(cert.headEnd * 2, cert.end * 2));
    await p.click('#inspect');
    await expect.poll(() => p.locator('#family').getAttribute('data-family')).toBe('device-certificate');
    expect(await p.locator('.signature-row').evaluateAll((rs) => rs.map((r) => r.className))).toEqual(['signature-row pass']);
  });

  it('reads a pasted signed note and verifies it under the pasted attestation key', async () => {
    const key = signingKey(-8, new Uint8Array(32).fill(7)); // the example of checkpoint.md §2
    const note = renderSignedNote('hemkit/ueid/01000102030405060708090a0b0c0d0e0f', 42, new Uint8Array(32).fill(1), key);
    const p = await open();
    await p.fill('#keys', toHex(encode(encodeCoseKey(key.publicKey))));
    await p.fill('#input', note);
    await p.click('#inspect');
    await expect.poll(() => p.locator('#family').getAttribute('data-family')).toBe('signed-note');
    expect(await p.locator('.signature-row').evaluateAll((rs) => rs.map((r) => r.className))).toEqual(['signature-row pass']);
    await p.fill('#input', note.replace('\n42\n', '\n43\n'));
    await p.click('#inspect');
    await expect.poll(() => p.locator('.signature-row').evaluateAll((rs) => rs.map((r) => r.className))).toEqual(['signature-row fail']);
  });

  it('runs a test vector picked from the list, as its file expects', async () => {
    const p = await open();
    const checks = readVectors<{ vectors: { id: string; expected: { status: string; checks: Record<string, string> } }[] }>('evidence/evidence-checks.json').vectors;
    const i = checks.findIndex((v) => v.id === 'counters-disagree');
    const value = await p.locator('#vector optgroup').nth(1).locator('option').nth(i).getAttribute('value');
    await p.selectOption('#vector', value!);
    await expect.poll(() => p.textContent('#verdict')).toBe(checks[i]!.expected.status);
    expect(await p.locator('.check-row[data-check=counters-vs-log]').getAttribute('data-code')).toBe(checks[i]!.expected.checks['counters-vs-log']);
    expect(await p.textContent('#expected')).toContain('as the vector expects');
  });

  it('checks a picked message vector against its family schema, with the code the vector states', async () => {
    const f = readVectors<{ family: string; vectors: { id: string; result: string; code?: string }[] }>('messages/licence-claims.json');
    const i = f.vectors.findIndex((v) => v.code === 'MESSAGE_UNKNOWN_FIELD');
    const p = await open();
    const value = await p.locator('#vector optgroup[label="messages/licence-claims.json"] option').nth(i).getAttribute('value');
    expect(await p.locator(`#vector option[value="${value}"]`).textContent()).toContain(f.vectors[i]!.id);
    await p.selectOption('#vector', value!);
    await expect.poll(() => p.textContent('#schema-code')).toBe('MESSAGE_UNKNOWN_FIELD');
    expect(await p.textContent('#schema')).toContain('against licence-claims');
  });

  it('works the same served on localhost', async () => {
    let serving: Serving | undefined;
    try {
      serving = await servePage();
      const p = await open(serving.url);
      await pasteBundle(p, first.bundle);
      await expect.poll(() => p.textContent('#verdict')).toBe('affirming');
      expect(await p.locator('a.spec').first().getAttribute('href')).toBe('/specs/verifier.md#2-evidence-bundle');
    } finally {
      await serving?.close();
    }
  });
});
