// The fake Tapi32 (test/fake-tapi32, built by scripts/build-fake-tapi32.js) and typed wrappers for its
// test-control exports (fake_*). The same library is loaded by the win32 provider under test: koffi
// loads a path once per process, so both see the same state.
import path from 'node:path';
import fs from 'node:fs';
import { LINEERR, LINEDISCONNECTMODE, LINEDIGITMODE, LINEMEDIAMODE, LINETONEMODE, nameOf } from '../../lib/tapi/constants';
import type { GeneratedSignals, RemoteDigitsOptions } from '../../lib/tapi/providers/simulator/options';

/**
 * The fake to load: $FAKE_TAPI32_PATH when set (any platform; under Wine a Z:\\... path to the mingw-w64
 * build), else the Linux build (compiled files live in dist/test/helpers; the library stays in test/).
 */
export const fakeLibraryPath =
  process.env.FAKE_TAPI32_PATH || path.resolve(__dirname, '..', '..', '..', 'test', 'fake-tapi32', 'libtapi32.so');

export function fakeAvailable(): boolean {
  return fs.existsSync(fakeLibraryPath);
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
  /**
   * The HCALL given to the owner (0 when no line owns it). `digits`: the caller presses them (DTMF) 1 s after
   * the call is answered, 500 ms apart, as the simulator's presentIncomingCall({ digits }).
   */
  presentIncomingCall(
    deviceId: number,
    callerId?: string | null,
    callerName?: string | null,
    calledId?: string | null,
    digits?: string | null,
  ): number;
  remoteHangup(hCall: number, disconnectMode?: number | string): number;
  // Issue 12's far end, by the names and shapes of tapi.simulator's controls (target = an HCALL or a call id).
  /** The far end presses keys (interDigitMs default 100; 0 = all at once, one message batch). */
  remoteDigits(target: number, digits: string, options?: RemoteDigitsOptions): void;
  /** What our side generated on the call: digits completely sent, and tones. */
  generated(target: number): GeneratedSignals;
  /** The far end plays a tone of these frequencies (Hz). */
  remoteTone(target: number, frequencies: number[]): void;
  /** The far end's media is detected as `mediaMode` (a LINEMEDIAMODE name or bit). */
  remoteMedia(target: number, mediaMode: number | string): void;
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
  /** Event waits registered with the fake's RegisterWaitForSingleObject and not yet released (0 on Windows: kernel32's are used). */
  waitCount(): number;
  /** The next `count` calls of `functionName` (lineGetMessage, lineShutdown) fail with `lineErr`; 0 disarms. */
  failTimes(functionName: 'lineGetMessage' | 'lineShutdown', count: number, lineErr: string | number): void;
  /** How many calls of `functionName` an armed failTimes fault has failed since the last reset. */
  faultHits(functionName: string): number;
  /** The winmm ids lineGetIDW gives for the call's wave/out and wave/in now (null on a line without wave devices). */
  waveIds(hCall: number): { out: number; in: number } | null;
  /** The winmm ids lineGetIDW gives for line `deviceId` from now on (a wave device that moved). */
  setWaveIds(deviceId: number, out: number, input: number): void;
  reset(): void;
}

let control: FakeControl | undefined;

