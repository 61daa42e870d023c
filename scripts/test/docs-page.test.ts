// docs/index.html opened from disk in a real headless Chromium: every operation of the
// published bundle renders (with its code samples, which fit their panel), the three security
// schemes render, nothing logs an error, and no request leaves the machine; served by the
// reference server, it requests nothing but itself. Screenshots go to reports/ for people to
// look at.
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCS_FILE } from '../generate/docs.ts';
import { listOperations, type JsonObject } from '../generate/openapi-document.ts';
import { BUNDLE_JSON } from '../generate/pipeline.ts';
import { REPO_ROOT } from '../generate/repo-root.ts';
import { startReferenceServer } from '../../mock/src/testing.ts';
import { launchChromium, type LaunchedBrowser } from './support/chromium.ts';

/** Schemes a self-contained page may load from: itself, inline data, and what it makes in memory. */
const LOCAL_PROTOCOLS = ['file:', 'data:', 'about:', 'blob:'];
const REPORTS_DIR = join(REPO_ROOT, 'reports');

const spec = JSON.parse(await readFile(join(REPO_ROOT, BUNDLE_JSON), 'utf8')) as JsonObject;
const operations = listOperations(spec);
const tags = (spec.tags as { name: string }[]).map((tag) => tag.name);
const securitySchemes = Object.entries((spec.components as JsonObject).securitySchemes as Record<string, JsonObject>);

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The first sentence of a Markdown description as Redoc displays it (no backticks or emphasis). */
function firstSentence(markdown: string): string {
  const plain = markdown.replace(/[`*]/g, '').replace(/\s+/g, ' ').trim();
  return plain.slice(0, plain.search(/[.:](\s|$)/));
}

// Served over HTTP (the reference server's /docs, as `npm start` serves it) the page asks for
// nothing but itself: no /favicon.ico, which the server answers 404 and the console reports.
describe('docs/index.html served at /docs by the reference server', { timeout: 60_000 }, () => {
  it('requests nothing but the page, and logs no error', async () => {
    const server = await startReferenceServer({ logLevel: 'silent' });
    const browser = await launchChromium();
    try {
      const page = browser.context.pages()[0] ?? (await browser.context.newPage());
      const requested: string[] = [];
      const errors: string[] = [];
      page.on('request', (request) => {
        if (!LOCAL_PROTOCOLS.includes(new URL(request.url()).protocol)) requested.push(request.url());
      });
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      await page.goto(`${server.origin}/docs`, { waitUntil: 'load' });
      await page.locator('#api-content h1').first().waitFor({ state: 'visible' });
      // Let the browser settle: a favicon request follows the load.
      await page.waitForLoadState('networkidle');
      expect(requested).toEqual([`${server.origin}/docs`]);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
      await server.close();
    }
  });
});

// Generous: the loop clicks through every operation and sample, on a shared 2-core machine.
describe('docs/index.html in Chromium', { timeout: 120_000 }, () => {
  let browser: LaunchedBrowser;
  let page: Page;
  const offMachine: string[] = [];
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    const record = (url: string) => {
      if (!LOCAL_PROTOCOLS.includes(new URL(url).protocol)) offMachine.push(url);
    };
    // Every request is seen; one that would leave the machine is recorded and never sent.
    await browser.context.route('**/*', (route) => {
      const url = route.request().url();
      if (LOCAL_PROTOCOLS.includes(new URL(url).protocol)) return route.continue();
      offMachine.push(url);
      return route.abort('blockedbyclient');
    });
    browser.context.on('request', (request) => record(request.url()));
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.on('websocket', (socket) => record(socket.url()));
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    await page.goto(pathToFileURL(join(REPO_ROOT, DOCS_FILE)).href, { waitUntil: 'load' });
    await page.locator('#api-content h1').first().waitFor({ state: 'visible' });
  });

  afterAll(async () => {
    await browser?.close();
  });

  const sidebar = () => page.locator('[data-component-name="Menu/MenuItem"] a');

  /** Opens an operation from the sidebar (expanding its tag first) and returns its anchor. */
  async function openOperation(operation: (typeof operations)[number]): Promise<string> {
    const item = sidebar().filter({
      // The item reads "<summary><method>"; the method badge is upper-cased by CSS only.
      hasText: new RegExp(`^\\s*${escapeRegExp(operation.summary)}\\s*${operation.method}\\s*$`, 'i'),
    });
    if ((await item.count()) === 0) {
      const tag = String((operation.object.tags as string[])[0]);
      await sidebar()
        .filter({ hasText: new RegExp(`^\\s*${escapeRegExp(tag)}\\s*$`) })
        .and(page.locator(':not([href^="/section/"])'))
        .click();
    }
    await item.waitFor({ state: 'visible' });
    const href = (await item.getAttribute('href')) ?? '';
    await item.click();
    return href.replace(/^#\//, '');
  }

  const LABELS = ['curl', 'openapi-fetch', 'hey-api SDK'];
  const samplesOf = (operation: (typeof operations)[number]) =>
    operation.object['x-codeSamples'] as { label: string; source: string }[];
  /** The samples panel of an operation: the one whose samples start with its title line. */
  const samplesPanel = (operation: (typeof operations)[number]) =>
    page.locator('[data-component-name="Panel/Panel"]').filter({
      hasText: `${operation.summary} (${operation.method.toUpperCase()} ${operation.path})`,
    });
  async function expectSampleShown(operation: (typeof operations)[number], label: string) {
    const sample = samplesOf(operation).find((candidate) => candidate.label === label)!;
    for (const line of sample.source.split('\n').slice(0, 2)) {
      await samplesPanel(operation).getByText(line, { exact: true }).first().waitFor({ state: 'visible' });
    }
  }

  it('renders every operation, by summary and operationId anchor, with its three code samples', async () => {
    expect(operations.length).toBeGreaterThan(0);
    for (const operation of operations) {
      expect(samplesOf(operation).map((sample) => sample.label)).toEqual(LABELS);
      const anchor = await openOperation(operation);
      // Redoc names an operation's anchor after its tag and its operationId.
      expect(anchor.endsWith(`/${operation.operationId.toLowerCase()}`), anchor).toBe(true);
      const section = page.locator(`[id="${anchor}"]`);
      await section.waitFor({ state: 'visible' });
      expect((await section.locator('h2').first().innerText()).trim()).toBe(operation.summary);
      // All three samples can be picked in its samples panel. The pick is page-wide, so start
      // with the one already shown and switch to the other two.
      const picker = samplesPanel(operation).locator('button[aria-haspopup="menu"]').filter({ hasText: new RegExp(`^(${LABELS.join('|')})$`) });
      const shown = (await picker.innerText()).trim();
      await expectSampleShown(operation, shown);
      for (const label of LABELS.filter((candidate) => candidate !== shown)) {
        await picker.click();
        await page.getByRole('menuitem', { name: label, exact: true }).click();
        await expectSampleShown(operation, label);
      }
    }
  });

  it('renders the three security schemes with their descriptions', async () => {
    expect(securitySchemes.map(([name]) => name).sort()).toEqual(['AuthorizationApiKey', 'AuthorizationBearer', 'XApiKey']);
    await openOperation(operations[0]);
    await page.getByText('View security details').first().click();
    // The details open in a layer of their own at the end of <body>, one tab per scheme.
    const details = page.locator('body > div').filter({ has: page.getByRole('tab', { name: securitySchemes[0][0], exact: true }) });
    for (const [name, scheme] of securitySchemes) {
      await details.getByRole('tab', { name, exact: true }).click();
      await details.getByText(firstSentence(String(scheme.description))).first().waitFor({ state: 'visible' });
      const detail = scheme.type === 'apiKey' ? String(scheme.name) : String(scheme.scheme);
      await expect.poll(() => details.innerText()).toContain(detail);
    }
    await mkdir(REPORTS_DIR, { recursive: true });
    await page.screenshot({ path: join(REPORTS_DIR, 'docs-security.png') });
    await page.keyboard.press('Escape');
    await details.waitFor({ state: 'hidden' });
  });

  it('shows an operation with its samples and a readable error response (reports/docs.png)', async () => {
    const create = operations.find((operation) => operation.operationId === 'createApiKey')!;
    const anchor = await openOperation(create);
    const section = page.locator(`[id="${anchor}"]`);
    const tab401 = section.getByRole('tab', { name: '401', exact: true }).first();
    await tab401.click();
    await tab401.scrollIntoViewIfNeeded();
    // The 401 body is the Unauthorized response's problem document: its `code` field is listed.
    await section.getByText('code', { exact: true }).first().waitFor({ state: 'visible' });
    await mkdir(REPORTS_DIR, { recursive: true });
    await page.screenshot({ path: join(REPORTS_DIR, 'docs.png') });
  });

  it('wraps code samples to their panel at common window widths, instead of cutting them', async () => {
    // regenerateApiKey's curl sample has the longest lines (a 120-character URL line).
    const regenerate = operations.find((operation) => operation.operationId === 'regenerateApiKey')!;
    for (const width of [1280, 1440, 1920]) {
      await page.setViewportSize({ width, height: 1000 });
      const anchor = await openOperation(regenerate);
      await page.locator(`[id="${anchor}"]`).waitFor({ state: 'visible' });
      // The sample picked is page-wide: pick curl unless the tests before left it shown.
      const picker = samplesPanel(regenerate).locator('button[aria-haspopup="menu"]').filter({ hasText: new RegExp(`^(${LABELS.join('|')})$`) });
      if ((await picker.innerText()).trim() !== 'curl') {
        await picker.click();
        await page.getByRole('menuitem', { name: 'curl', exact: true }).click();
      }
      await expectSampleShown(regenerate, 'curl');
      const overflowing = await samplesPanel(regenerate).locator('[data-component-name="CodeBlock/CodeBlockContainer"]')
        .evaluateAll((blocks) => blocks.filter((block) => block.scrollWidth > block.clientWidth + 1)
          .map((block) => `${block.scrollWidth} > ${block.clientWidth}: ${(block.textContent ?? '').slice(0, 40)}`));
      expect(overflowing, `at ${width} px`).toEqual([]);
    }
    await page.setViewportSize({ width: 1400, height: 1000 });
  });

  it('logged no console error and requested nothing off the machine', () => {
    expect(consoleErrors).toEqual([]);
    expect(offMachine).toEqual([]);
  });

  it('would have caught a request off the machine or a console error (the watchers work)', async () => {
    await page.evaluate(() => {
      console.error('probe error');
      const image = document.createElement('img');
      image.src = 'https://cdn.herald.example/probe.png';
      document.body.append(image);
    });
    await expect.poll(() => offMachine).toContain('https://cdn.herald.example/probe.png');
    expect(consoleErrors).toContain('probe error');
  });
});
