// The audio nodes in a real browser (issue 14): play and record in the palette with their icons; the record
// dialog (file fields follow the output, a validation message); their help; and example 08-voicemail imported,
// deployed and driven as a newcomer would: a caller rings, the greeting plays (the play node's status), the
// caller speaks and presses # (the record node's status), and the WAV is on disk. One editor session, in order.
//
//   npm run test:e2e
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { WaveFile } from 'wavefile';
import { launch, shot, dumpDom, outputDir, type BrowserSession, type PageProblem } from './harness/browser';
import { startNodeRed, repoRoot, type NodeRedServer } from './harness/server';
import * as ed from './harness/editor';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const norm = (s: string) => s.replace(/\s+/g, ' ').trim();
type FlowNode = { id: string; type: string; z?: string; name?: string; wires?: string[][] };
const VOICEMAIL_FILE = path.join(repoRoot, 'examples', '08-voicemail.json');
const voicemail = JSON.parse(fs.readFileSync(VOICEMAIL_FILE, 'utf8')) as FlowNode[];
const named = (type: string, name: string) => {
  const n = voicemail.find((x) => x.type === type && x.name === name);
  assert.ok(n, `${type} "${name}" in 08-voicemail`);
  return n;
};
const enUS = (file: string) => JSON.parse(fs.readFileSync(path.join(repoRoot, 'nodes', 'locales', 'en-US', `${file}.json`), 'utf8'));

function helpLead(file: string): string {
  const html = fs.readFileSync(path.join(repoRoot, 'nodes', 'locales', 'en-US', file), 'utf8');
  const m = /<p>([\s\S]*?)<\/p>/.exec(html);
  assert.ok(m, `${file} has a <p>`);
  return norm(m[1].replace(/<[^>]+>/g, '').replace(/&[a-z]+;/g, ' '));
}

async function removeNode(page: Page, id: string): Promise<void> {
  await ed.flowNode(page, id).click();
  await page.keyboard.press('Delete');
  await page.waitForFunction((i) => !(globalThis as any).RED.nodes.node(i), id);
}

