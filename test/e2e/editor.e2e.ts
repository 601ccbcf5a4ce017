// The editor, tested in a real browser (issue 5): Node-RED started the way `npm start` does, Debian's
// Chromium driven through playwright-core, and what a user sees checked — palette, edit dialogs, the line
// picker filled from the admin endpoint, help, validation, importing and deploying every example, a call
// of example (a) in the debug sidebar — with no console error in the page during the whole run.
//
// The tests run in order against one editor session (like a user's), each leaving the editor in a known
// state for the next. Screenshots go to test-output/e2e/ (git-ignored); on a failure a screenshot and the
// page's DOM are written there too, named after the test.
//
//   npm run test:e2e                       the run (CHROMIUM_PATH overrides /usr/bin/chromium)
//   E2E_UPDATE_DOCS=1 npm run test:e2e     also refreshes the README pictures in docs/screenshots/
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { launch, shot, dumpDom, outputDir, type BrowserSession, type PageProblem } from './harness/browser';
import { startNodeRed, repoRoot, nodeRedUnderTest, type NodeRedServer } from './harness/server';
import * as ed from './harness/editor';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);

const examplesDir = path.join(repoRoot, 'examples');
const exampleFiles = fs
  .readdirSync(examplesDir)
  .filter((f) => f.endsWith('.json'))
  .sort();
const EXAMPLE_A = '01-dial-and-monitor.json';
type FlowNode = { id: string; type: string; z?: string; name?: string; payload?: string; wires?: string[][] };
const exampleA = JSON.parse(fs.readFileSync(path.join(examplesDir, EXAMPLE_A), 'utf8')) as FlowNode[];
const ofType = (type: string) => exampleA.filter((n) => n.type === type);

