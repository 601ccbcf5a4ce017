// Helpers that drive the Node-RED editor (4 and 5) the way a user does. The selectors come from the editor's
// own DOM (ids such as #red-ui-palette-<category>, [data-palette-type=...], the nodes' SVG groups whose
// id is the node id) — learnt from page dumps of Node-RED 4.1 and 5.0, not guessed. What differs between
// the two (the sidebar, the flow tabs) is in editor-layout.ts.
import type { Locator, Page } from 'playwright-core';
import { addFlowTabButton, flowTab, inSidebar, showSidebarTab } from './editor-layout';

export { addFlowTabButton, editorMajorVersion, flowTab, inSidebar, showSidebarTab, SIDEBAR_CONTENT } from './editor-layout';

// Code passed to page.evaluate runs in the page; tsconfig has no DOM lib, so it reaches the page's globals
// as `(globalThis as any)`.

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Open the editor and wait until the palette and the workspace are there. */
export async function openEditor(page: Page, url: string): Promise<void> {
  await page.goto(url, { waitUntil: 'load' });
  await page.locator('#red-ui-palette-container .red-ui-palette-node').first().waitFor({ state: 'visible', timeout: 60000 });
  await page.locator('#red-ui-workspace-chart svg').waitFor({ state: 'visible' });
  // the loading shade goes away once flows are loaded
  await page.waitForFunction(() => {
    const w = globalThis as unknown as { RED?: { nodes?: { version?: () => unknown } } };
    return !!w.RED?.nodes?.version?.();
  });
  await dismissFirstRunDialogs(page);
}

/**
 * A fresh user directory makes Node-RED 4.1 ask about update notifications (and may show the
 * welcome tour). Answer "no" like a user would; neither is part of what we test.
 */
export async function dismissFirstRunDialogs(page: Page): Promise<void> {
  let deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    const noTelemetry = page.locator('.red-ui-dialog button', { hasText: 'No, do not enable notifications' });
    const tourClose = page.locator('.red-ui-tourGuide-popover button:has(i.fa-times)').first();
    if (await noTelemetry.isVisible().catch(() => false)) {
      await noTelemetry.click();
      // one click only: a second click during the fade-out would run the welcome tour twice
      await noTelemetry.waitFor({ state: 'hidden' }).catch(() => undefined);
      deadline = Math.max(deadline, Date.now() + 3000); // the tour may come next
    } else if (await tourClose.isVisible().catch(() => false)) {
      await tourClose.click();
      await tourClose.waitFor({ state: 'hidden' }).catch(() => undefined);
      deadline = Math.max(deadline, Date.now() + 1500);
    } else {
      await sleep(200);
    }
  }
  await page
    .locator('.red-ui-tourGuide-shade')
    .first()
    .waitFor({ state: 'detached', timeout: 5000 })
    .catch(() => undefined);
}

export function paletteNode(page: Page, type: string): Locator {
  return page.locator(`#red-ui-palette-container .red-ui-palette-node[data-palette-type="${type}"]`);
}

export function paletteCategory(page: Page, category: string): Locator {
  return page.locator(`#red-ui-palette-${category}`);
}

/** Node ids the editor holds on the active tab, by type. */
export async function nodeIdsOfType(page: Page, type: string): Promise<string[]> {
  return page.evaluate((t) => {
    const RED = (globalThis as any).RED;
    const ids: string[] = [];
    RED.nodes.eachNode((n: any) => {
      if (n.type === t && n.z === RED.workspaces.active()) ids.push(n.id);
    });
    return ids;
  }, type);
}

/** Drag a node type from the palette onto the workspace at (x, y) of the chart; returns its id. */
export async function dragFromPalette(page: Page, type: string, x: number, y: number): Promise<string> {
  const before = new Set(await nodeIdsOfType(page, type));
  const src = paletteNode(page, type);
  await src.scrollIntoViewIfNeeded();
  const box = await src.boundingBox();
  const chart = await page.locator('#red-ui-workspace-chart').boundingBox();
  if (!box || !chart) throw new Error(`palette node ${type} or workspace not visible`);
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  const tx = chart.x + x;
  const ty = chart.y + y;
  await page.mouse.move(tx, ty, { steps: 15 });
  await page.mouse.move(tx + 2, ty + 2, { steps: 2 });
  await page.mouse.up();
  for (let i = 0; i < 40; i++) {
    const added = (await nodeIdsOfType(page, type)).filter((id) => !before.has(id));
    if (added.length) return added[0];
    await sleep(100);
  }
  throw new Error(`dragging ${type} from the palette added no node`);
}

