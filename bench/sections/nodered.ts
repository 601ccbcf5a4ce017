// Section 3, Node-RED: an embedded Node-RED 4 runtime (RED.init with a settings object, in this process,
// no HTTP at all) with this package installed in a throw-away user directory the way `npm start` does
// it (a symlink in <userDir>/node_modules). One flow:
//
//   tapi-line (simulator, timeScale 0, owner)
//   tapi-call-state --> bench-sink <-- bench-source (the baseline node)
//
// The tapi path: calls placed on the shared line as fast as its 4 call appearances allow (make ->
// connected -> drop -> idle -> deallocate); every LINE_CALLSTATE becomes one tapi-call-state message.
// Rate = messages at the sink / time. Latency = provider message (the simulator hands it to lib/tapi)
// -> sink input.
// The baseline: bench-source sends the same number of messages, shaped like tapi-call-state's, to the
// same sink, all at once (rate); for latency it replays the provider's batches (same number of messages
// per event-loop turn) so both latencies are taken under the same burst structure.
// Diagnostic: the same call loop on a Tapi of its own without Node-RED (states/s the model alone makes).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openTapi, type Call, type CallStateEvent } from '../../lib/tapi';
import { LINECALLSTATE } from '../../lib/tapi/constants';
import type { LineMessage } from '../../lib/tapi/provider';
import type { NodeMessage } from '../../nodes/lib/node-red';
import type { SharedLine } from '../../nodes/lib/shared-line';
import register = require('../nodered/bench-nodes');
import { ADDRESS, closedLoop } from '../lib/drivers';
import { repoRoot } from '../lib/native';
import { log, section } from '../lib/section';
import { sleep, summary, turn } from '../lib/stats';
import { profileStart, profileStop, profiling } from '../lib/profiler';

export interface NodeRedRun {
  tapiRate: number;
  baselineRate: number;
  modelOnlyRate: number;
  tapiLatency: { p50: number; p99: number; max: number; n: number };
  baselineLatency: { p50: number; p99: number; max: number; n: number };
  /** The baseline node sending in the provider's batches (one batch per event-loop turn): its rate. */
  baselineReplayRate: number;
  messages: number;
  meanBatch: number;
}

const bench = register.state;

async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(2);
  }
}

function setUp(): { userDir: string; nodesDir: string } {
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tapi-bench-nr-'));
  fs.mkdirSync(path.join(userDir, 'node_modules'));
  fs.symlinkSync(repoRoot, path.join(userDir, 'node_modules', 'node-red-contrib-tapi'), 'dir');
  fs.writeFileSync(
    path.join(userDir, 'package.json'),
    JSON.stringify({ name: 'tapi-bench', version: '0.0.1', private: true, dependencies: { 'node-red-contrib-tapi': `file:${repoRoot}` } }),
  );
  const nodesDir = path.join(userDir, 'bench-nodes');
  fs.mkdirSync(nodesDir);
  fs.writeFileSync(
    path.join(nodesDir, 'bench-nodes.js'),
    `module.exports = require(${JSON.stringify(require.resolve('../nodered/bench-nodes'))});\n`,
  );
  fs.writeFileSync(path.join(nodesDir, 'bench-nodes.html'), register.HTML);
  const flows = [
    { id: 'bench-tab', type: 'tab', label: 'bench' },
    {
      id: 'bench-line',
      type: 'tapi-line',
      name: '',
      provider: 'simulator',
      line: '',
      privileges: 'owner',
      simulatorTimeScale: 0,
      dialPolicyAllow: '',
      dialPolicyDeny: '',
      countryCode: '',
    },
    {
      id: 'bench-cs',
      type: 'tapi-call-state',
      z: 'bench-tab',
      name: '',
      line: 'bench-line',
      states: [],
      origin: 'all',
      x: 150,
      y: 60,
      wires: [['bench-sink']],
    },
    { id: 'bench-src', type: 'bench-source', z: 'bench-tab', x: 150, y: 120, wires: [['bench-sink']] },
    { id: 'bench-sink', type: 'bench-sink', z: 'bench-tab', x: 400, y: 90, wires: [] },
  ];
  fs.writeFileSync(path.join(userDir, 'flows.json'), JSON.stringify(flows));
  return { userDir, nodesDir };
}