/** The first paragraph of a node's help file, as text: what the info sidebar must show. */
function helpLead(file: string): string {
  const html = fs.readFileSync(path.join(repoRoot, 'nodes', 'locales', 'en-US', file), 'utf8');
  const m = /<p>([\s\S]*?)<\/p>/.exec(html);
  assert.ok(m, `${file} has a <p>`);
  return m[1]
    .replace(/<[^>]+>/g, '')
    .replace(/&[a-z]+;/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}
const norm = (s: string) => s.replace(/\s+/g, ' ').trim();

/**
 * Console errors that are not ours: the editor's palette manager fetches the public node catalogue
 * (https://catalogue.nodered.org) on load and connections out of this machine are refused. Only a failed
 * *non-loopback* resource load is ignored; anything from the editor's own origin counts.
 */
function isNetworkNoise(p: PageProblem, origin: string): boolean {
  if (p.kind === 'requestfailed') return !!p.url && !p.url.startsWith(origin);
  if (p.kind === 'console' && /^Failed to load resource/.test(p.text)) return !!p.url && !p.url.startsWith(origin);
  return false;
}

describe('Node-RED editor in Chromium (e2e)', function () {
  this.timeout(120000);
  let server: NodeRedServer | undefined;
  let session: BrowserSession | undefined;
  let page: Page;
  const t0 = Date.now();

  // node ids shared between the steps
  let scratchMakeCall = '';
  let scratchLineConfig = '';

  before(async function () {
    this.timeout(150000);
    fs.mkdirSync(outputDir, { recursive: true });
    // post-mortems of an earlier run would be mistaken for this one's
    for (const f of fs.readdirSync(outputDir)) if (f.startsWith('FAILED-')) fs.rmSync(path.join(outputDir, f));
    server = await startNodeRed({ logFile: path.join(outputDir, 'node-red.log') });
    session = await launch();
    page = session.page;
    page.setDefaultTimeout(20000);
    session.setPhase('open editor');
    await ed.openEditor(page, server.url);
  });

  beforeEach(function () {
    session?.setPhase(this.currentTest?.title ?? '?');
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && session) {
      const name = `FAILED-${slug(this.currentTest.title)}`;
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
      console.log(`      (e2e run: ${((Date.now() - t0) / 1000).toFixed(1)} s; screenshots in ${path.relative(repoRoot, outputDir)}/)`);
    }
  });

  it('the editor is the Node-RED under test (NODE_RED_PREFIX, else the devDependency)', async function () {
    const expected = nodeRedUnderTest().version;
    const shown: string = await page.evaluate(() => (globalThis as any).RED.settings.version);
    assert.equal(shown, expected, `the editor reports Node-RED ${shown}`);
    assert.equal(await ed.editorMajorVersion(page), Number(expected.split('.')[0]));
    console.log(`      (Node-RED ${shown} on Node ${process.version})`);
  });

  it('npm start serves the editor with example (a) deployed and its nodes showing the open line', async function () {
    // scripts/start.js seeds a fresh user directory with example (a)
    const tab = ofType('tab')[0];
    await ed.flowTab(page, tab.id).waitFor();
    for (const n of [...ofType('tapi-make-call'), ...ofType('tapi-call-state')]) {
      await ed.waitForStatus(page, n.id, (s) => s === 'line open');
    }
    await shot(page, '01-editor-example-a-deployed');
  });

  it('palette: category "telephony" holds our seven nodes with our icons', async function () {
    const category = ed.paletteCategory(page, 'telephony');
    await category.scrollIntoViewIfNeeded();
    assert.equal(norm(await page.locator('#red-ui-palette-header-telephony').innerText()), 'telephony');
    const items = await category.locator('.red-ui-palette-node').evaluateAll((els) =>
      els.map((e: any) => ({
        type: e.getAttribute('data-palette-type'),
        label: e.getAttribute('data-palette-label'),
        icon: e.querySelector('.red-ui-palette-icon-container')?.getAttribute('data-palette-icon'),
      })),
    );
    assert.deepEqual(
      items.map((i) => [i.type, i.label]),
      [
        ['tapi-make-call', 'make call'],
        ['tapi-call-state', 'call state'],
        ['tapi-call-control', 'call control'],
        ['tapi-digits', 'digits'],
        ['tapi-play', 'play'],
        ['tapi-record', 'record'],
        ['tapi-simulate', 'simulate'],
      ],
    );
    // the config node is not in the palette
    assert.equal(await ed.paletteNode(page, 'tapi-line').count(), 0);
    for (const item of items) {
      const file = `${item.type}.svg`;
      assert.equal(item.icon, `icons/node-red-contrib-tapi/${file}`, `${item.type} uses our icon`);
      // the icon is served and renders as an image in the page
      const loaded = await page.evaluate(async (src) => {
        const res = await fetch(src);
        const body = await res.text();
        const img = new (globalThis as any).Image();
        const ok = await new Promise<boolean>((resolve) => {
          img.onload = () => resolve(img.naturalWidth > 0);
          img.onerror = () => resolve(false);
          img.src = src;
        });
        return { status: res.status, type: res.headers.get('content-type'), svg: body.includes('<svg'), ok };
      }, item.icon!);
      assert.deepEqual(loaded, { status: 200, type: loaded.type, svg: true, ok: true }, `${item.icon} loads`);
      assert.match(loaded.type ?? '', /svg/);
    }
    const box = await page.locator('#red-ui-palette-container-telephony').boundingBox();
    assert.ok(box && box.height > 40, 'telephony category is expanded');
    await shot(page.locator('#red-ui-palette-container-telephony'), '02-palette-telephony');
    await shot(page.locator('#red-ui-palette'), '02-palette');
  });

  it('make call: a node added from the palette opens an edit dialog showing every property', async function () {
    await ed.addFlowTab(page);
    scratchMakeCall = await ed.dragFromPalette(page, 'tapi-make-call', 380, 160);
    const tray = await ed.openEditDialog(page, scratchMakeCall);
    const defaults: string[] = await page.evaluate(() => Object.keys((globalThis as any).RED.nodes.getType('tapi-make-call').defaults));
    for (const key of [
      'line',
      'destination',
      'destinationType',
      'countryCode',
      'bearerMode',
      'mediaMode',
      'origAddress',
      'blockCallerId',
      'sendWhen',
      'noAnswerTimeout',
      'maxDuration',
    ]) {
      assert.ok(defaults.includes(key), `tapi-make-call declares ${key}`);
    }
    const missing: string[] = [];
    for (const key of defaults) {
      if (key === 'destinationType') continue; // the typedInput's type field: shown by the destination's type menu
      const shown = await ed.propertyShown(tray, 'node-input', key);
      if (!shown.visible) missing.push(`${key} (no visible #node-input-${key})`);
      else if (!shown.label) missing.push(`${key} (no label)`);
      else if (/^[\w-]+\.[\w.-]+$/.test(shown.label)) missing.push(`${key} (label is an untranslated key: ${shown.label})`);
    }
    assert.deepEqual(missing, [], 'every property has a visible, labelled field');
    // destination is a typedInput defaulting to msg.payload
    const typed = tray.locator('.red-ui-typedInput-container').first();
    assert.equal(norm(await typed.locator('.red-ui-typedInput-type-label').innerText()), 'msg.');
    assert.equal(await typed.locator('input.red-ui-typedInput-input').inputValue(), 'payload');
    assert.equal(await tray.locator('#node-input-sendWhen').inputValue(), 'connected');
    await shot(page, '03-make-call-dialog');
  });

  it('tapi-line created from the dialog lists the simulator lines by name in the line picker (admin endpoint)', async function () {
    const linesCalls: string[] = [];
    const onRequest = (req: any) => {
      if (/tapi-line\/lines/.test(req.url())) linesCalls.push(req.url());
    };
    page.on('request', onRequest);
    try {
      await page.locator('#node-input-btn-line-add').click();
      const cfg = page.locator('.red-ui-tray').last();
      await cfg.locator('#node-config-input-provider').waitFor({ state: 'visible' });
      await ed.waitTrayIdle(page);
      // every property of the config node is shown — the SIP account's settings and credentials once the
      // provider is SIP, and only then
      const def = await page.evaluate(() => {
        const type = (globalThis as any).RED.nodes.getType('tapi-line');
        return { defaults: Object.keys(type.defaults), credentials: Object.keys(type.credentials ?? {}) };
      });
      const isSip = (key: string) => /^sip[A-Z]/.test(key) || key === 'allowSipUris';
      const sipKeys = [...def.defaults.filter(isSip), ...def.credentials];
      assert.ok(sipKeys.length >= 12, `the SIP settings and credentials are declared: ${sipKeys.join(', ')}`);
      for (const key of ['sipUser', 'sipAuthUser', 'sipPassword', 'sipDisplayName']) {
        assert.ok(def.credentials.includes(key), `${key} is a credential`);
        assert.ok(!def.defaults.includes(key), `${key} is not a flow property`);
      }
      const unshown = async (keys: string[]) => {
        const missing: string[] = [];
        for (const key of keys) {
          const shown = await ed.propertyShown(cfg, 'node-config-input', key);
          if (!shown.visible) missing.push(`${key} (no visible #node-config-input-${key})`);
          else if (!shown.label) missing.push(`${key} (no label)`);
          else if (/^[\w-]+\.[\w.-]+$/.test(shown.label)) missing.push(`${key} (label is an untranslated key: ${shown.label})`);
        }
        return missing;
      };
      const visible = async (keys: string[]) => {
        const out: string[] = [];
        for (const key of keys) if ((await ed.propertyShown(cfg, 'node-config-input', key)).visible) out.push(key);
        return out;
      };
      const provider = cfg.locator('#node-config-input-provider');
      assert.equal(await provider.inputValue(), 'auto');
      assert.deepEqual(await unshown(def.defaults.filter((k) => !isSip(k))), [], 'every tapi-line property has a visible, labelled field');
      assert.deepEqual(await visible(sipKeys), [], 'the SIP settings are hidden unless the provider is SIP');
      await provider.selectOption('sip');
      assert.deepEqual(
        await unshown([...def.defaults.filter((k) => k !== 'simulatorTimeScale'), ...def.credentials]),
        [],
        'with SIP chosen, every SIP setting and credential has a visible, labelled field',
      );
      assert.deepEqual(await visible(['simulatorTimeScale']), [], 'the simulator speed is hidden for SIP');
      assert.equal(await cfg.locator('#node-config-input-sipPassword').getAttribute('type'), 'password');
      // the editor's defaults for a new SIP account
      assert.deepEqual(
        await cfg.evaluate((root: any) => {
          const q = (id: string) => root.querySelector(`#node-config-input-${id}`);
          return [
            q('sipTransport').value,
            q('sipRegister').checked,
            q('sipExpires').value,
            q('sipAcceptOnlyFromRegistrar').checked,
            q('sipTlsVerify').checked,
            q('allowSipUris').checked,
          ];
        }),
        ['udp', true, '600', true, true, false],
      );
      // a SIP account needs its registrar; a bad port is flagged, a good one is not
      const registrar = cfg.locator('#node-config-input-sipRegistrar');
      const flagged = (id: string) => cfg.locator(`#node-config-input-${id}`).evaluate((e: any) => e.classList.contains('input-error'));
      await sleep(300);
      assert.equal(await flagged('sipRegistrar'), true, 'an empty registrar is flagged for a SIP account');
      await registrar.fill('fritz.box');
      await registrar.press('Tab');
      const port = cfg.locator('#node-config-input-sipLocalPort');
      await port.fill('70000');
      await port.press('Tab');
      await sleep(300);
      assert.deepEqual([await flagged('sipRegistrar'), await flagged('sipLocalPort')], [false, true]);
      await port.fill('');
      await port.press('Tab');
      await registrar.fill('');
      await registrar.press('Tab');
      await shot(page, '04-tapi-line-sip-dialog');
      // the line picker does not ask the server for a SIP account's lines: the account is the line
      const before = linesCalls.length;
      await cfg.locator('#node-config-tapi-line-lookup').click();
      assert.match(norm(await cfg.locator('#node-config-tapi-line-info').innerText()), /SIP account is one line/);
      assert.equal(linesCalls.length, before);
      await provider.selectOption('auto');
      await sleep(300);
      assert.deepEqual(await visible(sipKeys), [], 'the SIP settings hide again');
      assert.equal(await flagged('sipRegistrar'), false, 'an empty registrar is fine when the provider is not SIP');

      await cfg.locator('#node-config-input-name').fill('E2E line');
      await cfg.locator('#node-config-input-provider').selectOption('simulator');
      await cfg.locator('#node-config-input-simulatorTimeScale').fill('0');
      await cfg.locator('#node-config-tapi-line-lookup').click();
      const picker = cfg.locator('#node-config-tapi-line-pick');
      await picker.waitFor({ state: 'visible' });
      const options = (await picker.locator('option').allInnerTexts()).map(norm);
      // the simulator's two lines, by device id and name (README: "The simulated exchange")
      assert.ok(
        options.some((o) => /^0: Simulated Line 1\b/.test(o)),
        `picker lists line 0 by name: ${JSON.stringify(options)}`,
      );
      assert.ok(
        options.some((o) => /^1: Simulated Analog Line\b/.test(o)),
        `picker lists line 1 by name: ${JSON.stringify(options)}`,
      );
      assert.ok(linesCalls.length >= 1, 'the picker was filled from GET tapi-line/lines');
      for (const u of linesCalls) assert.ok(u.startsWith(server!.url + 'tapi-line/lines'), `relative URL under the editor: ${u}`);
      // a native <select> does not draw its open list in a screenshot: show it as a list box for the picture only
      await picker.evaluate((e: any) => e.setAttribute('size', String(e.options.length)));
      await shot(page, '04-line-picker');
      await picker.evaluate((e: any) => e.removeAttribute('size'));
      await picker.selectOption({ label: options.find((o) => o.startsWith('1: Simulated Analog Line'))! });
      assert.equal(await cfg.locator('#node-config-input-line').inputValue(), 'Simulated Analog Line');
      await shot(page, '04-tapi-line-dialog');
      await page.locator('#node-config-dialog-ok').click();
      await page.waitForFunction(() => (globalThis as any).document.querySelectorAll('.red-ui-tray').length === 1);
      await ed.waitTrayIdle(page);
      // back in the make-call dialog, the new line is selected
      const select = page.locator('#node-input-line');
      scratchLineConfig = await select.inputValue();
      assert.ok(scratchLineConfig && scratchLineConfig !== '_ADD_', 'the new line is selected');
      assert.equal(norm(await select.locator('option:checked').innerText()), 'E2E line');
      assert.equal(await select.evaluate((e: any) => e.classList.contains('input-error')), false, 'line no longer flagged');
      await page.locator('#node-dialog-ok').click();
      await ed.waitTrayClosed(page);
      const cfgNode = await page.evaluate((id) => {
        const n = (globalThis as any).RED.nodes.node(id);
        return n && { type: n.type, provider: n.provider, line: n.line, simulatorTimeScale: n.simulatorTimeScale };
      }, scratchLineConfig);
      assert.deepEqual(cfgNode, {
        type: 'tapi-line',
        provider: 'simulator',
        line: 'Simulated Analog Line',
        simulatorTimeScale: cfgNode?.simulatorTimeScale,
      });
      assert.equal(Number(cfgNode?.simulatorTimeScale), 0);
    } finally {
      page.off('request', onRequest);
    }
  });

  it('call state: a node added from the palette opens an edit dialog showing every property', async function () {
    const id = await ed.dragFromPalette(page, 'tapi-call-state', 380, 300);
    const tray = await ed.openEditDialog(page, id);
    const defaults: string[] = await page.evaluate(() => Object.keys((globalThis as any).RED.nodes.getType('tapi-call-state').defaults));
    const missing: string[] = [];
    for (const key of defaults) {
      if (key === 'states') continue; // rendered as one checkbox per state, checked below
      const shown = await ed.propertyShown(tray, 'node-input', key);
      if (!shown.visible) missing.push(`${key} (no visible #node-input-${key})`);
      else if (!shown.label) missing.push(`${key} (no label)`);
    }
    assert.deepEqual(missing, []);
    const stateBoxes = await tray
      .locator('#node-input-tapi-states input[type=checkbox]')
      .evaluateAll((els) => els.map((e: any) => e.value));
    for (const s of ['dialtone', 'dialing', 'proceeding', 'ringback', 'busy', 'connected', 'disconnected', 'idle', 'offering']) {
      assert.ok(stateBoxes.includes(s), `a checkbox for state ${s}`);
    }
    const stateLabels = (await tray.locator('#node-input-tapi-states label').allInnerTexts()).map(norm);
    assert.ok(
      stateLabels.every((l) => l && !/^call-state\./.test(l)),
      `state labels translated: ${stateLabels.join(', ')}`,
    );
    // the line picker offers the line made in the previous step
    assert.ok(await tray.locator(`#node-input-line option[value="${scratchLineConfig}"]`).count(), 'offers E2E line');
    await tray.locator('#node-input-line').selectOption(scratchLineConfig);
    await shot(page, '05-call-state-dialog');
    await page.locator('#node-dialog-ok').click();
    await ed.waitTrayClosed(page);
  });

  it('each node’s help renders in the info sidebar', async function () {
    const cases: Array<{ type: string; file: string; label: string }> = [
      { type: 'tapi-make-call', file: 'make-call.html', label: 'make call' },
      { type: 'tapi-call-state', file: 'call-state.html', label: 'call state' },
      { type: 'tapi-line', file: 'tapi-line.html', label: 'tapi-line' },
    ];
    await ed.showSidebarTab(page, 'help');
    for (const c of cases) {
      const help = await ed.showHelpFromTree(page, 'node-red-contrib-tapi', c.label);
      assert.equal(norm(await help.locator('.red-ui-help-title').first().innerText()), c.label, `${c.type} help title`);
      const text = norm(await help.innerText());
      assert.ok(text.includes(helpLead(c.file)), `${c.type} help shows its lead paragraph`);
      // structured sections render as such (h3 headings, property lists) — not as escaped markup
      assert.ok((await help.locator('h3').count()) >= 1, `${c.type} help has sections`);
      assert.ok((await help.locator('dl.message-properties dt').count()) >= 1, `${c.type} help lists properties`);
      assert.ok(!/<\/?(p|dl|dt|dd|h3)>/.test(text), `${c.type} help has no raw markup`);
      await shot(page, `06-help-${c.type}`);
    }
  });

  it('a number typed with an invalid character is flagged by the editor before deploy', async function () {
    const tray = await ed.openEditDialog(page, scratchMakeCall);
    const typed = tray.locator('.red-ui-typedInput-container').first();
    await ed.chooseTypedInputType(page, typed, 'str');
    const input = typed.locator('input.red-ui-typedInput-input');
    await input.fill('555x0101'); // 'x' is no dialable character (README: address syntax)
    await input.press('Tab');
    await sleep(300);
    const fieldFlagged = await typed.evaluate((e: any) => e.classList.contains('input-error'));
    await shot(page, '07-invalid-number-dialog');
    await page.locator('#node-dialog-ok').click();
    await ed.waitTrayClosed(page);
    const nodeValid = await page.evaluate((id) => (globalThis as any).RED.nodes.node(id).valid, scratchMakeCall);
    const marker = await ed.nodeErrorMarkerVisible(page, scratchMakeCall);
    await shot(page, '07-invalid-number-node');
    assert.deepEqual(
      { fieldRed: fieldFlagged, nodeValid, invalidMarkerShown: marker },
      { fieldRed: true, nodeValid: false, invalidMarkerShown: true },
      'for "555x0101" the Number field turns red, the node is invalid and shows the red triangle',
    );

    // a valid number clears both
    const tray2 = await ed.openEditDialog(page, scratchMakeCall);
    const input2 = tray2.locator('.red-ui-typedInput-container').first().locator('input.red-ui-typedInput-input');
    await input2.fill('+1 (425) 555-0100');
    await input2.press('Tab');
    await sleep(300);
    assert.equal(
      await tray2
        .locator('.red-ui-typedInput-container')
        .first()
        .evaluate((e: any) => e.classList.contains('input-error')),
      false,
    );
    await page.locator('#node-dialog-ok').click();
    await ed.waitTrayClosed(page);
    assert.equal(await page.evaluate((id) => (globalThis as any).RED.nodes.node(id).valid, scratchMakeCall), true);
    assert.equal(await ed.nodeErrorMarkerVisible(page, scratchMakeCall), false);
  });

  it('the node built in the editor deploys, and its line opens', async function () {
    await ed.deploy(page);
    await ed.waitForStatus(page, scratchMakeCall, (s) => s === 'line open');
    await shot(page, '08-scratch-deployed');
  });

  it('example (a) deployed by npm start is removed in the editor (its flow and its line), and that deploys', async function () {
    // so that every example is imported fresh below, with its own ids (a re-import of deployed nodes
    // can only be imported as a copy)
    await ed.deleteFlowTab(page, ofType('tab')[0].id);
    for (const line of ofType('tapi-line')) await ed.deleteConfigNode(page, line.id);
    await ed.deploy(page);
  });

  for (const file of exampleFiles) {
    it(`example ${file}: imported through the import dialog and deployed with no errors`, async function () {
      const json = fs.readFileSync(path.join(examplesDir, file), 'utf8');
      const nodes = JSON.parse(json) as Array<{ id: string; type: string; z?: string; label?: string }>;
      const tab = nodes.find((n) => n.type === 'tab');
      await ed.importThroughDialog(page, json);
      // every node of the file is in the editor now
      const present: string[] = await page.evaluate(
        (ids) => ids.filter((id) => !!((globalThis as any).RED.nodes.node(id) || (globalThis as any).RED.nodes.workspace(id))),
        nodes.map((n) => n.id),
      );
      assert.deepEqual(present.sort(), nodes.map((n) => n.id).sort(), 'all nodes imported with their ids');
      const invalid: string[] = await page.evaluate(() => {
        const out: string[] = [];
        (globalThis as any).RED.nodes.eachNode((n: any) => {
          if (n.valid === false) out.push(`${n.type} ${n.name || n.id}`);
        });
        return out;
      });
      assert.deepEqual(invalid, [], 'no invalid node after import');
      const logBefore = server!.output().length;
      await ed.deploy(page);
      if (tab) await ed.showFlowTab(page, tab.id);
      // our nodes open their line and show it; none shows an error status
      const ours = nodes.filter((n) => n.type === 'tapi-make-call' || n.type === 'tapi-call-state');
      for (const n of ours) await ed.waitForStatus(page, n.id, (s) => s === 'line open');
      await sleep(500);
      const redStatus = await ed.nodesWithErrorStatus(page);
      assert.deepEqual(redStatus, [], 'no node shows an error status');
      const serverErrors = server!
        .output()
        .slice(logBefore)
        .split('\n')
        .filter((l) => /\[(error|warn)\]/.test(l));
      assert.deepEqual(serverErrors, [], 'Node-RED logged no error or warning on deploy');
      await shot(page, `09-example-${file.replace(/\.json$/, '')}`);
    });
  }

  it('example (a): inject "busy" → debug shows the call states in order ending in idle; make call shows progress', async function () {
    const nodes = exampleA as Array<any>;
    const tab = nodes.find((n) => n.type === 'tab');
    const inject = nodes.find((n) => n.type === 'inject' && n.payload === '5550101');
    const makeCall = nodes.find((n) => n.type === 'tapi-make-call');
    const statesDebug = nodes.find(
      (n) => n.type === 'debug' && n.wires && nodes.some((m) => m.type === 'tapi-call-state' && m.wires[0].includes(n.id)),
    );
    const resultDebug = nodes.find((n) => n.type === 'debug' && makeCall.wires[0].includes(n.id));
    assert.ok(tab && inject && makeCall && statesDebug && resultDebug, 'example (a) has inject 5550101, make call, call state -> debug');

    await ed.showFlowTab(page, tab.id);
    await ed.showSidebarTab(page, 'debug');
    // the other examples monitor the same simulated line: show this flow's messages only, as a user would
    await ed.debugFilterCurrentFlow(page);
    await ed.clearDebug(page);
    await ed.waitForStatus(page, makeCall.id, (s) => s === 'line open');

    // watch make call's status in the page itself, so no transition is missed between polls
    await ed.recordStatusTexts(page, makeCall.id);
    await ed.pressInject(page, inject.id);

    // the call-state debug node's messages, until idle
    const deadline = Date.now() + 60000;
    let states: string[] = [];
    while (Date.now() < deadline) {
      states = await ed.debugPayloadField(page, statesDebug.id, 'state');
      if (states.includes('idle')) break;
      await sleep(200);
    }
    await sleep(1500); // let the make-call status settle after idle
    const statusSeen = await ed.recordedStatusTexts(page, makeCall.id);
    // pictures for the README: the flow and the whole call in a wider, taller debug sidebar
    const viewport = page.viewportSize();
    await page.setViewportSize({ width: 1500, height: 1180 });
    await ed.widenSidebar(page, 180);
    await ed.closeNotifications(page);
    await sleep(500);
    await shot(page.locator('#red-ui-sidebar'), '10-debug-sidebar');
    await shot(page, '10-example-a-after-call');
    if (viewport) await page.setViewportSize(viewport);
    if (process.env.E2E_UPDATE_DOCS) {
      // `E2E_UPDATE_DOCS=1 npm run test:e2e` refreshes the committed README pictures from this run
      const docs = path.join(repoRoot, 'docs', 'screenshots');
      fs.mkdirSync(docs, { recursive: true });
      fs.copyFileSync(path.join(outputDir, '10-example-a-after-call.png'), path.join(docs, 'example-dial-and-monitor.png'));
      fs.copyFileSync(path.join(outputDir, '04-line-picker.png'), path.join(docs, 'line-picker.png'));
    }

    const expected = ['dialtone', 'dialing', 'proceeding', 'busy', 'disconnected', 'idle'];
    assert.deepEqual(states, expected, `call states in order: ${states.join(' -> ')}`);
    // make call reports the outcome
    const outcomes = await ed.debugPayloadField(page, resultDebug.id, 'outcome');
    assert.deepEqual(outcomes, ['busy']);
    // its status moved while the call was in progress and came back to the line's state
    const during = statusSeen.filter((s) => s !== 'line open');
    assert.ok(during.length >= 1, `make call's status changed during the call: ${JSON.stringify(statusSeen)}`);
    assert.equal(statusSeen[0], 'line open', 'status before the call');
    assert.equal(statusSeen[statusSeen.length - 1], 'busy', `the outcome stays on the node: ${JSON.stringify(statusSeen)}`);
    console.log(`      make call status during the call: ${statusSeen.join(' -> ')}`);
    const errorsShown = await page.locator(ed.inSidebar('.red-ui-debug-msg-level-error')).count();
    assert.equal(errorsShown, 0, 'no error message in the debug sidebar');
  });

  it("tapi-line: bad allow/block patterns are flagged by the runtime's compiler, each bad line named", async function () {
    await ed.showFlowTab(page, await page.evaluate((id) => (globalThis as any).RED.nodes.node(id).z, scratchMakeCall));
    const tray = await ed.openEditDialog(page, scratchMakeCall);
    await tray.locator('#node-input-btn-line-edit').click();
    const cfg = page.locator('.red-ui-tray').last();
    await cfg.locator('#node-config-input-dialPolicyDeny').waitFor({ state: 'visible' });
    await ed.waitTrayIdle(page);
    assert.equal(await page.evaluate(() => typeof (globalThis as any).TapiDialPolicy?.DialPolicy), 'function', 'the compiler is loaded');
    const deny = cfg.locator('#node-config-input-dialPolicyDeny');
    await deny.fill('1900.\n19[00\n# a comment\n1.2');
    await deny.press('Tab');
    await sleep(300);
    assert.equal(await deny.evaluate((e: any) => e.classList.contains('input-error')), true, 'the Block field turns red');
    await deny.hover();
    const tip = page.locator('.red-ui-popover:visible').last();
    await tip.waitFor({ state: 'visible' });
    const message = norm(await tip.innerText());
    await shot(page, '08-bad-pattern');
    assert.equal(
      message,
      "Block, line 2: invalid dial policy pattern \"19[00\": '[' without ']'; " +
        'Block, line 4: invalid dial policy pattern "1.2": \'.\' is only allowed as the last character',
    );
    const allow = cfg.locator('#node-config-input-dialPolicyAllow');
    await allow.fill('555XXXX\n+49.');
    await allow.press('Tab');
    await deny.fill('1900.\n+1900.');
    await deny.press('Tab');
    await sleep(300);
    assert.deepEqual(
      await cfg.evaluate(() =>
        ['Allow', 'Deny'].map((k) =>
          (globalThis as any).document.querySelector(`#node-config-input-dialPolicy${k}`).classList.contains('input-error'),
        ),
      ),
      [false, false],
      'valid patterns clear the flag',
    );
    await page.locator('#node-config-dialog-cancel').click();
    await page.waitForFunction(() => (globalThis as any).document.querySelectorAll('.red-ui-tray').length === 1);
    await page.locator('#node-dialog-cancel').click();
    await ed.waitTrayClosed(page);
  });

  it('switched to German (View → Language), the editor shows our nodes in German', async function () {
    const reload = async (lang: string | null) => {
      await page.evaluate((l) => {
        const ls = (globalThis as any).localStorage;
        if (l) ls.setItem('editor-language', l);
        else ls.removeItem('editor-language');
      }, lang);
      // undeployed changes would hold the reload at the "leave the page?" question
      await page.evaluate(() => (globalThis as any).RED.nodes.dirty(false));
      await ed.openEditor(page, server!.url);
    };
    await reload('de');
    try {
      const labels = await ed
        .paletteCategory(page, 'telephony')
        .locator('.red-ui-palette-node')
        .evaluateAll((els) => els.map((e: any) => e.getAttribute('data-palette-label')));
      assert.deepEqual(labels, ['Anruf tätigen', 'Anrufstatus', 'Anrufsteuerung', 'Ziffern', 'Wiedergabe', 'Aufnahme', 'Simulation']);
      await shot(page.locator('#red-ui-palette-container-telephony'), '09-de-palette');

      await ed.showFlowTab(page, await page.evaluate((id) => (globalThis as any).RED.nodes.node(id).z, scratchMakeCall));
      const tray = await ed.openEditDialog(page, scratchMakeCall);
      const destinationLabel = norm(await tray.locator('label[for="node-input-destination"]').innerText());
      const sendWhen = (await tray.locator('#node-input-sendWhen option').allInnerTexts()).map(norm);
      const validatorSays = await page.evaluate(() =>
        (globalThis as any).RED.nodes.getType('tapi-make-call').defaults.countryCode.validate('12345'),
      );
      await shot(page, '09-de-make-call-dialog');
      await page.locator('#node-dialog-cancel').click();
      await ed.waitTrayClosed(page);
      assert.equal(destinationLabel, 'Nummer');
      assert.deepEqual(sendWhen, ['der Anruf abgesetzt ist', 'der Anruf angenommen ist (oder endet)', 'der Anruf beendet ist']);
      assert.equal(validatorSays, 'ein Ländercode hat 1 bis 3 Ziffern, oder leer');

      await ed.showSidebarTab(page, 'help');
      const help = await ed.showHelpFromTree(page, 'node-red-contrib-tapi', 'Anruf tätigen');
      const text = norm(await help.innerText());
      assert.ok(text.includes('Setzt einen Anruf auf einer Leitung ab'), 'German help lead');
      assert.ok((await help.locator('h3', { hasText: 'Eigenschaften' }).count()) === 1, 'German help sections');
      await shot(page, '09-de-help');
    } finally {
      await reload(null);
    }
    const labels = await ed
      .paletteCategory(page, 'telephony')
      .locator('.red-ui-palette-node')
      .evaluateAll((els) => els.map((e: any) => e.getAttribute('data-palette-label')));
    assert.deepEqual(labels, ['make call', 'call state', 'call control', 'digits', 'play', 'record', 'simulate'], 'back to English');
  });

  it('no console error and no uncaught error in the page during the whole run', async function () {
    assert.ok(session);
    const origin = new URL(server!.url).origin;
    const ignored = session.problems.filter((p) => isNetworkNoise(p, origin));
    const problems = session.problems.filter((p) => !isNetworkNoise(p, origin));
    fs.writeFileSync(path.join(outputDir, 'page-problems.json'), JSON.stringify({ problems, ignored }, null, 2));
    assert.deepEqual(
      problems.map((p) => `[${p.at}] ${p.kind}: ${p.text}${p.url ? ` (${p.url})` : ''}`),
      [],
    );
  });
});