/** The SVG group of a node on the workspace (its id attribute is the node id). */
export function flowNode(page: Page, id: string): Locator {
  return page.locator(`#red-ui-workspace-chart g.red-ui-flow-node-group[id="${id}"]`);
}

/** Double-click a node to open its edit tray; resolves when the tray's form is shown. */
export async function openEditDialog(page: Page, id: string): Promise<Locator> {
  await flowNode(page, id).locator('rect.red-ui-flow-node').dblclick();
  const tray = page.locator('.red-ui-tray').last();
  await tray.locator('#dialog-form').waitFor({ state: 'visible' });
  await waitTrayIdle(page);
  return tray;
}

/** Wait until trays stop sliding (the editor animates them). */
export async function waitTrayIdle(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const $ = (globalThis as any).$;
    return $('.red-ui-tray:animated').length === 0;
  });
  await sleep(300);
}

export async function deploy(page: Page): Promise<void> {
  const button = page.locator('#red-ui-header-button-deploy');
  await button.click();
  // a confirmation ("invalid nodes" / "unused config") would block: surface it as a failure
  const notice = page.locator('.red-ui-notification', { hasText: /Successfully deployed|Deploy|Error|invalid|confirm/i }).last();
  await notice.waitFor({ state: 'visible', timeout: 15000 });
  const text = (await notice.innerText()).trim();
  if (!/Successfully deployed/i.test(text)) throw new Error(`deploy did not succeed: ${text}`);
  await page.waitForFunction(() => {
    const el = (globalThis as any).document.querySelector('#red-ui-header-button-deploy');
    return !!el && el.classList.contains('disabled');
  });
  await closeNotifications(page);
}

export async function closeNotifications(page: Page): Promise<void> {
  await page.evaluate(() => {
    (globalThis as any).document.querySelectorAll('.red-ui-notification').forEach((n: any) => {
      const anyN = n as any;
      if (typeof anyN.close === 'function') anyN.close();
      else n.remove();
    });
  });
}

/** Import flow JSON through the editor's import dialog (ctrl-i) into a new flow tab, then place it. */
export async function importThroughDialog(page: Page, flowJson: string): Promise<void> {
  await page.locator('#red-ui-header-button-sidemenu').click();
  await page.locator('#menu-item-import').click();
  const dialog = page.locator('#red-ui-clipboard-dialog');
  await dialog.waitFor({ state: 'visible' });
  const text = page.locator('#red-ui-clipboard-dialog-import-text');
  await text.fill(flowJson);
  await text.press('End'); // the dialog validates the JSON on keyup
  const newFlow = page.locator('#red-ui-clipboard-dialog-import-opt-new');
  if (await newFlow.isVisible()) await newFlow.click();
  const ok = page.locator('#red-ui-clipboard-dialog-ok');
  await ok.waitFor({ state: 'visible' });
  await page.waitForFunction(() => !(globalThis as any).document.querySelector('#red-ui-clipboard-dialog-ok')?.disabled, null, {
    timeout: 5000,
  });
  await ok.click();
  await dialog.waitFor({ state: 'hidden' });
  // Nodes whose ids are already in the workspace (npm start deploys example (a)): the editor offers
  // "View nodes..." -> a list where each existing node can be replaced. Replace them, like a user
  // re-importing the example would.
  const conflict = page.locator('.red-ui-notification', { hasText: 'already exist in your workspace' });
  if (
    await conflict.waitFor({ state: 'visible', timeout: 1500 }).then(
      () => true,
      () => false,
    )
  ) {
    await conflict.locator('button', { hasText: 'View nodes' }).click();
    await dialog.waitFor({ state: 'visible' });
    const replace = page.locator('.red-ui-clipboard-dialog-import-conflicts-controls input[type="checkbox"]:not([disabled])');
    for (const box of await replace.all()) {
      // the "replace" box of a row only shows while the pointer is over that row
      await box.locator('xpath=ancestor::*[contains(@class,"red-ui-treeList-label")][1]').hover();
      if (!(await box.isChecked())) await box.check();
    }
    await page.locator('#red-ui-clipboard-dialog-import-conflict').click();
    await dialog.waitFor({ state: 'hidden' });
  }
  // nodes imported into the current flow follow the mouse until a click drops them
  const chart = await page.locator('#red-ui-workspace-chart').boundingBox();
  if (!chart) throw new Error('no workspace');
  await page.mouse.move(chart.x + 200, chart.y + 150, { steps: 5 });
  await page.mouse.click(chart.x + 200, chart.y + 150);
  await sleep(300);
}