/** A message shaped like tapi-call-state's (same keys, fresh objects), from the baseline node. */
function baselineMessage(i: number): NodeMessage {
  return {
    _bench: true,
    topic: 'connected',
    payload: {
      state: 'connected',
      mode: 'active',
      previous: 'ringback',
      callId: 'f3a1c2d4-5b6e-4f70-8a9b-0c1d2e3f4a5b',
      handle: i,
      origin: 'outbound',
      address: ADDRESS,
      callerId: null,
      callerIdName: null,
      calledId: null,
      calledIdName: null,
      at: '2025-01-01T00:00:00.000Z',
    },
    call: { id: 'f3a1c2d4-5b6e-4f70-8a9b-0c1d2e3f4a5b', handle: i, line: 'Simulated Line 1', deviceId: 0 },
  };
}

section(async (args) => {
  const runs = Number(args.runs ?? 5);
  const calls = Number(args.calls ?? 4000);
  const concurrency = 4;
  const { userDir, nodesDir } = setUp();
  const RED = require(require.resolve('node-red', { paths: [repoRoot] }));
  RED.init({
    userDir,
    nodesDir: [nodesDir],
    flowFile: 'flows.json',
    httpAdminRoot: false,
    httpNodeRoot: false,
    disableEditor: true,
    credentialSecret: false,
    logging: { console: { level: 'error', metrics: false, audit: false } },
    telemetry: { enabled: false, updateNotification: false },
    editorTheme: { projects: { enabled: false }, tours: false },
  });
  try {
    await RED.start();
    let lineNode: { shared: SharedLine } | null = null;
    await until(() => !!(lineNode = RED.nodes.getNode('bench-line')), 15_000, 'the flow to start');
    const shared = lineNode!.shared;
    await until(() => shared.state === 'open' && !!bench.source, 15_000, 'the tapi-line to open');
    const tapi = shared.tapi!;

    // Stamp every LINE_CALLSTATE where the simulator hands it to lib/tapi; note the provider's batches.
    const queue = (
      tapi.lineProvider as unknown as {
        exchange: { queue: { handler: (m: LineMessage) => void; setHandler(h: (m: LineMessage) => void): void } };
      }
    ).exchange.queue;
    const deliver = queue.handler;
    // Key: handle * 32 + the state's bit index (LINECALLSTATE values are single bits); value: performance.now().
    const stamps = new Map<number, number>();
    const keyOf = (hCall: number, state: number) => hCall * 32 + (31 - Math.clz32(state));
    let batches: number[] = [];
    let batchOpen = false;
    queue.setHandler((m: LineMessage) => {
      if (m.messageId === 2 /* LINE_CALLSTATE */) {
        stamps.set(keyOf(m.hDevice, m.param1 & 0xffffff), performance.now());
        if (!batchOpen) {
          batchOpen = true;
          batches.push(0);
          queueMicrotask(() => (batchOpen = false));
        }
        batches[batches.length - 1]++;
      }
      deliver(m);
    });
    let emitted = 0;
    shared.on('callstate', () => emitted++);

    const oneCall = async (): Promise<void> => {
      const call: Call = await shared.makeCall(ADDRESS, {});
      await call.waitFor(['connected']);
      await call.drop();
      await call.waitFor(['idle']);
      call.deallocate();
    };

    async function tapiPath(n: number) {
      stamps.clear();
      batches = [];
      emitted = 0;
      let delivered = 0;
      let last = 0;
      const lat: number[] = [];
      bench.onInput = (msg) => {
        if (msg._bench) return;
        const at = performance.now();
        delivered++;
        last = at;
        const p = msg.payload as { handle: number; state: string };
        const t = stamps.get(keyOf(p.handle, LINECALLSTATE[p.state.toUpperCase() as keyof typeof LINECALLSTATE]));
        if (t !== undefined) lat.push((at - t) * 1000);
      };
      const t0 = performance.now();
      await closedLoop(n, concurrency, oneCall);
      await until(() => delivered >= emitted && emitted > 0, 10_000, 'call-state messages');
      return { rate: delivered / ((last - t0) / 1000), delivered, latency: summary(lat), batches: [...batches] };
    }

    async function baselineRate(n: number): Promise<number> {
      let got = 0;
      let last = 0;
      bench.onInput = (msg) => {
        if (!msg._bench) return;
        got++;
        last = performance.now();
      };
      const source = bench.source!;
      const t0 = performance.now();
      for (let i = 0; i < n; i++) source.send(baselineMessage(i));
      await until(() => got === n, 10_000, 'baseline messages');
      return n / ((last - t0) / 1000);
    }

    async function baselineLatency(replay: number[]) {
      const total = replay.reduce((a, b) => a + b, 0);
      const lat: number[] = [];
      let last = 0;
      bench.onInput = (msg) => {
        if (!msg._bench) return;
        last = performance.now();
        lat.push((last - (msg._sent as number)) * 1000);
      };
      const t0 = performance.now();
      const source = bench.source!;
      let i = 0;
      for (const b of replay) {
        for (let k = 0; k < b; k++) {
          const msg = baselineMessage(i++);
          msg._sent = performance.now();
          source.send(msg);
        }
        await turn();
      }
      await until(() => lat.length === total, 10_000, 'baseline latency messages');
      return { ...summary(lat), rate: total / ((last - t0) / 1000) };
    }

    // The model alone: the same loop on a Tapi of its own, no Node-RED (diagnostic).
    const alone = await openTapi({ provider: 'simulator', simulator: { timeScale: 0 } });
    const aloneLine = await alone.openLine(0, { privileges: 'owner' });
    let aloneStates = 0;
    aloneLine.on('callstate', (_c: Call, _e: CallStateEvent) => aloneStates++);
    async function modelOnly(n: number): Promise<number> {
      aloneStates = 0;
      const t0 = performance.now();
      await closedLoop(n, concurrency, async () => {
        const call = await aloneLine.makeCall(ADDRESS);
        await call.waitFor(['connected']);
        await call.drop();
        await call.waitFor(['idle']);
        call.deallocate();
      });
      await turn();
      return aloneStates / ((performance.now() - t0) / 1000);
    }

    log('node-red: warm-up');
    const warm = await tapiPath(1000);
    await baselineRate(warm.delivered);
    await baselineLatency(warm.batches);
    await modelOnly(1000);

    const out: NodeRedRun[] = [];
    for (let r = 0; r < runs; r++) {
      const t = await tapiPath(calls);
      const baseline = await baselineRate(t.delivered);
      const bl = await baselineLatency(t.batches);
      const m = await modelOnly(calls);
      out.push({
        tapiRate: t.rate,
        baselineRate: baseline,
        modelOnlyRate: m,
        tapiLatency: t.latency,
        baselineLatency: { p50: bl.p50, p99: bl.p99, max: bl.max, n: bl.n },
        baselineReplayRate: bl.rate,
        messages: t.delivered,
        meanBatch: t.delivered / Math.max(1, t.batches.length),
      });
      log(
        `node-red run ${r + 1}/${runs}: call-state ${Math.round(t.rate)} msg/s, baseline node ${Math.round(baseline)} msg/s, ` +
          `model alone ${Math.round(m)} states/s; p99 ${t.latency.p99.toFixed(0)} µs vs baseline ${bl.p99.toFixed(0)} µs`,
      );
    }
    if (profiling()) {
      // Extra runs under the profiler (not in the figures).
      await profileStart('nodered-call-state-path');
      const t = await tapiPath(calls);
      await profileStop();
      await profileStart('nodered-baseline-node');
      await baselineRate(t.delivered);
      await profileStop();
      await profileStart('nodered-model-alone');
      await modelOnly(calls);
      await profileStop();
    }
    await alone.shutdown();
    return { calls, concurrency, runs: out };
  } finally {
    await RED.stop().catch(() => undefined);
    fs.rmSync(userDir, { recursive: true, force: true });
  }
});
