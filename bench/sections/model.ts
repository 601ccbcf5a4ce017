// Section 2a, the model: complete calls per second (make -> connected -> drop -> idle -> deallocate)
// through lib/tapi, against a raw loop at the provider seam doing the same sequence (so the ratio is the
// model's overhead). --kind=simulator (timeScale 0) or win32 (over the fake Tapi32, time scale 0).
// --growth: time per call with 100 ... 10,000 calls up at once (simulator, one line with 10,000 call
// appearances, the same line for every size), through lib/tapi and raw.
import { burst, closedLoop, libCall, libSetup, RawDriver, type ProviderKind } from '../lib/drivers';
import { loadFakeControl } from '../../test/helpers/fake-tapi32';
import { log, section } from '../lib/section';
import { profileStart, profileStop, profiling } from '../lib/profiler';

export interface ThroughputResult {
  kind: ProviderKind;
  calls: number;
  concurrency: number;
  lib: number[];
  raw: number[];
}

export interface GrowthResult {
  devices: number;
  sizes: number[];
  /** µs per call, per size, per run. */
  lib: Record<string, number[]>;
  raw: Record<string, number[]>;
}

async function throughput(kind: ProviderKind, runs: number, calls: number, concurrency: number): Promise<ThroughputResult> {
  if (kind === 'win32') loadFakeControl().setTimeScale(0);
  const lib = await libSetup(kind);
  const raw = await RawDriver.create(kind);
  const line = lib.lines[0];
  const hLine = raw.hLines[0];
  const result: ThroughputResult = { kind, calls, concurrency, lib: [], raw: [] };
  // Warm-up (JIT, maps, the fake's tables).
  await closedLoop(Math.min(500, calls), concurrency, () => libCall(line));
  await closedLoop(Math.min(500, calls), concurrency, () => raw.call(hLine));
  for (let r = 0; r < runs; r++) {
    // Alternate, so drift on a shared machine hits both alike.
    const tl = await closedLoop(calls, concurrency, () => libCall(line));
    const tr = await closedLoop(calls, concurrency, () => raw.call(hLine));
    result.lib.push(calls / tl);
    result.raw.push(calls / tr);
    log(`${kind} run ${r + 1}/${runs}: lib/tapi ${Math.round(calls / tl)} calls/s, raw seam ${Math.round(calls / tr)} calls/s`);
  }
  if (profiling()) {
    // Extra runs under the profiler (not in the figures).
    await profileStart(`model-${kind}-lib`);
    await closedLoop(calls, concurrency, () => libCall(line));
    await profileStop();
    await profileStart(`model-${kind}-raw`);
    await closedLoop(calls, concurrency, () => raw.call(hLine));
    await profileStop();
  }
  if (lib.tapi.callCount !== 0) throw new Error(`lib/tapi still holds ${lib.tapi.callCount} calls`);
  await lib.tapi.shutdown();
  raw.shutdown();
  return result;
}

async function growth(runs: number, sizes: number[], devices: number, total: number, only?: string): Promise<GrowthResult> {
  const shape = { devices, appearances: Math.ceil(Math.max(...sizes) / devices) };
  const lib = await libSetup('simulator', shape);
  const raw = await RawDriver.create('simulator', shape);
  const result: GrowthResult = { devices, sizes, lib: {}, raw: {} };
  const largest = Math.max(...sizes);
  // Every size does the same number of calls (`total`), in rounds of `size` calls up at once.
  const measure = async (size: number, one: (i: number) => Promise<void>): Promise<number> => {
    const rounds = Math.max(1, Math.round(total / size));
    let seconds = 0;
    for (let k = 0; k < rounds; k++) seconds += await burst(size, one);
    return (seconds / (rounds * size)) * 1e6;
  };
  const libOne = (i: number) => libCall(lib.lines[i % devices]);
  const rawOne = (i: number) => raw.call(raw.hLines[i % devices]);
  // Warm-up: one round of up to 1,000 calls each.
  if (only !== 'raw') await burst(Math.min(1000, largest), libOne);
  if (only !== 'lib') await burst(Math.min(1000, largest), rawOne);
  for (const size of sizes) {
    result.lib[size] = [];
    result.raw[size] = [];
  }
  for (let r = 0; r < runs; r++) {
    for (const size of sizes) {
      // --only=lib|raw runs one side (to profile it alone); the other reads NaN.
      const l = only === 'raw' ? NaN : await measure(size, libOne);
      const w = only === 'lib' ? NaN : await measure(size, rawOne);
      result.lib[size].push(l);
      result.raw[size].push(w);
      log(`growth run ${r + 1}/${runs}, ${size} up at once: lib/tapi ${l.toFixed(1)} µs/call, raw seam ${w.toFixed(1)} µs/call`);
    }
  }
  if (profiling()) {
    for (const size of [Math.min(...sizes), largest]) {
      await profileStart(`growth-${size}-lib`);
      await measure(size, libOne);
      await profileStop();
      await profileStart(`growth-${size}-raw`);
      await measure(size, rawOne);
      await profileStop();
    }
  }
  if (lib.tapi.callCount !== 0) throw new Error(`lib/tapi still holds ${lib.tapi.callCount} calls`);
  await lib.tapi.shutdown();
  raw.shutdown();
  return result;
}

section(async (args) => {
  const runs = Number(args.runs ?? 5);
  if (args.growth) {
    const sizes = (args.sizes ?? '100,1000,10000').split(',').map(Number);
    return growth(runs, sizes, Number(args.devices ?? 1), Number(args.total ?? 10_000), args.only);
  }
  const kind = (args.kind ?? 'simulator') as ProviderKind;
  return throughput(kind, runs, Number(args.calls ?? 5000), Number(args.concurrency ?? 4));
});
