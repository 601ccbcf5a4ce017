// Two ways to run the same complete call (make -> connected -> drop -> idle -> deallocate):
//  * through lib/tapi (Tapi -> Line -> Call, promises and events), the way a library user writes it;
//  * the baseline: a raw loop directly at the line-device seam (LineProvider), callbacks keyed by
//    request id and call handle, nothing else — what any correct TAPI app must do at least.
// Both run on the same provider kinds (simulator at timeScale 0, win32 over the fake Tapi32).
import { openTapi, type Call, type Line, type Tapi } from '../../lib/tapi';
import { DEFAULT_API_VERSIONS } from '../../lib/tapi/tapi';
import { LINECALLPRIVILEGE, LINECALLSTATE, LINEMEDIAMODE, LINE_MESSAGE } from '../../lib/tapi/constants';
import type { LineMessage, LineProvider } from '../../lib/tapi/provider';
import type { SimulatorLineConfig } from '../../lib/tapi';
import { fakeLibraryPath } from './native';

export type ProviderKind = 'simulator' | 'win32';

/** The number every call dials: the simulator's (and the fake's) "rings, answers, stays connected". */
export const ADDRESS = '5550100';

/** Simulated line devices for many calls up at once: `count` devices with `appearances` call appearances each. */
export interface BenchLines {
  devices: number;
  appearances: number;
}

export function benchLines({ devices, appearances }: BenchLines): SimulatorLineConfig[] {
  return Array.from({ length: devices }, (_, i) => ({ name: `Bench Trunk ${i + 1}`, maxActiveCalls: appearances }));
}

// ---- through lib/tapi -------------------------------------------------------------------------------

export interface LibSetup {
  tapi: Tapi;
  lines: Line[];
}

/** lib/tapi on `kind`; the simulator's default lines unless `lines` is given; every line opened as owner. */
export async function libSetup(kind: ProviderKind, lines?: BenchLines): Promise<LibSetup> {
  const tapi =
    kind === 'simulator'
      ? await openTapi({ provider: 'simulator', simulator: { timeScale: 0, ...(lines ? { lines: benchLines(lines) } : {}) } })
      : await openTapi({ provider: 'win32', libraryPath: fakeLibraryPath, appName: 'bench' });
  const n = lines?.devices ?? 1;
  const opened: Line[] = [];
  for (let d = 0; d < n; d++) opened.push(await tapi.openLine(d, { privileges: 'owner' }));
  return { tapi, lines: opened };
}

/** One complete call through the model. */
export async function libCall(line: Line): Promise<void> {
  const call = await line.makeCall(ADDRESS);
  await call.waitFor(['connected']);
  await call.drop();
  await call.waitFor(['idle']);
  call.deallocate();
}

/** A call brought up to connected and left there (heap figure). */
export async function libCallUp(line: Line): Promise<Call> {
  const call = await line.makeCall(ADDRESS);
  await call.waitFor(['connected']);
  return call;
}

// ---- raw, at the seam ---------------------------------------------------------------------------------

interface RawCall {
  hCall: number;
  hold: boolean;
  dropReplied: boolean;
  idle: boolean;
  done: () => void;
}

export class RawDriver {
  readonly provider: LineProvider;
  readonly hLines: number[] = [];
  private readonly replies = new Map<number, (m: LineMessage) => void>();
  private readonly early = new Map<number, LineMessage>();
  private readonly calls = new Map<number, RawCall>();
  private readonly stray = new Map<number, number[]>();
  /** Calls that reached connected while held (heap figure). */
  connected = 0;

  constructor(provider: LineProvider) {
    this.provider = provider;
  }

