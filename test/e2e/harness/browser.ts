// Debian's Chromium driven by playwright-core (never a downloaded browser), with every console error
// and uncaught page error of the whole run collected, and screenshots written to test-output/e2e/.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { repoRoot } from './server';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const outputDir = path.join(repoRoot, 'test-output', 'e2e');

export interface PageProblem {
  kind: 'console' | 'pageerror' | 'requestfailed' | 'crash';
  text: string;
  url?: string;
  at: string; // the test that was running
}

export interface BrowserSession {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  problems: PageProblem[];
  /** Set by the tests so each problem says when it happened. */
  setPhase(name: string): void;
  close(): Promise<void>;
}

export async function launch(): Promise<BrowserSession> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  fs.mkdirSync(outputDir, { recursive: true });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const problems: PageProblem[] = [];
  let phase = 'start';
  page.on('console', (msg) => {
    if (msg.type() === 'error') {
      const loc = msg.location();
      problems.push({ kind: 'console', text: msg.text(), url: loc?.url, at: phase });
    }
  });
  page.on('pageerror', (err) => problems.push({ kind: 'pageerror', text: `${err.name}: ${err.message}\n${err.stack ?? ''}`, at: phase }));
  page.on('requestfailed', (req) =>
    problems.push({ kind: 'requestfailed', text: `${req.method()} ${req.failure()?.errorText ?? ''}`, url: req.url(), at: phase }),
  );
  page.on('crash', () => problems.push({ kind: 'crash', text: 'page crashed', at: phase }));
  return {
    browser,
    context,
    page,
    problems,
    setPhase: (name) => {
      phase = name;
    },
    close: async () => {
      await context.close().catch(() => undefined);
      await browser.close().catch(() => undefined);
    },
  };
}

/** Screenshot of the page or of one element, to test-output/e2e/<name>.png; returns the path. */
export async function shot(target: Page | Locator, name: string): Promise<string> {
  const file = path.join(outputDir, `${name}.png`);
  await target.screenshot({ path: file, animations: 'disabled' });
  return file;
}

/** The page's DOM, for learning selectors and for post-mortems. */
export async function dumpDom(page: Page, name: string): Promise<string> {
  const file = path.join(outputDir, `${name}.html`);
  fs.writeFileSync(file, await page.content());
  return file;
}