/** Press the button of an inject node on the workspace. */
export async function pressInject(page: Page, id: string): Promise<void> {
  await flowNode(page, id).locator('rect.red-ui-flow-node-button-button').click();
}

/** The status text under a node on the workspace ('' when none). */
export async function nodeStatus(page: Page, id: string): Promise<string> {
  const label = flowNode(page, id).locator('.red-ui-flow-node-status-label');
  if (!(await label.count())) return '';
  return ((await label.first().textContent()) ?? '').trim();
}

/** Texts of the debug sidebar's messages, oldest first. */
export async function debugMessages(page: Page): Promise<string[]> {
  return page.locator(inSidebar('.red-ui-debug-msg')).allInnerTexts();
}

/** Wait until no edit tray is open. */
export async function waitTrayClosed(page: Page): Promise<void> {
  await page.locator('.red-ui-tray').first().waitFor({ state: 'detached' });
  await sleep(200);
}

/** Add a new flow tab with the "+" of the workspace tabs and show it. */
export async function addFlowTab(page: Page): Promise<string> {
  const before: string = await page.evaluate(() => (globalThis as any).RED.workspaces.active());
  await addFlowTabButton(page).click();
  await page.waitForFunction((b) => (globalThis as any).RED.workspaces.active() !== b, before);
  await sleep(300);
  return page.evaluate(() => (globalThis as any).RED.workspaces.active());
}

/** Show a flow tab by clicking its tab. */
export async function showFlowTab(page: Page, id: string): Promise<void> {
  await flowTab(page, id).locator('a').first().click();
  await page.waitForFunction((i) => (globalThis as any).RED.workspaces.active() === i, id);
  await sleep(200);
}

/**
 * Is the property `<prefix>-<key>` shown in the tray, and with what label? A typedInput hides its
 * <input> and shows its own container instead; a config-node select shows a select.
 */
export async function propertyShown(tray: Locator, prefix: string, key: string): Promise<{ visible: boolean; label: string }> {
  return tray.evaluate(
    (root: any, args: { id: string }) => {
      const el = root.querySelector(`[id="${args.id}"]`);
      if (!el) return { visible: false, label: '' };
      const isVisible = (e: any) => !!e && !!(e.offsetWidth || e.offsetHeight || e.getClientRects().length);
      let shownEl = el;
      if (!isVisible(el)) {
        const typed = el.nextElementSibling;
        if (typed && typed.classList.contains('red-ui-typedInput-container')) shownEl = typed;
      }
      const row = el.closest('.form-row');
      let label = '';
      const forLabel = root.querySelector(`label[for="${args.id}"]`);
      if (forLabel) label = forLabel.innerText;
      else if (row) label = row.querySelector('label')?.innerText ?? '';
      return { visible: isVisible(shownEl), label: label.replace(/\s+/g, ' ').trim() };
    },
    { id: `${prefix}-${key}` },
  );
}

/** Pick a type in a typedInput's type menu ('str', 'msg', ...), through the menu like a user. */
export async function chooseTypedInputType(page: Page, container: Locator, type: string): Promise<void> {
  await container.locator('button.red-ui-typedInput-type-select').click();
  const menu = page.locator('.red-ui-typedInput-options:visible');
  await menu.waitFor({ state: 'visible' });
  await menu.locator(`a[value="${type}"]`).click();
  await menu.waitFor({ state: 'hidden' });
}

/** Wait until a node's status text satisfies the predicate; returns the text. */
export async function waitForStatus(page: Page, id: string, ok: (s: string) => boolean, timeoutMs = 20000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    last = await nodeStatus(page, id);
    if (ok(last)) return last;
    await sleep(100);
  }
  throw new Error(`status of node ${id} still "${last}" after ${timeoutMs} ms`);
}