  static async create(kind: ProviderKind, lines?: BenchLines): Promise<RawDriver> {
    let provider: LineProvider;
    if (kind === 'simulator') {
      const { SimulatorProvider } = require('../../lib/tapi/providers/simulator') as typeof import('../../lib/tapi/providers/simulator');
      provider = new SimulatorProvider({ timeScale: 0, ...(lines ? { lines: benchLines(lines) } : {}) });
    } else {
      const { Win32Provider } = require('../../lib/tapi/providers/win32') as typeof import('../../lib/tapi/providers/win32');
      provider = new Win32Provider({ libraryPath: fakeLibraryPath, appName: 'bench-raw' });
    }
    const driver = new RawDriver(provider);
    provider.initialize('bench-raw', driver.onMessage);
    const n = lines?.devices ?? 1;
    for (let d = 0; d < n; d++) {
      const version = provider.negotiateApiVersion(d, DEFAULT_API_VERSIONS.low, DEFAULT_API_VERSIONS.high);
      driver.hLines.push(provider.open(d, version, d + 1, LINECALLPRIVILEGE.OWNER, LINEMEDIAMODE.INTERACTIVEVOICE));
    }
    return driver;
  }

  private readonly onMessage = (m: LineMessage): void => {
    if (m.messageId === LINE_MESSAGE.LINE_REPLY) {
      const cb = this.replies.get(m.param1);
      if (cb) {
        this.replies.delete(m.param1);
        cb(m);
      } else {
        this.early.set(m.param1, m);
      }
    } else if (m.messageId === LINE_MESSAGE.LINE_CALLSTATE) {
      const call = this.calls.get(m.hDevice);
      if (call) this.onState(call, m.param1);
      else {
        let list = this.stray.get(m.hDevice);
        if (!list) this.stray.set(m.hDevice, (list = []));
        list.push(m.param1);
      }
    }
  };

  private onReply(id: number, cb: (m: LineMessage) => void): void {
    const early = this.early.get(id);
    if (early) {
      this.early.delete(id);
      cb(early);
    } else {
      this.replies.set(id, cb);
    }
  }

  private onState(call: RawCall, state: number): void {
    if (state === LINECALLSTATE.CONNECTED) {
      if (call.hold) {
        this.connected++;
        call.done();
        return;
      }
      const id = this.provider.drop(call.hCall);
      this.onReply(id, () => {
        call.dropReplied = true;
        this.maybeDone(call);
      });
    } else if (state === LINECALLSTATE.IDLE) {
      call.idle = true;
      this.maybeDone(call);
    }
  }

  private maybeDone(call: RawCall): void {
    if (!call.dropReplied || !call.idle) return;
    this.provider.deallocateCall(call.hCall);
    this.calls.delete(call.hCall);
    call.done();
  }

  /** One complete call (hold: stop at connected and keep the handle). */
  call(hLine: number, hold = false): Promise<void> {
    return new Promise((resolve, reject) => {
      const id = this.provider.makeCall(hLine, ADDRESS, 0, null);
      this.onReply(id, (m) => {
        const result = m.param2 | 0;
        if (result !== 0 || !m.newCall) {
          reject(new Error(`lineMakeCall failed: 0x${(result >>> 0).toString(16)}`));
          return;
        }
        const call: RawCall = { hCall: m.newCall, hold, dropReplied: false, idle: false, done: resolve };
        this.calls.set(call.hCall, call);
        const stray = this.stray.get(call.hCall);
        if (stray) {
          this.stray.delete(call.hCall);
          for (const s of stray) this.onState(call, s);
        }
      });
    });
  }

  shutdown(): void {
    this.provider.shutdown();
  }
}

// ---- load shapes -------------------------------------------------------------------------------------

/** `total` calls, `concurrency` in flight at any time; resolves with the seconds taken. */
export async function closedLoop(total: number, concurrency: number, one: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const t0 = process.hrtime.bigint();
  const worker = async () => {
    while (next < total) await one(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/** `count` calls started at once (all up together), each run to its end; seconds taken. */
export async function burst(count: number, one: (i: number) => Promise<void>): Promise<number> {
  const t0 = process.hrtime.bigint();
  const all: Promise<void>[] = new Array(count);
  for (let i = 0; i < count; i++) all[i] = one(i);
  await Promise.all(all);
  return Number(process.hrtime.bigint() - t0) / 1e9;
}
