// Where the parts of the editor's frame are, in Node-RED 4 and 5. Learnt from page dumps of 4.1.8 and 5.0.7:
//
//   Node-RED 4  one right-hand sidebar: a tab strip (#red-ui-tab-<id> with an a.red-ui-tab-label, or the
//               #red-ui-tab-<id>-link-button when the strip is narrow) over one #red-ui-sidebar-content,
//               which holds one wrapper <div> per tab, the shown one visible. Flow tabs above the workspace.
//   Node-RED 5  two sidebars (#red-ui-sidebar on the right, #red-ui-sidebar-left), each split into a top and
//               a bottom .red-ui-sidebar-section with its own banner (.red-ui-sidebar-banner-label = the tab's
//               name) and .red-ui-sidebar-content; the tabs are buttons keyed by data-tab-id in the
//               workspace footer, and a click on the button of the tab already shown hides its section.
//               Flow tabs moved into the header (#red-ui-header-tabs).
//
// Both keep #red-ui-workspace-tabs (the flow tabs' <ul>), the tab-strip "+" (.red-ui-tabs-add) next to it,
// and the ids inside each sidebar tab (#red-ui-sidebar-debug-clear, .red-ui-sidebar-help-toc, ...).
import type { Locator, Page } from 'playwright-core';

/** Every sidebar content area: Node-RED 4's one, or the sections' of Node-RED 5 (both sidebars). */
export const SIDEBAR_CONTENT = '#red-ui-sidebar-content, .red-ui-sidebar .red-ui-sidebar-content';

/** `sel` inside any sidebar content area, as one CSS selector (for locators and querySelectorAll). */
export function inSidebar(sel: string): string {
  return SIDEBAR_CONTENT.split(',')
    .map((area) => `${area.trim()} ${sel}`)
    .join(', ');
}

const majorVersions = new WeakMap<Page, number>();

/**
 * Node-RED's major version as the editor in the page reports it (RED.settings.version, '4.1.8' or
 * '5.0.7'; a '-git' suffix is ignored). Read once per page: the tests never switch Node-RED under a page.
 */
export async function editorMajorVersion(page: Page): Promise<number> {
  const known = majorVersions.get(page);
  if (known !== undefined) return known;
  const version: string = await page.evaluate(() => String((globalThis as any).RED?.settings?.version ?? ''));
  const major = Number(/^(\d+)\./.exec(version)?.[1]);
  if (!Number.isInteger(major)) throw new Error(`the editor reports no Node-RED version (RED.settings.version = "${version}")`);
  majorVersions.set(page, major);
  return major;
}

/** The flow tab of a flow (workspace) id in the flow-tab strip. */
export function flowTab(page: Page, id: string): Locator {
  return page.locator(`#red-ui-workspace-tabs li.red-ui-tab[id="red-ui-tab-${id}"]`);
}

/** The "+" that adds a flow: the add button of the tab strip that holds #red-ui-workspace-tabs. */
export function addFlowTabButton(page: Page): Locator {
  return page.locator('div.red-ui-tabs:has(#red-ui-workspace-tabs) > .red-ui-tab-button.red-ui-tabs-add > a');
}

// The attribute the harness puts on a sidebar tab's wrapper, so the locator showSidebarTab returns keeps
// meaning that tab's panel whatever is shown later. It changes nothing the user sees.
const PANEL_ATTR = 'data-e2e-sidebar-tab';

/**
 * In the page: the wrapper <div> of sidebar tab `tab` if that tab is shown right now (visible), else null;
 * when found it is marked with PANEL_ATTR=tab.
 */
function markShownPanel(args: { tab: string; attr: string; sections: boolean }): boolean {
  const doc = (globalThis as any).document;
  const visible = (e: any) => !!e && !!(e.offsetWidth || e.offsetHeight || e.getClientRects().length);
  let wrapper: any = null;
  if (args.sections) {
    // Node-RED 5: the visible section whose banner names the tab (the tab button's aria-label is that name)
    const button = doc.querySelector(`button[data-tab-id="${args.tab}"]`);
    const name = button?.getAttribute('aria-label');
    if (!name) return false;
    for (const section of Array.from(doc.querySelectorAll('.red-ui-sidebar-section')) as any[]) {
      if (!visible(section)) continue;
      if ((section.querySelector('.red-ui-sidebar-banner-label')?.textContent ?? '') !== name) continue;
      const content = section.querySelector('.red-ui-sidebar-content');
      wrapper = content && (Array.from(content.children) as any[]).find(visible);
      if (wrapper) break;
    }
  } else {
    // Node-RED 4: the active tab of the strip, and the one visible wrapper of #red-ui-sidebar-content
    if (!doc.querySelector(`#red-ui-tab-${args.tab}.active`)) return false;
    const content = doc.querySelector('#red-ui-sidebar-content');
    wrapper = content && (Array.from(content.children) as any[]).find(visible);
  }
  if (!wrapper) return false;
  for (const old of Array.from(doc.querySelectorAll(`[${args.attr}="${args.tab}"]`)) as any[]) {
    if (old !== wrapper) old.removeAttribute(args.attr);
  }
  wrapper.setAttribute(args.attr, args.tab);
  return true;
}

/**
 * Show a sidebar tab ('info', 'help', 'debug', 'config', 'context') by its button, like a user; returns that
 * tab's panel. A tab already shown is left alone (in Node-RED 5 a second click would hide it). Should the
 * button be out of sight (Node-RED 5 folds buttons into a "⋮" menu when the bar is narrow), the tab is shown
 * the way that menu and View → sidebar do: RED.sidebar.show(tab).
 */
export async function showSidebarTab(page: Page, tab: string): Promise<Locator> {
  const sections = (await editorMajorVersion(page)) >= 5;
  const args = { tab, attr: PANEL_ATTR, sections };
  if (!(await page.evaluate(markShownPanel, args))) {
    if (sections) {
      const button = page.locator(`.red-ui-sidebar-tab-bar button[data-tab-id="${tab}"]`);
      if (await button.isVisible()) await button.click();
      else await page.evaluate((t) => (globalThis as any).RED.sidebar.show(t), tab);
    } else {
      const label = page.locator(`#red-ui-tab-${tab} a.red-ui-tab-label`);
      if (await label.isVisible()) await label.click();
      else await page.locator(`#red-ui-tab-${tab}-link-button`).click();
    }
    await page.waitForFunction(markShownPanel, args);
  }
  return page.locator(`[${PANEL_ATTR}="${tab}"]`);
}
