// The call's audio under test, per provider: what the far end heard (with the device's own timing), what it says,
// how time passes, and what the devices still hold. The simulator plays in simulated time (timeScale 0: no wall
// time passes); win32 over the fake Tapi32 + fake winmm plays in real time at the format's rate.
import type { OpenedTapi, Tapi } from '../../lib/tapi';
import { fakeWinmmAvailable, fakeWinmmPath, loadFakeWinmm } from '../helpers/fake-winmm';
import { loadFakeControl } from '../helpers/fake-tapi32';
import { simulatorHarness } from './simulator';
import type { ProviderHarness } from './types';
import { win32Harness } from './win32';

export interface HeardAudio {
  /** Everything our side played on the call, 16-bit at `sampleRate`, in order. */
  pcm: Int16Array;
  sampleRate: number;
  playedMs: number;
  /** Buffers (frames) that reached the device. */
  frames: number;
  /** From the start of the first frame to the end of the last, on the device's clock (ms). */
  spanMs: number;
}

export interface MediaHarness {
  base: ProviderHarness;
  name: string;
  available(): boolean;
  /** 'simulated': time is the exchange's (a 10 s prompt takes no wall time); 'real': frames play at their rate. */
  clock: 'simulated' | 'real';
  /** One wait step while polling for a condition: an event-loop turn (simulated) or a few ms (real). */
  turn(): Promise<void>;
  tapiOptions(): ReturnType<ProviderHarness['tapiOptions']>;
  heard(tapi: Tapi, call: { handle: number }): HeardAudio;
  /**
   * What the far end can hear of `pcm` where the path is lossy by design (G.711 on SIP: its companding round
   * trip); absent = the samples themselves.
   */
  heardAs?(pcm: Int16Array): Int16Array;
  /** How late the far end's speech reaches a recording (a jitter buffer's prefetch); absent = 0. */
  inputLatencyMs?: number;
  /** The far end speaks (8 kHz samples), from now on. */
  remoteAudio(tapi: Tapi, call: { handle: number }, pcm: Int16Array): void;
  /** What the wave devices still hold; null where the provider has no devices of its own (nothing to leak). */
  devices(): { open: number; prepared: number; misuse: number } | null;
  reset(): void;
}

function sim(tapi: Tapi) {
  const s = (tapi as OpenedTapi).simulator;
  if (!s) throw new Error('not a simulator-backed Tapi');
  return s;
}

export const simulatorMedia: MediaHarness = {
  base: simulatorHarness,
  name: 'simulator',
  available: () => true,
  clock: 'simulated',
  turn: () => new Promise((r) => setImmediate(r)),
  tapiOptions: () => simulatorHarness.tapiOptions(),
  heard: (tapi, call) => {
    const h = sim(tapi).heard(call.handle);
    // The simulator queues every frame right behind the previous one in simulated time: no gaps by construction.
    return { ...h, frames: Math.ceil(h.pcm.length / 160), spanMs: h.playedMs };
  },
  remoteAudio: (tapi, call, pcm) => sim(tapi).remoteAudio(call.handle, { pcm, sampleRate: 8000 }),
  devices: () => null,
  reset: () => undefined,
};

function waveIds(call: { handle: number }): { out: number; in: number } {
  const ids = loadFakeControl().waveIds(call.handle);
  if (!ids) throw new Error(`call 0x${call.handle.toString(16)} has no wave devices in the fake Tapi32`);
  return ids;
}

export const win32Media: MediaHarness = {
  base: win32Harness,
  name: 'win32 (koffi + fake Tapi32 + fake winmm)',
  available: () => win32Harness.available() && fakeWinmmAvailable(),
  clock: 'real',
  turn: () => new Promise((r) => setTimeout(r, 5)),
  tapiOptions: () => ({ ...win32Harness.tapiOptions(), winmmPath: fakeWinmmPath }),
  heard: (_tapi, call) => {
    const winmm = loadFakeWinmm();
    const id = waveIds(call).out;
    const frames = winmm.frames(id);
    const pcm = winmm.played(id);
    const spanMs = frames.length ? Number(frames[frames.length - 1].endNs - frames[0].startNs) / 1e6 : 0;
    return { pcm, sampleRate: 8000, playedMs: Math.round((pcm.length * 1000) / 8000), frames: frames.length, spanMs };
  },
  remoteAudio: (_tapi, call, pcm) => loadFakeWinmm().feed(waveIds(call).in, pcm),
  devices: () => {
    const o = loadFakeWinmm().outstanding();
    return { open: o.openOut + o.openIn, prepared: o.prepared, misuse: o.misuse };
  },
  reset: () => {
    win32Harness.reset();
    const winmm = loadFakeWinmm();
    const misuse = winmm.outstanding().misuse;
    if (misuse !== 0) throw new Error(`the previous media test caused ${misuse} misuse(s) of the fake winmm`);
    winmm.reset();
  },
};