/** Is the red "invalid" triangle of a node shown on the workspace? (`g.red-ui-flow-node-error`, hidden with `hide`) */
export async function nodeErrorMarkerVisible(page: Page, id: string): Promise<boolean> {
  const marker = flowNode(page, id).locator('g.red-ui-flow-node-error');
  if (!(await marker.count())) return false;
  return marker.first().evaluate((e: any) => !e.classList.contains('hide') && (globalThis as any).getComputedStyle(e).display !== 'none');
}

/** Nodes whose status shows a red dot or ring (an error), with their status text. */
export async function nodesWithErrorStatus(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const RED = (globalThis as any).RED;
    const out: string[] = [];
    RED.nodes.eachNode((n: any) => {
      if (n.status && n.status.fill === 'red') out.push(`${n.type} ${n.name || n.id}: ${n.status.text ?? ''}`);
    });
    return out;
  });
}

/**
 * Show a node's help by clicking its entry in the help sidebar's tree (Node Help > <module> > <label>),
 * like a user. Returns the help panel.
 */
export async function showHelpFromTree(page: Page, moduleName: string, label: string): Promise<Locator> {
  const toc = page.locator(inSidebar('.red-ui-sidebar-help-toc'));
  const moduleRow = toc.locator('.red-ui-treeList-label', { hasText: new RegExp(`^\\s*${moduleName}\\s*$`) }).first();
  await moduleRow.waitFor({ state: 'visible' });
  const moduleItem = moduleRow.locator('xpath=ancestor::li[1]');
  let entry = moduleItem.locator('.red-ui-node-list-item', { hasText: new RegExp(`^\\s*${label}\\s*$`) }).first();
  if (!(await entry.isVisible().catch(() => false))) {
    await moduleRow.click(); // expand the module
    entry = moduleItem.locator('.red-ui-node-list-item', { hasText: new RegExp(`^\\s*${label}\\s*$`) }).first();
  }
  await entry.scrollIntoViewIfNeeded();
  await entry.click();
  const help = page.locator(inSidebar('.red-ui-sidebar-help-stack .red-ui-help')).first();
  await help.locator('.red-ui-help-title', { hasText: label }).waitFor({ state: 'visible' });
  await sleep(200);
  return help;
}

/** Clear the debug sidebar (its "all" clear button). */
export async function clearDebug(page: Page): Promise<void> {
  await page.locator('a#red-ui-sidebar-debug-clear').click();
  await page
    .locator(inSidebar('.red-ui-debug-msg'))
    .first()
    .waitFor({ state: 'detached', timeout: 5000 })
    .catch(() => undefined);
}

/** Start recording every status text a node shows (sampled in the page every 20 ms, consecutive duplicates folded). */
export async function recordStatusTexts(page: Page, id: string): Promise<void> {
  await page.evaluate((nodeId) => {
    const g = globalThis as any;
    g.__e2eStatus = g.__e2eStatus || {};
    const seen: string[] = [];
    g.__e2eStatus[nodeId] = seen;
    const read = () => {
      const el = g.document.querySelector(
        `#red-ui-workspace-chart g.red-ui-flow-node-group[id="${nodeId}"] .red-ui-flow-node-status-label`,
      );
      const t = el ? (el.textContent || '').trim() : '';
      if (seen[seen.length - 1] !== t) seen.push(t);
    };
    read();
    setInterval(read, 20);
  }, id);
}

export async function recordedStatusTexts(page: Page, id: string): Promise<string[]> {
  return page.evaluate((nodeId) => ((globalThis as any).__e2eStatus?.[nodeId] as string[]) ?? [], id);
}

/**
 * One field of msg.payload of each message a debug node showed in the sidebar, oldest first, read from the
 * object preview the user sees ({ state: "dialtone", ... }). Strings are unquoted; other values as shown.
 */