/** A control's return code: >= 0 passes through, a LINEERR becomes an Error naming the control. */
function controlled(name: string, rc: number): number {
  if ((rc | 0) < 0) throw new Error(`fake ${name} failed: 0x${(rc >>> 0).toString(16)}`);
  return rc | 0;
}

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
    present: lib.func('uint32_t fake_present_incoming_call(uint32_t, str16, str16, str16, str16)'),
    hangup: lib.func('int32_t fake_remote_hangup(uint32_t, uint32_t)'),
    digits: lib.func('int32_t fake_remote_digits(uint32_t, str16, double, uint32_t)'),
    generatedDigits: lib.func('int32_t fake_generated_digits(uint32_t, _Out_ uint16_t *buf, uint32_t units)'),
    generatedTone: lib.func('int32_t fake_generated_tone(uint32_t, uint32_t, _Out_ uint32_t *out7)'),
    remoteTone: lib.func('int32_t fake_remote_tone(uint32_t, uint32_t *frequencies, uint32_t count)'),
    remoteMedia: lib.func('int32_t fake_remote_media(uint32_t, uint32_t)'),
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
    waitCount: lib.func('uint32_t fake_wait_count(void)'),
    reset: lib.func('void fake_reset(void)'),
    waveIds: lib.func('int32_t fake_call_wave_ids(uint32_t, _Out_ uint32_t *out, _Out_ uint32_t *in)'),
    setWaveIds: lib.func('int32_t fake_set_wave_ids(uint32_t, uint32_t, uint32_t)'),
    failTimes: lib.func('void fake_fail_times(str, uint32_t, int32_t)'),
    faultHits: lib.func('uint32_t fake_fault_hits(str)'),
  };
  control = {
    setTimeScale: (scale) => f.setTimeScale(scale),
    presentIncomingCall: (deviceId, callerId, callerName, calledId, digits) => {
      if (digits !== undefined && digits !== null && !/^[0-9A-Da-d*#]*$/.test(digits))
        throw new Error('presentIncomingCall: digits are 0-9 A-D * #');
      return f.present(deviceId, callerId ?? null, callerName ?? null, calledId ?? null, digits || null) >>> 0;
    },
    remoteHangup: (hCall, mode = 'NORMAL') => {
      const value = typeof mode === 'number' ? mode : (LINEDISCONNECTMODE as Record<string, number>)[mode.toUpperCase()];
      if (value === undefined) throw new Error(`unknown disconnect mode ${String(mode)}`);
      return f.hangup(hCall >>> 0, value) | 0;
    },
    remoteDigits: (target, digits, options = {}) => {
      if (typeof digits !== 'string' || !/^[0-9A-Da-d*#]+$/.test(digits)) throw new Error('remoteDigits: digits are 0-9 A-D * #');
      const interval = options.interDigitMs ?? 100;
      if (typeof interval !== 'number' || !(interval >= 0)) throw new Error('remoteDigits: interDigitMs must be >= 0');
      const mode = options.mode ?? 'dtmf';
      if (mode !== 'dtmf' && mode !== 'pulse') throw new Error("remoteDigits: mode is 'dtmf' or 'pulse'");
      controlled('remoteDigits', f.digits(target >>> 0, digits, interval, mode === 'pulse' ? LINEDIGITMODE.PULSE : LINEDIGITMODE.DTMF));
    },
    generated: (target) => {
      const buf = new Uint16Array(257);
      const n = controlled('generated', f.generatedDigits(target >>> 0, buf, buf.length));
      const digits = String.fromCharCode(...buf.subarray(0, Math.min(n, 256)));
      const tones: GeneratedSignals['tones'] = [];
      for (let i = 0; ; i++) {
        const out = new Uint32Array(7);
        if ((f.generatedTone(target >>> 0, i, out) | 0) !== 0) break;
        const [mode, durationMs, nfreq, f1, f2, f3, ended] = out;
        const tone: GeneratedSignals['tones'][number] = {
          tone: (nameOf(LINETONEMODE, mode) ?? 'custom').toLowerCase(),
          frequencies: [f1, f2, f3].slice(0, nfreq),
          durationMs,
        };
        if (ended) tone.ended = ended === 1 ? 'done' : 'cancel';
        tones.push(tone);
      }
      return { digits, tones };
    },
    remoteTone: (target, frequencies) => {
      if (!Array.isArray(frequencies) || frequencies.some((x) => typeof x !== 'number' || !(x >= 0)))
        throw new Error('remoteTone: frequencies are Hz values >= 0');
      controlled('remoteTone', f.remoteTone(target >>> 0, new Uint32Array(frequencies), frequencies.length));
    },
    remoteMedia: (target, mediaMode) => {
      const bit = typeof mediaMode === 'number' ? mediaMode : (LINEMEDIAMODE as Record<string, number>)[String(mediaMode).toUpperCase()];
      if (!bit) throw new Error(`remoteMedia: "${String(mediaMode)}" is not one LINEMEDIAMODE`);
      controlled('remoteMedia', f.remoteMedia(target >>> 0, bit));
    },
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
    waitCount: () => f.waitCount() >>> 0,
    failTimes: (fn, count, lineErr) => f.failTimes(fn, count >>> 0, lineErrValue(lineErr)),
    faultHits: (fn) => f.faultHits(fn) >>> 0,
    waveIds: (hCall) => {
      const out = new Uint32Array(1);
      const input = new Uint32Array(1);
      if ((f.waveIds(hCall >>> 0, out, input) | 0) !== 0) return null;
      return { out: out[0], in: input[0] };
    },
    setWaveIds: (deviceId, out, input) => {
      controlled('setWaveIds', f.setWaveIds(deviceId, out, input));
    },
    reset: () => f.reset(),
  };
  return control;
}
