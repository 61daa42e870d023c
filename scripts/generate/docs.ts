// Step: docs/index.html, the Redoc reference of the published bundle, built by
// `redocly build-docs --inlineBundle` so the Redoc scripts are inside the page rather than
// loaded from Redocly's CDN. Redoc options come from the `openapi` key of redocly.yaml;
// `telemetry: off` there keeps Redoc's browser telemetry out of the page.
//
// One thing still points off the machine: the "API docs by Redocly" badge in the sidebar loads
// its logo image from cdn.redoc.ly, and neither build-docs nor Redoc 3 has an option to turn it
// off. The page would show a broken image offline and tell a CDN whenever it is opened, so the
// two logo URLs are replaced with an inline SVG that reads "Redocly", keeping the credit. The
// replacement insists on finding each URL exactly once: a Redoc upgrade that moves the logo
// fails generate instead of quietly shipping a page that calls out. The head gets an empty icon
// and wrapping code samples (see withHeadAdditions).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { runRedocly } from './redocly.ts';
import { REPO_ROOT } from './repo-root.ts';

export const DOCS_FILE = 'docs/index.html';

const LOGO_URLS = ['https://cdn.redoc.ly/redoc/logo-mini-full.svg', 'https://cdn.redoc.ly/redoc/logo-mini.svg'];

const INLINE_LOGO = `data:image/svg+xml,${encodeURIComponent(
  "<svg xmlns='http://www.w3.org/2000/svg' width='44' height='12' viewBox='0 0 44 12'>" +
    "<text x='0' y='10' font-family='sans-serif' font-size='11' font-weight='600' fill='#4c5ec2'>Redocly</text></svg>",
)}`;

export async function buildDocs(bundleFile: string, outRoot: string): Promise<void> {
  const target = join(outRoot, DOCS_FILE);
  await mkdir(dirname(target), { recursive: true });
  await runRedocly(['build-docs', bundleFile, '--inlineBundle', '--output', target], REPO_ROOT);
  await writeFile(target, withHeadAdditions(withoutRemoteLogo(await readFile(target, 'utf8'))));
}

/**
 * Two additions to the page's head, which build-docs has no option for:
 * - an empty inline icon: without one, a browser asks the server for /favicon.ico, which the
 *   reference server (and most hosts of a single page) answers 404, a console error;
 * - code samples that wrap: the samples panel is about 460 px wide at a 1,400 px window, and
 *   Redoc keeps each line on one line, so a curl command was cut off at its right edge. Wrapped
 *   lines keep their text; the copy button still copies the sample as written.
 */
export const HEAD_ADDITIONS = [
  '<link rel="icon" href="data:,">',
  '<style>[data-component-name="CodeBlock/CodeBlockContainer"], [data-component-name="CodeBlock/CodeBlockContainer"] * ' +
    '{ white-space: pre-wrap !important; overflow-wrap: anywhere; }</style>',
].join('');

export function withHeadAdditions(html: string): string {
  // The page's own head is the first one; the inlined Redoc script contains the text again.
  const close = html.indexOf('</head>');
  if (html.indexOf('<head>') !== html.search(/<head[ >]/) || html.indexOf('<head>') > 200 || close < 0 || !/^\s*<body/.test(html.slice(close + 7))) {
    throw new Error('Expected the page to open with <head>…</head><body>: has build-docs changed its template?');
  }
  return `${html.slice(0, close)}${HEAD_ADDITIONS}${html.slice(close)}`;
}

export function withoutRemoteLogo(html: string): string {
  let page = html;
  for (const url of LOGO_URLS) {
    const count = page.split(url).length - 1;
    if (count !== 1) throw new Error(`Expected the Redoc logo URL ${url} once in the page, found it ${count} times`);
    page = page.replace(url, INLINE_LOGO);
  }
  return page;
}
