// Helpers that drive the Node-RED 4 editor the way a user does. The selectors come from the editor's
// own DOM (ids such as #red-ui-palette-<category>, [data-palette-type=...], the nodes' SVG groups whose
// id is the node id) — learnt from page dumps of Node-RED 4.1, not guessed.
import type { Locator, Page } from 'playwright-core';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Open the editor and wait until the palette and the workspace are there. */
export async function openEditor(page: Page, url: string): Promise<void> {
  await page.goto(url, { waitUntil: 'load' });
  await page.locator('#red-ui-palette-container .red-ui-palette-node').first().waitFor({ state: 'visible', timeout: 60000 });
  await page.locator('#red-ui-workspace-chart svg').waitFor({ state: 'visible' });
  // the loading shade goes away once flows are loaded
  await page.waitForFunction(() => {
    const w = window as unknown as { RED?: { nodes?: { version?: () => unknown } } };
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
  await page.locator('.red-ui-tourGuide-shade').first().waitFor({ state: 'detached', timeout: 5000 }).catch(() => undefined);
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
    const RED = (window as any).RED;
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
    const $ = (window as any).$;
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
    const el = document.querySelector('#red-ui-header-button-deploy');
    return !!el && el.classList.contains('disabled');
  });
  await closeNotifications(page);
}

export async function closeNotifications(page: Page): Promise<void> {
  await page.evaluate(() => {
    document.querySelectorAll('.red-ui-notification').forEach((n) => {
      const anyN = n as any;
      if (typeof anyN.close === 'function') anyN.close();
      else n.remove();
    });
  });
}

/** Show a sidebar tab ('info', 'help', 'debug', 'config', 'context') by its icon button. */
export async function showSidebarTab(page: Page, tab: string): Promise<Locator> {
  const label = page.locator(`#red-ui-tab-${tab} a.red-ui-tab-label`);
  if (await label.isVisible()) await label.click();
  else await page.locator(`#red-ui-tab-${tab}-link-button`).click();
  await page.locator(`#red-ui-tab-${tab}.active`).waitFor({ state: 'attached' });
  return page.locator('#red-ui-sidebar-content');
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
  await page.waitForFunction(() => !(document.querySelector('#red-ui-clipboard-dialog-ok') as HTMLButtonElement | null)?.disabled, null, { timeout: 5000 });
  await ok.click();
  await dialog.waitFor({ state: 'hidden' });
  // imported nodes follow the mouse until a click drops them
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
  return page.locator('#red-ui-sidebar-content .red-ui-debug-msg').allInnerTexts();
}