export async function debugPayloadField(page: Page, debugNodeId: string, field: string): Promise<string[]> {
  return page.evaluate(
    (args: { id: string; field: string; msgs: string }) => {
      const doc = (globalThis as any).document;
      const msgs = Array.from(doc.querySelectorAll(args.msgs));
      const out: string[] = [];
      for (const m of msgs as any[]) {
        const header = m.querySelector('.red-ui-debug-msg-object-header');
        if (!header) continue;
        const keys = Array.from(header.querySelectorAll(':scope > .red-ui-debug-msg-object-key')) as any[];
        const key = keys.find((k) => k.textContent === args.field);
        if (!key) continue;
        let v = key.nextElementSibling;
        while (v && !v.classList.contains('red-ui-debug-msg-object-value')) v = v.nextElementSibling;
        if (!v) continue;
        const text = (v.textContent || '').trim();
        out.push(v.classList.contains('red-ui-debug-msg-type-string') ? text.replace(/^"|"$/g, '') : text);
      }
      return out;
    },
    { id: debugNodeId, field, msgs: inSidebar(`.red-ui-debug-msg.red-ui-debug-msg-node-${debugNodeId}`) },
  );
}

/** Delete a flow tab through its edit tray (double-click the tab, Delete). */
export async function deleteFlowTab(page: Page, tabId: string): Promise<void> {
  await flowTab(page, tabId).locator('a').first().dblclick();
  await page.locator('.red-ui-tray #node-dialog-delete').waitFor({ state: 'visible' });
  await waitTrayIdle(page);
  await page.locator('.red-ui-tray #node-dialog-delete').click();
  await waitTrayClosed(page);
  await page.waitForFunction((id) => !(globalThis as any).RED.nodes.workspace(id), tabId);
}

/** Delete a config node through the config sidebar (double-click its entry, Delete). */
export async function deleteConfigNode(page: Page, configId: string): Promise<void> {
  const panel = await showSidebarTab(page, 'config');
  const entry = panel.locator('li').filter({ has: page.locator('.red-ui-palette-node-config') });
  const target = await entry.evaluateAll(
    (els: any[], id: string) => els.findIndex((e) => (globalThis as any).$(e).data('data-node-id') === id),
    configId,
  );
  if (target < 0) throw new Error(`config node ${configId} not in the config sidebar`);
  await entry.nth(target).locator('.red-ui-palette-node-config').dblclick();
  const del = page.locator('.red-ui-tray button', { hasText: /^Delete$/ });
  await del.waitFor({ state: 'visible' });
  await waitTrayIdle(page);
  await del.click();
  await waitTrayClosed(page);
  await page.waitForFunction((id) => !(globalThis as any).RED.nodes.node(id), configId);
}

/** Number of edit trays open (a config node's tray opens on top of its user's). */
export async function trayCount(page: Page): Promise<number> {
  return page.locator('.red-ui-tray').count();
}

/** After a failed step: close whatever is open (trays, dialogs, menus, notifications) so the next step starts clean. */
export async function resetEditor(page: Page): Promise<void> {
  for (let i = 0; i < 5 && (await trayCount(page)) > 0; i++) {
    const cancel = page.locator('.red-ui-tray').last().locator('#node-dialog-cancel, #node-config-dialog-cancel').first();
    if (await cancel.isVisible().catch(() => false)) await cancel.click().catch(() => undefined);
    else await page.evaluate(() => (globalThis as any).RED.tray.close()).catch(() => undefined);
    await sleep(600);
  }
  await page.keyboard.press('Escape').catch(() => undefined);
  await page
    .evaluate(() => {
      const $ = (globalThis as any).$;
      $('.ui-dialog-content:visible').dialog('close');
    })
    .catch(() => undefined);
  await closeNotifications(page);
}

/** Debug sidebar: show only the messages of the flow on screen ("current flow" in its filter menu). */
export async function debugFilterCurrentFlow(page: Page): Promise<void> {
  await page.locator('#red-ui-sidebar-debug-filter').click();
  const option = page
    .locator('.red-ui-popover-panel .red-ui-menu li a:visible', { has: page.locator('input[value="filterCurrent"]') })
    .first();
  await option.click();
  await page.locator('#red-ui-sidebar-debug-filter', { hasText: /current flow/i }).waitFor();
}

/** Make the sidebar wider by dragging its separator to the left. */
export async function widenSidebar(page: Page, px: number): Promise<void> {
  const sep = page.locator('#red-ui-sidebar-separator');
  const box = await sep.boundingBox();
  if (!box) return;
  const x = box.x + box.width / 2;
  const y = box.y + box.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x - px, y, { steps: 10 });
  await page.mouse.up();
  await sleep(300);
}
