// The fake Tapi32 (test/fake-tapi32, built by scripts/build-fake-tapi32.js) and typed wrappers for its
// test-control exports (fake_*). The same library is loaded by the win32 provider under test: koffi
// loads a path once per process, so both see the same state.
import path from 'node:path';
import fs from 'node:fs';
import { LINEERR, LINEDISCONNECTMODE } from '../../lib/tapi/constants';

/** Absolute path of the fake (compiled files live in dist/test/helpers; the library stays in test/). */
export const fakeLibraryPath = path.resolve(__dirname, '..', '..', '..', 'test', 'fake-tapi32', 'libtapi32.so');

export function fakeAvailable(): boolean {
  return process.platform !== 'win32' && fs.existsSync(fakeLibraryPath);
}

export interface FakeOutstanding {
  apps: number;
  lines: number;
  calls: number;
  requests: number;
  messages: number;
  misuse: number;
}

export interface FakeControl {
  setTimeScale(scale: number): void;
  /** The HCALL given to the owner (0 when no line owns it). */
  presentIncomingCall(deviceId: number, callerId?: string | null, callerName?: string | null, calledId?: string | null): number;
  remoteHangup(hCall: number, disconnectMode?: number | string): number;
  remoteDigits(hCall: number, digits: string): number;
  triggerReinit(): void;
  forceLineClose(hLine: number): number;
  /** `lineErr` as a LINEERR name ('LINEERR_RESOURCEUNAVAIL' or 'RESOURCEUNAVAIL') or value. */
  failNext(functionName: string, lineErr: string | number, async: boolean): void;
  replyBeforeReturn(on?: boolean): void;
  replySignExtend(on: boolean): void;
  /** While on, accepted async requests stay pending (no LINE_REPLY); off releases them. */
  holdReplies(on: boolean): void;
  outstanding(): FakeOutstanding;
  /** The raw LINECALLPARAMS bytes received by the last lineMakeCallW (empty when it had none). */
  lastCallParams(): Uint8Array;
  /** The destination received by the last lineMakeCallW (null when it was NULL). */
  lastDestAddress(): string | null;
  setLineName(deviceId: number, name: string | null): number;
  postBurst(hLineApp: number, count: number): number;
  /** The next `count` calls of `functionName` (lineGetMessage, lineShutdown) fail with `lineErr`; 0 disarms. */
  failTimes(functionName: 'lineGetMessage' | 'lineShutdown', count: number, lineErr: string | number): void;
  /** How many calls of `functionName` an armed failTimes fault has failed since the last reset. */
  faultHits(functionName: string): number;
  reset(): void;
}

let control: FakeControl | undefined;

function lineErrValue(e: string | number): number {
  if (typeof e === 'number') return e | 0;
  const bare = e.startsWith('LINEERR_') ? e.slice(8) : e;
  const value = (LINEERR as Record<string, number>)[bare];
  if (value === undefined) throw new Error(`unknown LINEERR ${e}`);
  return value | 0;
}

/** koffi bindings of the fake_* exports (loads koffi; the fake must have been built). */
export function loadFakeControl(): FakeControl {
  if (control) return control;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const koffi = require('koffi') as typeof import('koffi');
  const lib = koffi.load(fakeLibraryPath);
  const Outstanding = koffi.struct({
    apps: 'uint32_t',
    lines: 'uint32_t',
    calls: 'uint32_t',
    requests: 'uint32_t',
    messages: 'uint32_t',
    misuse: 'uint32_t',
  });
  const f = {
    setTimeScale: lib.func('void fake_set_time_scale(double)'),
    present: lib.func('uint32_t fake_present_incoming_call(uint32_t, str16, str16, str16)'),
    hangup: lib.func('int32_t fake_remote_hangup(uint32_t, uint32_t)'),
    digits: lib.func('int32_t fake_remote_digits(uint32_t, str16)'),
    reinit: lib.func('void fake_trigger_reinit(void)'),
    forceClose: lib.func('int32_t fake_force_line_close(uint32_t)'),
    failNext: lib.func('void fake_fail_next(str, int32_t, int32_t)'),
    replyBefore: lib.func('void fake_reply_before_return(int32_t)'),
    signExtend: lib.func('void fake_reply_sign_extend(int32_t)'),
    hold: lib.func('void fake_hold_replies(int32_t)'),
    outstanding: lib.func('fake_outstanding', 'void', [koffi.out(koffi.pointer(Outstanding))]),
    lastParams: lib.func('uint32_t fake_last_call_params(_Out_ uint8_t *buf, uint32_t size)'),
    lastDest: lib.func('int32_t fake_last_dest_address(void *buf, uint32_t units)'),
    setName: lib.func('int32_t fake_set_line_name(uint32_t, str16)'),
    burst: lib.func('int32_t fake_post_burst(uint32_t, uint32_t)'),
    reset: lib.func('void fake_reset(void)'),
    failTimes: lib.func('void fake_fail_times(str, uint32_t, int32_t)'),
    faultHits: lib.func('uint32_t fake_fault_hits(str)'),
  };
  control = {
    setTimeScale: (scale) => f.setTimeScale(scale),
    presentIncomingCall: (deviceId, callerId, callerName, calledId) => f.present(deviceId, callerId ?? null, callerName ?? null, calledId ?? null) >>> 0,
    remoteHangup: (hCall, mode = 'NORMAL') => {
      const value = typeof mode === 'number' ? mode : (LINEDISCONNECTMODE as Record<string, number>)[mode.toUpperCase()];
      if (value === undefined) throw new Error(`unknown disconnect mode ${String(mode)}`);
      return f.hangup(hCall >>> 0, value) | 0;
    },
    remoteDigits: (hCall, digits) => f.digits(hCall >>> 0, digits) | 0,
    triggerReinit: () => f.reinit(),
    forceLineClose: (hLine) => f.forceClose(hLine >>> 0) | 0,
    failNext: (fn, lineErr, async) => f.failNext(fn, lineErrValue(lineErr), async ? 1 : 0),
    replyBeforeReturn: (on = true) => f.replyBefore(on ? 1 : 0),
    replySignExtend: (on) => f.signExtend(on ? 1 : 0),
    holdReplies: (on) => f.hold(on ? 1 : 0),
    outstanding: () => {
      const out: Record<string, number> = {};
      f.outstanding(out);
      return out as unknown as FakeOutstanding;
    },
    lastCallParams: () => {
      const size = f.lastParams(null, 0) >>> 0;
      const buf = Buffer.alloc(size);
      if (size) f.lastParams(buf, size);
      return new Uint8Array(buf);
    },
    lastDestAddress: () => {
      const buf = Buffer.alloc(2 * 4096);
      const n = f.lastDest(buf, 4096) | 0;
      if (n < 0) return null;
      return buf.subarray(0, n * 2).toString('utf16le');
    },
    setLineName: (deviceId, name) => f.setName(deviceId, name) | 0,
    postBurst: (hLineApp, count) => f.burst(hLineApp >>> 0, count >>> 0) | 0,
    failTimes: (fn, count, lineErr) => f.failTimes(fn, count >>> 0, lineErrValue(lineErr)),
    faultHits: (fn) => f.faultHits(fn) >>> 0,
    reset: () => f.reset(),
  };
  return control;
}
