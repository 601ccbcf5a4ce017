// Shared set-up for the Node-RED node tests (test/nodes-*.test.ts): the test helper, our three node
// modules, and small waiting utilities. The nodes run against the real lib/tapi on the simulator.
import assert from 'node:assert/strict';
import type { OpenedTapi } from '../lib/tapi';
import { activeTapis, registrySnapshot, settled } from '../nodes/lib/tapi-registry';

export const helper: any = require('node-red-node-test-helper');
// NODE_RED_PREFIX: a folder whose node_modules holds the Node-RED to test against (CI's 3.1 and 5 legs).
helper.init(require.resolve('node-red', process.env.NODE_RED_PREFIX ? { paths: [process.env.NODE_RED_PREFIX] } : undefined));

export const tapiLineNode = require('../nodes/tapi-line') as (RED: unknown) => void;
export const makeCallNode = require('../nodes/make-call') as (RED: unknown) => void;
export const callStateNode = require('../nodes/call-state') as (RED: unknown) => void;
export const allNodes = [tapiLineNode, makeCallNode, callStateNode];

export type Msg = Record<string, any>;

/** Unhandled rejections and listener warnings seen while the node tests run: there must be none. */
export const problems: unknown[] = [];
process.on('unhandledRejection', (reason) => problems.push(reason));
process.on('warning', (warning) => {
  if (warning.name === 'TapiListenerWarning') problems.push(warning);
});

/** A flow node collecting what it receives. */
export function collector(node: any): Msg[] {
  const received: Msg[] = [];
  node.on('input', (msg: Msg) => received.push(msg));
  return received;
}

export async function waitFor<T>(check: () => T | undefined | false, timeoutMs = 8000, what = 'condition'): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Lines, calls and requests still held at the simulated exchange, summed over every live Tapi. */
export function outstanding(): { tapis: number; lines: number; calls: number; requests: number; modelLines: number; modelCalls: number } {
  const total = { tapis: 0, lines: 0, calls: 0, requests: 0, modelLines: 0, modelCalls: 0 };
  for (const tapi of activeTapis()) {
    total.tapis++;
    total.modelLines += tapi.openLineCount;
    total.modelCalls += tapi.callCount;
    const sim = (tapi as OpenedTapi).simulator;
    if (sim) {
      const o = sim.outstanding();
      total.lines += o.lines;
      total.calls += o.calls;
      total.requests += o.requests;
    }
  }
  return total;
}

/** Unload the flows and check that nothing is left: no Tapi, no line, no call. */
export async function unloadAndCheckClean(): Promise<void> {
  await helper.unload();
  await settled();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(problems.splice(0), [], 'no unhandled rejection, no listener error');
  assert.deepEqual(registrySnapshot(), [], 'every Tapi was released');
}

/** A tapi-line config node on the simulator (timeScale 0 unless given). */
export function lineDef(id: string, extra: Record<string, unknown> = {}): Msg {
  return { id, type: 'tapi-line', provider: 'simulator', line: '', privileges: 'monitor', simulatorTimeScale: 0, ...extra };
}

/** Every status a node has set so far (the helper spies on Node.prototype.status). */
export function statusesOf(node: unknown): Msg[] {
  const spy = helper._NodePrototype.status;
  return spy
    .getCalls()
    .filter((c: { thisValue: unknown }) => c.thisValue === node)
    .map((c: { args: Msg[] }) => c.args[0]);
}