describe('audio nodes in the editor (e2e)', function () {
  this.timeout(120000);
  let server: NodeRedServer | undefined;
  let session: BrowserSession | undefined;
  let page: Page;

  before(async function () {
    this.timeout(150000);
    fs.mkdirSync(outputDir, { recursive: true });
    server = await startNodeRed({ logFile: path.join(outputDir, 'node-red-voicemail.log') });
    session = await launch();
    page = session.page;
    page.setDefaultTimeout(20000);
    await ed.openEditor(page, server.url);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && session) {
      const name = `FAILED-voicemail-${(this.currentTest.title || '')
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

  it('palette: play and record, with their icons', async function () {
    for (const [type, label] of [
      ['tapi-play', 'play'],
      ['tapi-record', 'record'],
    ]) {
      const item = ed.paletteNode(page, type);
      assert.equal(await item.count(), 1, `${type} in the palette`);
      assert.equal(await item.getAttribute('data-palette-label'), label);
      const icon = await item.locator('.red-ui-palette-icon-container').getAttribute('data-palette-icon');
      assert.equal(icon, `icons/node-red-contrib-tapi/${type}.svg`);
    }
  });

  it('record dialog: folder and file name only for file output; a maximum of 0 s is flagged with its message', async function () {
    await ed.addFlowTab(page);
    const id = await ed.dragFromPalette(page, 'tapi-record', 380, 160);
    await ed.openEditDialog(page, id);
    const fileRow = () => page.locator('.red-ui-tray .tapi-record-file').first().isVisible();
    assert.equal(await fileRow(), false, 'buffer output: no folder');
    await page.locator('#node-input-output').selectOption('file');
    assert.equal(await fileRow(), true, 'file output: folder and file name');
    const max = page.locator('#node-input-maxDuration');
    await max.fill('0');
    await max.press('Tab');
    await sleep(300);
    assert.equal(await max.evaluate((e: any) => e.classList.contains('input-error')), true, '0 s flagged');
    const message = await page.evaluate(() => (globalThis as any).RED.nodes.getType('tapi-record').defaults.maxDuration.validate('0', {}));
    assert.equal(message, enUS('record').record.errors.maxDuration);
    await shot(page, 'voicemail-01-record-dialog');
    await page.locator('#node-dialog-cancel').click();
    await ed.waitTrayClosed(page);
    await removeNode(page, id);
  });

  it('help of play and record renders in the info sidebar', async function () {
    await ed.showSidebarTab(page, 'help');
    for (const [file, label] of [
      ['play.html', 'play'],
      ['record.html', 'record'],
    ]) {
      const help = await ed.showHelpFromTree(page, 'node-red-contrib-tapi', label);
      assert.equal(norm(await help.locator('.red-ui-help-title').first().innerText()), label);
      assert.ok(norm(await help.innerText()).includes(helpLead(file)), `${label} help lead`);
      assert.ok((await help.locator('h3').count()) >= 3, `${label} help sections`);
    }
  });

  it('08-voicemail: imported, deployed; the greeting plays, the message is recorded until # and saved as a WAV', async function () {
    this.timeout(180000);
    await ed.importThroughDialog(page, fs.readFileSync(VOICEMAIL_FILE, 'utf8'));
    await ed.deploy(page);
    const tab = voicemail.find((n) => n.type === 'tab')!;
    await ed.showFlowTab(page, tab.id);
    await ed.waitForStatus(page, named('tapi-call-state', 'answer after 3 rings').id, (s) => s === 'line open');
    assert.deepEqual(await ed.nodesWithErrorStatus(page), []);
    const play = named('tapi-play', 'greeting').id;
    const record = named('tapi-record', 'message').id;
    await ed.recordStatusTexts(page, play);
    await ed.recordStatusTexts(page, record);
    const texts = enUS('play').play.status;
    await ed.pressInject(page, named('inject', 'a caller rings').id);
    // Three rings 6 s apart, then the 6.3 s greeting.
    await ed.waitForStatus(page, play, (s) => s === texts.playing, 40000);
    await ed.waitForStatus(page, record, (s) => s === enUS('record').record.status.recording, 40000);
    await shot(page, 'voicemail-02-recording');
    await ed.pressInject(page, named('inject', 'the caller speaks').id);
    await sleep(4500);
    await ed.pressInject(page, named('inject', 'the caller presses #').id);
    const done = await ed.waitForStatus(page, record, (s) => /^recorded /.test(s), 20000);
    assert.match(done, /^recorded \d+\.\d s$/);
    assert.equal(await ed.nodeStatus(page, play), 'played 6.3 s');
    assert.deepEqual(
      (await ed.recordedStatusTexts(page, play)).filter((s) => s !== 'line open'),
      [texts.playing, 'played 6.3 s'],
      'the play node: playing, then played',
    );
    // The file node wrote the WAV under Node-RED's working directory (its user directory here).
    const folder = path.join(server!.userDir, 'voicemail');
    let files: string[] = [];
    for (let i = 0; i < 50 && files.length === 0; i++, await sleep(100)) files = fs.existsSync(folder) ? fs.readdirSync(folder) : [];
    assert.equal(files.length, 1, 'one message saved');
    assert.match(files[0], /^5551008-\d{8}T\d{6}\.wav$/);
    const wav = new WaveFile(fs.readFileSync(path.join(folder, files[0])));
    assert.equal((wav.fmt as { sampleRate: number }).sampleRate, 8000);
    const seconds = (wav.getSamples() as unknown as ArrayLike<number>).length / 8000;
    assert.ok(seconds >= 4 && seconds < 60, `${seconds} s recorded`);
    assert.deepEqual(await ed.nodesWithErrorStatus(page), []);
    await shot(page, 'voicemail-03-saved');
  });

  it('no uncaught error in the page', async function () {
    const origin = new URL(server!.url).origin;
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
