// The fake winmm (test/fake-winmm, built by scripts/build-fake-tapi32.js) and typed wrappers for its test
// controls (fake_winmm_*). The win32 provider under test loads the same library (winmmPath): koffi loads a path
// once per process, so both see one fake.
import path from 'node:path';
import fs from 'node:fs';
import { mulaw, alaw } from 'alawmulaw';

/** $FAKE_WINMM_PATH when set (under Wine a Z:\\... path to the mingw-w64 build), else the Linux build. */
export const fakeWinmmPath = process.env.FAKE_WINMM_PATH || path.resolve(__dirname, '..', '..', '..', 'test', 'fake-winmm', 'libwinmm.so');

export function fakeWinmmAvailable(): boolean {
  return fs.existsSync(fakeWinmmPath);
}

export interface WinmmOutstanding {
  openOut: number;
  openIn: number;
  prepared: number;
  queued: number;
  misuse: number;
  underruns: number;
  queries: number;
  opens: number;
  lastOpenFlags: number;
  droppedIn: number;
  gapNs: number;
}

export interface CapturedFrame {
  startNs: bigint;
  endNs: bigint;
  bytes: number;
  /** WAVE_FORMAT_* tag it was played in: 1 PCM, 6 A-law, 7 µ-law. */
  tag: number;
}

export type Encoding = 'pcm16' | 'mulaw' | 'alaw';
const TAGS: Record<Encoding, number> = { pcm16: 1, alaw: 6, mulaw: 7 };

export interface FakeWinmm {
  reset(): void;
  /** The formats WAVE_FORMAT_QUERY and open accept (8 kHz mono). */
  acceptFormats(encodings: Encoding[]): void;
  setDeviceCount(out: number, input: number): void;
  /** Another application holds the device (MMSYSERR_ALLOCATED). */
  holdDevice(direction: 'out' | 'in', id: number, on: boolean): void;
  outstanding(): WinmmOutstanding;
  frames(id: number): CapturedFrame[];
  /** What output device `id` played, decoded to 16-bit PCM frame by frame (by each frame's format). */
  played(id: number): Int16Array;
  /** The far end speaks into input device `id` (8 kHz samples). */
  feed(id: number, pcm: Int16Array): void;
  nowNs(): bigint;
}

let control: FakeWinmm | undefined;

export function loadFakeWinmm(): FakeWinmm {
  if (control) return control;
  const koffi = require('koffi') as typeof import('koffi');
  const lib = koffi.load(fakeWinmmPath);
  const Outstanding = koffi.struct({
    open_out: 'uint32_t',
    open_in: 'uint32_t',
    prepared: 'uint32_t',
    queued: 'uint32_t',
    misuse: 'uint32_t',
    underruns: 'uint32_t',
    queries: 'uint32_t',
    opens: 'uint32_t',
    last_open_flags: 'uint32_t',
    dropped_in: 'uint32_t',
    gap_ns: 'uint64_t',
  });
  const f = {
    reset: lib.func('void fake_winmm_reset(void)'),
    accept: lib.func('void fake_winmm_accept_formats(uint32_t)'),
    count: lib.func('void fake_winmm_set_device_count(uint32_t, uint32_t)'),
    hold: lib.func('void fake_winmm_hold_device(int32_t, uint32_t, int32_t)'),
    outstanding: lib.func('fake_winmm_outstanding', 'void', [koffi.out(koffi.pointer(Outstanding))]),
    captured: lib.func('uint32_t fake_winmm_captured(uint32_t, _Out_ uint8_t *buf, uint32_t size)'),
    nframes: lib.func('uint32_t fake_winmm_capture_frames(uint32_t)'),
    frame: lib.func('int32_t fake_winmm_capture_frame(uint32_t, uint32_t, _Out_ uint64_t *out4)'),
    feed: lib.func('int32_t fake_winmm_feed(uint32_t, int16_t *pcm, uint32_t count)'),
    now: lib.func('uint64_t fake_winmm_now_ns(void)'),
  };
  const frames = (id: number): CapturedFrame[] => {
    const n = f.nframes(id) >>> 0;
    const out: CapturedFrame[] = [];
    for (let i = 0; i < n; i++) {
      const v = new BigUint64Array(4);
      if ((f.frame(id, i, v) | 0) !== 0) break;
      out.push({ startNs: v[0], endNs: v[1], bytes: Number(v[2]), tag: Number(v[3]) });
    }
    return out;
  };
  control = {
    reset: () => f.reset(),
    acceptFormats: (encodings) => f.accept(encodings.reduce((m, e) => m | (1 << TAGS[e]), 0)),
    setDeviceCount: (out, input) => f.count(out, input),
    holdDevice: (direction, id, on) => f.hold(direction === 'in' ? 1 : 0, id, on ? 1 : 0),
    outstanding: () => {
      const o: Record<string, number | bigint> = {};
      f.outstanding(o);
      return {
        openOut: Number(o.open_out),
        openIn: Number(o.open_in),
        prepared: Number(o.prepared),
        queued: Number(o.queued),
        misuse: Number(o.misuse),
        underruns: Number(o.underruns),
        queries: Number(o.queries),
        opens: Number(o.opens),
        lastOpenFlags: Number(o.last_open_flags),
        droppedIn: Number(o.dropped_in),
        gapNs: Number(o.gap_ns),
      };
    },
    frames,
    played: (id) => {
      // The device thread goes on playing while we read: take the frame list first, then the bytes (which then
      // hold at least what those frames describe), and ignore a frame the bytes do not cover yet.
      const list = frames(id);
      const total = f.captured(id, null, 0) >>> 0;
      const bytes = Buffer.alloc(total);
      if (total) f.captured(id, bytes, total);
      const parts: Int16Array[] = [];
      let at = 0;
      for (const fr of list) {
        if (at + fr.bytes > total) break;
        const chunk = new Uint8Array(bytes.buffer, bytes.byteOffset + at, fr.bytes);
        at += fr.bytes;
        if (fr.tag === 7) parts.push(mulaw.decode(chunk));
        else if (fr.tag === 6) parts.push(alaw.decode(chunk));
        else parts.push(new Int16Array(Uint8Array.from(chunk).buffer, 0, fr.bytes >> 1));
      }
      const pcm = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
      let o = 0;
      for (const p of parts) {
        pcm.set(p, o);
        o += p.length;
      }
      return pcm;
    },
    feed: (id, pcm) => {
      if ((f.feed(id, pcm, pcm.length) | 0) !== 0) throw new Error(`fake_winmm_feed(${id}) failed`);
    },
    nowNs: () => BigInt(f.now()),
  };
  return control;
}
