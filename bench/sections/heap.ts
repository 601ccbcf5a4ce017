// Section 2b, heap per concurrent call: `calls` calls brought up to connected at once on the simulator
// (timeScale 0; one simulated line with 10,000 call appearances), heap after a full GC before and after, divided by
// the number of calls. --mode=lib goes through lib/tapi (Tapi, Line, Call with its history); --mode=raw
// is the baseline, the provider's own per-call state plus the smallest record an app can keep at the
// seam. Run with node --expose-gc.
import { burst, libCall, libCallUp, libSetup, RawDriver } from '../lib/drivers';
import type { Call } from '../../lib/tapi';
import { section } from '../lib/section';
import { turn } from '../lib/stats';

export interface HeapResult {
  mode: 'lib' | 'raw';
  calls: number;
  devices: number;
  before: number;
  after: number;
  bytesPerCall: number;
}

async function fullGc(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  for (let i = 0; i < 4; i++) {
    await turn();
    gc();
  }
  return process.memoryUsage().heapUsed;
}

section(async (args): Promise<HeapResult> => {
  const mode = (args.mode ?? 'lib') as 'lib' | 'raw';
  const calls = Number(args.calls ?? 10_000);
  const devices = Number(args.devices ?? 1);
  const shape = { devices, appearances: Number(args.appearances ?? Math.ceil(calls / devices)) };
  let before: number;
  let after: number;
  if (mode === 'lib') {
    const { tapi, lines } = await libSetup('simulator', shape);
    await burst(Math.min(1000, calls), (i) => libCall(lines[i % devices])); // warm-up, fully released
    before = await fullGc();
    const held: Call[] = await Promise.all(Array.from({ length: calls }, (_, i) => libCallUp(lines[i % devices])));
    after = await fullGc();
    if (tapi.callCount !== calls || held.length !== calls) throw new Error(`expected ${calls} calls up, lib/tapi holds ${tapi.callCount}`);
  } else {
    const raw = await RawDriver.create('simulator', shape);
    await burst(Math.min(1000, calls), (i) => raw.call(raw.hLines[i % devices]));
    before = await fullGc();
    await Promise.all(Array.from({ length: calls }, (_, i) => raw.call(raw.hLines[i % devices], true)));
    after = await fullGc();
    if (raw.connected !== calls) throw new Error(`expected ${calls} calls up, raw driver has ${raw.connected}`);
  }
  return { mode, calls, devices, before, after, bytesPerCall: (after - before) / calls };
});
