// The IVR nodes in a real browser (issue 13): call control, digits and simulate in the palette; their
// dialogs (fields shown and hidden by the action or mode, the capability an action needs, validation
// messages); their help; and example 04-ivr-menu imported, deployed and driven to each branch with the
// outcome read from the debug sidebar, as a newcomer would. One editor session, steps in order.
//
//   npm run test:e2e                       (with editor.e2e.ts)
//   E2E_UPDATE_DOCS=1 npm run test:e2e     also refreshes docs/screenshots/ivr-menu.png for the README
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { launch, shot, dumpDom, outputDir, type BrowserSession, type PageProblem } from './harness/browser';
import { startNodeRed, repoRoot, type NodeRedServer } from './harness/server';
import * as ed from './harness/editor';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const norm = (s: string) => s.replace(/\s+/g, ' ').trim();
type FlowNode = { id: string; type: string; z?: string; name?: string; wires?: string[][] };
const IVR_FILE = path.join(repoRoot, 'examples', '04-ivr-menu.json');
const ivr = JSON.parse(fs.readFileSync(IVR_FILE, 'utf8')) as FlowNode[];
const named = (type: string, name: string) => {
  const n = ivr.find((x) => x.type === type && x.name === name);
  assert.ok(n, `${type} "${name}" in 04-ivr-menu`);
  return n;
};
const enUS = (file: string) => JSON.parse(fs.readFileSync(path.join(repoRoot, 'nodes', 'locales', 'en-US', `${file}.json`), 'utf8'));

function helpLead(file: string): string {
  const html = fs.readFileSync(path.join(repoRoot, 'nodes', 'locales', 'en-US', file), 'utf8');
  const m = /<p>([\s\S]*?)<\/p>/.exec(html);
  assert.ok(m, `${file} has a <p>`);
  return norm(m[1].replace(/<[^>]+>/g, '').replace(/&[a-z]+;/g, ' '));
}

/** Is the form row visible in the open tray? */
async function rowVisible(page: Page, selector: string): Promise<boolean> {
  return page.locator(`.red-ui-tray ${selector}`).first().isVisible();
}

/** Select a node on the workspace and delete it (the scratch nodes have no line: they would stop a deploy). */
async function removeNode(page: Page, id: string): Promise<void> {
  await ed.flowNode(page, id).click();
  await page.keyboard.press('Delete');
  await page.waitForFunction((i) => !(globalThis as any).RED.nodes.node(i), id);
}

