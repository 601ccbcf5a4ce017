// Section 1, the message pump: the win32 provider over the fake Tapi32, LINE_CALLSTATE messages delivered
// to a JavaScript handler (the seam's MessageHandler), against the fake's own C reader (drain_bench, same
// sources, same fake_post_burst messages). Then latency from the fake posting a message (native poster
// thread, CLOCK_MONOTONIC stamp) to the handler running, at an idle rate and under load, against a C
// thread blocking in lineGetMessage on the same fake.
import { Win32Provider } from '../../lib/tapi/providers/win32';
import { loadTapi32 } from '../../lib/tapi/providers/win32/bindings';
import { LINEINITIALIZEEXOPTION, LINE_MESSAGE } from '../../lib/tapi/constants';
import type { LineMessage } from '../../lib/tapi/provider';
import { loadFakeControl } from '../../test/helpers/fake-tapi32';
import { fakeLibraryPath, loadControls, runDrainBench } from '../lib/native';
import { log, section } from '../lib/section';
import { summary } from '../lib/stats';
import { profileStart, profileStop, profiling } from '../lib/profiler';

export interface LatencyRun {
  p50: number;
  p99: number;
  max: number;
  n: number;
}

export interface PumpResult {
  throughput: { js: number[]; c: number[] };
  latency: {
    idle: { js: LatencyRun[]; c: LatencyRun[] };
    load: { js: LatencyRun[]; c: LatencyRun[] };
  };
  params: Record<string, number>;
  diagnostics: Record<string, number>;
}

const TIMEOUT_MS = 20_000;

