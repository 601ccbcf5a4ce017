// Section: what an open line costs the libuv thread pool (4 workers by default, shared with every fs,
// dns.lookup, crypto and zlib call in Node-RED). 8 concurrent fs.readFile loops, their reads/s measured
// in short phases that alternate, in one process, between: no TAPI at all (the baseline); a line open on
// the win32 provider over the fake Tapi32 with the default pump (an event wait, off the pool); and the
// same with the pump blocking a worker in lineGetMessage.async (as before issue 9). Alternating phases
// and the median of per-round ratios keep a shared machine's drift out of the figure.
//
// The file is page-cached, so on a machine with fewer cores than pool workers the reads are bound by the
// CPU rather than by the pool; run.ts therefore also runs this section with UV_THREADPOOL_SIZE=1, where
// a pump that holds a worker stops every read (ratio ~0) and one that holds none leaves them be (~1).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Win32Provider } from '../../lib/tapi/providers/win32';
import { LINECALLPRIVILEGE, LINEMEDIAMODE, TAPI_VERSION } from '../../lib/tapi/constants';
import { fakeLibraryPath } from '../lib/native';
import { log, section } from '../lib/section';
import { median, secondsSince, sleep } from '../lib/stats';

export type PoolMode = 'none' | 'event' | 'async';

export interface ThreadPoolResult {
  /** reads/s of each round, by mode. */
  rates: Record<PoolMode, number[]>;
  /** Per round: event / none and async / none. */
  ratios: { event: number[]; async: number[] };
  loops: number;
  fileBytes: number;
  phaseMs: number;
  poolSize: number;
}

section(async (args): Promise<ThreadPoolResult> => {
  const loops = Number(args.loops ?? 8);
  const rounds = Number(args.rounds ?? 8);
  const phaseMs = Number(args.ms ?? 300);
  const fileBytes = Number(args.bytes ?? 64 * 1024);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tapi-bench-pool-'));
  const file = path.join(dir, 'data.bin');
  fs.writeFileSync(file, Buffer.alloc(fileBytes, 7));
  const read = () => new Promise<void>((resolve, reject) => fs.readFile(file, (err) => (err ? reject(err) : resolve())));

  async function readsPerSec(ms: number): Promise<number> {
    let reads = 0;
    let stop = false;
    const t0 = process.hrtime.bigint();
    const timer = setTimeout(() => (stop = true), ms);
    await Promise.all(
      Array.from({ length: loops }, async () => {
        while (!stop) {
          await read();
          reads++;
        }
      }),
    );
    clearTimeout(timer);
    return reads / secondsSince(t0);
  }

  async function phase(mode: PoolMode): Promise<number> {
    let provider: Win32Provider | undefined;
    if (mode !== 'none') {
      provider = new Win32Provider({ libraryPath: fakeLibraryPath, appName: 'bench-threadpool', pump: { mechanism: mode } });
      provider.initialize('bench-threadpool', () => undefined);
      const version = provider.negotiateApiVersion(0, TAPI_VERSION.V1_4, TAPI_VERSION.V2_2);
      provider.open(0, version, 1, LINECALLPRIVILEGE.NONE, LINEMEDIAMODE.INTERACTIVEVOICE);
      if (provider.pumpMechanism !== mode) throw new Error(`asked for the ${mode} pump, got ${provider.pumpMechanism}`);
    }
    await sleep(20); // the pump is waiting now
    const rate = await readsPerSec(phaseMs);
    if (provider) {
      provider.shutdown();
      await provider.whenReleased();
    }
    return rate;
  }

  await readsPerSec(300); // warm-up: page cache and JIT
  const rates: Record<PoolMode, number[]> = { none: [], event: [], async: [] };
  const ratios = { event: [] as number[], async: [] as number[] };
  const orders: PoolMode[][] = [
    ['none', 'event', 'async'],
    ['async', 'event', 'none'],
    ['event', 'none', 'async'],
    ['none', 'async', 'event'],
  ];
  for (let r = 0; r < rounds; r++) {
    const got: Partial<Record<PoolMode, number>> = {};
    for (const mode of orders[r % orders.length]) got[mode] = await phase(mode);
    for (const mode of ['none', 'event', 'async'] as const) rates[mode].push(got[mode]!);
    ratios.event.push(got.event! / got.none!);
    ratios.async.push(got.async! / got.none!);
  }
  fs.rmSync(dir, { recursive: true, force: true });
  log(
    `threadpool: reads/s none ${Math.round(median(rates.none))}, event ${Math.round(median(rates.event))}, async ${Math.round(median(rates.async))}; ` +
      `ratios event ${median(ratios.event).toFixed(3)}, async ${median(ratios.async).toFixed(3)}`,
  );
  return { rates, ratios, loops, fileBytes, phaseMs, poolSize: Number(process.env.UV_THREADPOOL_SIZE || 4) };
});