describe('IVR nodes in the editor (e2e)', function () {
  this.timeout(120000);
  let server: NodeRedServer | undefined;
  let session: BrowserSession | undefined;
  let page: Page;

  before(async function () {
    this.timeout(150000);
    fs.mkdirSync(outputDir, { recursive: true });
    server = await startNodeRed({ logFile: path.join(outputDir, 'node-red-ivr.log') });
    session = await launch();
    page = session.page;
    page.setDefaultTimeout(20000);
    await ed.openEditor(page, server.url);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && session) {
      const name = `FAILED-ivr-${(this.currentTest.title || '')
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .slice(0, 50)}`;
      await shot(page, name).catch(() => undefined);
      await dumpDom(page, name).catch(() => undefined);
      await ed.resetEditor(page).catch(() => undefined);
    }
  });

  after(async function () {
    this.timeout(60000);
    try {
      await session?.close();
    } finally {
      await server?.stop();
    }
  });

  it('palette: call control, digits and simulate, with their icons', async function () {
    for (const [type, label] of [
      ['tapi-call-control', 'call control'],
      ['tapi-digits', 'digits'],
      ['tapi-simulate', 'simulate'],
    ]) {
      const item = ed.paletteNode(page, type);
      assert.equal(await item.count(), 1, `${type} in the palette`);
      assert.equal(await item.getAttribute('data-palette-label'), label);
      const icon = await item.locator('.red-ui-palette-icon-container').getAttribute('data-palette-icon');
      assert.equal(icon, `icons/node-red-contrib-tapi/${type}.svg`);
    }
    await shot(page.locator('#red-ui-palette-container-telephony'), 'ivr-01-palette');
  });

  it('call control dialog: fields follow the action, the needed capability is shown, bad seconds are flagged', async function () {
    await ed.addFlowTab(page);
    const id = await ed.dragFromPalette(page, 'tapi-call-control', 380, 160);
    await ed.openEditDialog(page, id);
    const needs = enUS('call-control')['call-control'].needs;
    const setAction = (a: string) => page.evaluate((v) => (globalThis as any).$('#node-input-action').typedInput('value', v), a);
    // answer (the default): no destination, no digits; the capability it needs
    assert.equal(norm(await page.locator('#tapi-call-control-needs').innerText()), needs.answer);
    assert.equal(await rowVisible(page, '#tapi-call-control-row-destination'), false);
    assert.equal(await rowVisible(page, '#tapi-call-control-row-digits'), false);
    await setAction('transfer');
    assert.equal(await rowVisible(page, '#tapi-call-control-row-destination'), true, 'transfer shows the destination');
    assert.equal(norm(await page.locator('#tapi-call-control-needs').innerText()), needs.transfer);
    await shot(page, 'ivr-02-call-control-transfer');
    await setAction('senddigits');
    assert.equal(await rowVisible(page, '#tapi-call-control-row-destination'), false);
    assert.equal(await rowVisible(page, '#tapi-call-control-row-digits'), true, 'send digits shows the digits');
    await setAction('tone');
    assert.equal(await rowVisible(page, '#tapi-call-control-row-tone'), true);
    const seconds = page.locator('#node-input-toneDuration');
    await seconds.fill('-1');
    await seconds.press('Tab');
    await sleep(300);
    assert.equal(await seconds.evaluate((e: any) => e.classList.contains('input-error')), true, 'negative seconds flagged');
    const message = await page.evaluate(() =>
      (globalThis as any).RED.nodes.getType('tapi-call-control').defaults.toneDuration.validate('-1', {}),
    );
    assert.equal(message, enUS('call-control')['call-control'].errors.seconds);
    await shot(page, 'ivr-03-call-control-tone-invalid');
    await page.locator('#node-dialog-cancel').click();
    await ed.waitTrayClosed(page);
    await removeNode(page, id);
  });

  it('digits dialog: collect shows its fields, every digit hides them and shows which calls', async function () {
    const id = await ed.dragFromPalette(page, 'tapi-digits', 380, 260);
    await ed.openEditDialog(page, id);
    assert.equal(await rowVisible(page, '#node-input-maxDigits'), false, 'a typedInput hides its input');
    assert.equal(await page.locator('.red-ui-tray .tapi-digits-collect').first().isVisible(), true);
    assert.equal(await page.locator('.red-ui-tray .tapi-digits-every').first().isVisible(), false);
    await page.locator('#node-input-mode').selectOption('every');
    assert.equal(await page.locator('.red-ui-tray .tapi-digits-collect').first().isVisible(), false);
    assert.equal(await page.locator('.red-ui-tray .tapi-digits-every').first().isVisible(), true);
    const message = await page.evaluate(() =>
      (globalThis as any).RED.nodes.getType('tapi-digits').defaults.maxDigits.validate.call({ maxDigitsType: 'num' }, '0', {}),
    );
    assert.equal(message, enUS('digits').digits.errors.maxDigits);
    await shot(page, 'ivr-04-digits-every');
    await page.locator('#node-dialog-cancel').click();
    await ed.waitTrayClosed(page);
    await removeNode(page, id);
  });

  it('help of call control, digits and simulate renders in the info sidebar', async function () {
    await ed.showSidebarTab(page, 'help');
    for (const [file, label] of [
      ['call-control.html', 'call control'],
      ['digits.html', 'digits'],
      ['simulate.html', 'simulate'],
    ]) {
      const help = await ed.showHelpFromTree(page, 'node-red-contrib-tapi', label);
      assert.equal(norm(await help.locator('.red-ui-help-title').first().innerText()), label);
      assert.ok(norm(await help.innerText()).includes(helpLead(file)), `${label} help lead`);
      assert.ok((await help.locator('h3').count()) >= 2, `${label} help sections`);
    }
  });

  it('04-ivr-menu: imported, deployed, and each branch seen in the debug sidebar', async function () {
    this.timeout(180000);
    const json = fs.readFileSync(IVR_FILE, 'utf8');
    await ed.importThroughDialog(page, json);
    await ed.deploy(page);
    const tab = ivr.find((n) => n.type === 'tab')!;
    await ed.showFlowTab(page, tab.id);
    await ed.waitForStatus(page, named('tapi-call-state', 'ringing calls').id, (s) => s === 'line open');
    assert.deepEqual(await ed.nodesWithErrorStatus(page), []);
    await ed.showSidebarTab(page, 'debug');
    await ed.debugFilterCurrentFlow(page);
    await ed.clearDebug(page);

    const branches: Array<{ inject: string; debug: string; action: string; timeoutMs: number }> = [
      { inject: 'caller presses 1', debug: 'transferred', action: 'transfer', timeoutMs: 20000 },
      { inject: 'caller presses 2', debug: 'door opened', action: 'hangup', timeoutMs: 20000 },
      { inject: 'caller presses nothing', debug: 'no choice: hung up', action: 'hangup', timeoutMs: 40000 },
    ];
    for (const b of branches) {
      const debugId = named('debug', b.debug).id;
      await ed.pressInject(page, named('inject', b.inject).id);
      const deadline = Date.now() + b.timeoutMs;
      let actions: string[] = [];
      while (Date.now() < deadline) {
        actions = await ed.debugPayloadField(page, debugId, 'action');
        if (actions.length) break;
        await sleep(200);
      }
      assert.deepEqual(actions, [b.action], `${b.inject}: "${b.debug}" shows ${b.action}`);
    }
    // every branch went to its own debug node, once
    for (const b of branches) assert.equal((await ed.debugPayloadField(page, named('debug', b.debug).id, 'action')).length, 1);
    assert.deepEqual(await ed.nodesWithErrorStatus(page), []);
    // the whole flow in the picture: zoom the workspace out as a user would (the "-" button, three times)
    for (let i = 0; i < 3; i++) await page.locator('#red-ui-view-zoom-out').click();
    await sleep(300);
    const picture = await shot(page, 'ivr-05-ivr-menu-driven');
    if (process.env.E2E_UPDATE_DOCS) fs.copyFileSync(picture, path.join(repoRoot, 'docs', 'screenshots', 'ivr-menu.png'));
  });

  it('no uncaught error in the page', async function () {
    const origin = new URL(server!.url).origin;
    // the palette manager's fetch of the public catalogue fails (no network): only other origins are ignored
    const foreign = (p: PageProblem) =>
      (p.kind === 'requestfailed' || (p.kind === 'console' && /^Failed to load resource/.test(p.text))) &&
      !!p.url &&
      !p.url.startsWith(origin);
    const problems = session!.problems.filter((p) => !foreign(p));
    assert.deepEqual(
      problems.map((p) => `${p.kind}: ${p.text}`),
      [],
    );
  });
});