section(async (args) => {
  const runs = Number(args.runs ?? 5);
  const jsMessages = Number(args.messages ?? 200_000);
  const cMessages = Number(args.cMessages ?? 1_000_000);
  const idle = { count: Number(args.idleCount ?? 1000), intervalUs: 1000, burst: 1 };
  const load = { count: Number(args.loadCount ?? 20_000), intervalUs: 1000, burst: 100 };
  const controlsPath = args.controls ?? fakeLibraryPath;

  const fake = loadFakeControl();
  fake.setTimeScale(0);
  const mechanism = (args.mechanism ?? 'event') as 'event' | 'async';
  const provider = new Win32Provider({ libraryPath: fakeLibraryPath, appName: 'bench-pump', pump: { mechanism } });
  const controls = loadControls(controlsPath);

  // The handler the bench swaps between runs; the provider calls it once per message, in order.
  let handler: (m: LineMessage) => void = () => undefined;
  provider.initialize('bench-pump', (m) => handler(m));
  const hLineApp = (provider as unknown as { hLineApp: number }).hLineApp;

  const waitFor = (done: Promise<void>, what: string): Promise<void> =>
    Promise.race([done, new Promise<void>((_, reject) => setTimeout(() => reject(new Error(`timed out: ${what}`)), TIMEOUT_MS).unref())]);

  // ---- throughput ----
  async function jsThroughput(n: number): Promise<number> {
    let count = 0;
    let finish!: () => void;
    const done = new Promise<void>((r) => (finish = r));
    handler = (m) => {
      if (m.messageId === LINE_MESSAGE.LINE_CALLSTATE && ++count === n) finish();
    };
    fake.postBurst(hLineApp, n); // queued while the JS thread is busy here: the pump drains them afterwards
    const t0 = process.hrtime.bigint();
    await waitFor(done, 'pump throughput');
    return n / (Number(process.hrtime.bigint() - t0) / 1e9);
  }

  // ---- latency ----
  async function jsLatency(shape: { count: number; intervalUs: number; burst: number }): Promise<LatencyRun> {
    const received = new BigUint64Array(shape.count);
    let count = 0;
    let finish!: () => void;
    const done = new Promise<void>((r) => (finish = r));
    handler = () => {
      received[count] = process.hrtime.bigint();
      if (++count === shape.count) finish();
    };
    controls.postStampedStart(hLineApp, shape.count, shape.intervalUs, shape.burst);
    await waitFor(done, 'pump latency');
    const stamps = controls.postStampedJoin(shape.count);
    const lat = new Float64Array(shape.count);
    for (let i = 0; i < shape.count; i++) lat[i] = Number(received[i] - stamps[i]) / 1000; // µs
    return summary(lat);
  }

  function cLatency(shape: { count: number; intervalUs: number; burst: number }): LatencyRun {
    const ns = controls.nativeLatency(shape.count, shape.intervalUs, shape.burst);
    const lat = new Float64Array(shape.count);
    for (let i = 0; i < shape.count; i++) lat[i] = Number(ns[i]) / 1000;
    return summary(lat);
  }

  // Clocks: the fake's stamps and process.hrtime must be one clock.
  const a = process.hrtime.bigint();
  const b = controls.nowNs();
  const c = process.hrtime.bigint();
  const clockSkewUs = Number(b - (a + c) / 2n) / 1000;
  if (Math.abs(clockSkewUs) > 1000) throw new Error(`fake_now_ns and process.hrtime disagree by ${clockSkewUs} µs`);

  log('pump: warm-up');
  await jsThroughput(50_000);
  await jsLatency({ count: 200, intervalUs: 500, burst: 1 });

  const result: PumpResult = {
    throughput: { js: [], c: [] },
    latency: { idle: { js: [], c: [] }, load: { js: [], c: [] } },
    params: {
      jsMessages,
      cMessages,
      idleCount: idle.count,
      idleIntervalUs: idle.intervalUs,
      loadCount: load.count,
      loadBurst: load.burst,
      loadIntervalUs: load.intervalUs,
    },
    diagnostics: { clockSkewUs },
  };
  for (let r = 0; r < runs; r++) {
    result.throughput.js.push(await jsThroughput(jsMessages));
    result.throughput.c.push(runDrainBench(cMessages).messagesPerSecond);
    result.latency.idle.js.push(await jsLatency(idle));
    result.latency.idle.c.push(cLatency(idle));
    result.latency.load.js.push(await jsLatency(load));
    result.latency.load.c.push(cLatency(load));
    log(
      `pump run ${r + 1}/${runs}: js ${Math.round(result.throughput.js[r])}/s, c ${Math.round(result.throughput.c[r])}/s, ` +
        `idle p99 js ${result.latency.idle.js[r].p99.toFixed(1)} µs / c ${result.latency.idle.c[r].p99.toFixed(1)} µs, ` +
        `load p99 js ${result.latency.load.js[r].p99.toFixed(1)} µs / c ${result.latency.load.c[r].p99.toFixed(1)} µs`,
    );
  }
  if (profiling()) {
    // Extra runs under the profiler (not in the figures).
    await profileStart('pump-throughput');
    for (let i = 0; i < 3; i++) await jsThroughput(jsMessages);
    await profileStop();
    await profileStart('pump-idle-latency');
    await jsLatency(idle);
    await profileStop();
  }
  provider.shutdown();
  await provider.whenReleased();

  // ---- where a message's time goes (profile evidence, same process) ----
  const api = loadTapi32(fakeLibraryPath);
  const hApp = new Uint32Array(1);
  const numDevs = new Uint32Array(1);
  const version = new Uint32Array([0x00020002]);
  const params = {
    dwTotalSize: api.layout.lineInitializeExParams.size,
    dwNeededSize: 0,
    dwUsedSize: 0,
    dwOptions: LINEINITIALIZEEXOPTION.USEEVENT,
    hEvent: null,
    dwCompletionKey: 0,
  };
  if ((api.lineInitializeExW(hApp, null, null, 'bench-diag', numDevs, version, params) | 0) !== 0)
    throw new Error('lineInitializeExW failed');
  const msg = api.koffi.alloc('uint8_t', api.layout.lineMessage.size) as bigint;
  const N = 200_000;
  const perOp = (f: () => void) => {
    const t0 = process.hrtime.bigint();
    f();
    return Number(process.hrtime.bigint() - t0) / N;
  };
  for (let w = 0; w < 2; w++) {
    fake.postBurst(hApp[0], N);
    result.diagnostics.ffiGetMessageNs = perOp(() => {
      for (let i = 0; i < N; i++) api.lineGetMessage(hApp[0], msg, 0);
    });
    result.diagnostics.koffiDecodeNs = perOp(() => {
      for (let i = 0; i < N; i++) api.koffi.decode(msg, api.types.LINEMESSAGE);
    });
    const view = new Uint32Array(api.koffi.view(msg, api.layout.lineMessage.size));
    let sink = 0;
    result.diagnostics.viewReadNs = perOp(() => {
      for (let i = 0; i < N; i++) sink += view[0] + view[1] + view[2] + view[4] + view[6] + view[8];
    });
    if (sink < 0) log(String(sink));
  }

  // Idle latency, split: a reader built like the pump (koffi .async blocking read, re-armed after each
  // message) on a read function that stamps the moment lineGetMessage returned on the worker thread.
  const returnedAt = api.koffi.alloc('uint64_t', 1) as bigint;
  const returnedView = new BigUint64Array(api.koffi.view(returnedAt, 8));
  const count = idle.count;
  const ret = new BigUint64Array(count);
  const entered = new BigUint64Array(count);
  const handled = new BigUint64Array(count);
  let got = 0;
  let stopped = false;
  let finish!: () => void;
  const done = new Promise<void>((r) => (finish = r));
  const arm = (): void => {
    controls.getMessageStamped.async(hApp[0], msg, 500, returnedAt, (_err, rc) => {
      const at = process.hrtime.bigint();
      if (stopped) return;
      if ((rc | 0) === 0 && got < count) {
        ret[got] = returnedView[0];
        entered[got] = at;
        api.koffi.decode(msg, api.types.LINEMESSAGE); // what the pump does with each message
        handled[got] = process.hrtime.bigint();
        if (++got === count) finish();
      }
      arm();
    });
  };
  arm();
  controls.postStampedStart(hApp[0], count, idle.intervalUs, 1);
  await waitFor(done, 'latency breakdown');
  const stamps = controls.postStampedJoin(count);
  stopped = true;
  const part = (from: BigUint64Array, to: BigUint64Array) => {
    const us = new Float64Array(count);
    for (let i = 0; i < count; i++) us[i] = Number(to[i] - from[i]) / 1000;
    return summary(us);
  };
  const wake = part(stamps, ret);
  const deliver = part(ret, entered);
  const dispatch = part(entered, handled);
  Object.assign(result.diagnostics, {
    idleWakeP50Us: wake.p50,
    idleWakeP99Us: wake.p99,
    idleDeliverP50Us: deliver.p50,
    idleDeliverP99Us: deliver.p99,
    idleDecodeP50Us: dispatch.p50,
    idleDecodeP99Us: dispatch.p99,
  });
  api.lineShutdown(hApp[0]); // wakes the pending read
  await new Promise((r) => setTimeout(r, 20));

  // The floor of any reader built on koffi's .async: a call that returns at once (lineGetMessage on a
  // shut-down app), queued from an idle event loop once per ms; time until its callback runs.
  const roundtrip = new Float64Array(Math.min(1000, idle.count));
  for (let i = 0; i < roundtrip.length; i++) {
    await new Promise((r) => setTimeout(r, 1));
    const t0 = process.hrtime.bigint();
    await new Promise<void>((resolve) => api.lineGetMessage.async(hApp[0], msg, 0, () => resolve()));
    roundtrip[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  const rt = summary(roundtrip);
  result.diagnostics.asyncRoundtripP50Us = rt.p50;
  result.diagnostics.asyncRoundtripP99Us = rt.p99;
  api.koffi.free(msg);
  api.koffi.free(returnedAt);
  return result;
});
