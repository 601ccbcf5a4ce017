// The win32 provider under test: koffi against the ABI-exact fake Tapi32 (test/fake-tapi32).
// On Windows the same suite could run against the real Tapi32.dll with a real TSP; these controls
// need the fake, so the harness reports itself unavailable there.
import type { Tapi } from '../../lib/tapi';
import { fakeAvailable, fakeLibraryPath, loadFakeControl } from '../helpers/fake-tapi32';
import type { ProviderHarness } from './types';

/**
 * Issue 12's far-end controls of the fake, by the same names as tapi.simulator's. Until the fake offers them
 * (the win32 half of issue 12), calling one fails with a clear message instead of a TypeError.
 */
interface FakeSignalControls {
  remoteDigits(hCall: number, digits: string, options?: { interDigitMs?: number; mode?: 'dtmf' | 'pulse' }): number;
  generated(hCall: number): ReturnType<ProviderHarness['generated']>;
  remoteTone(hCall: number, frequencies: number[]): number;
  remoteMedia(hCall: number, mediaMode: string): number;
}

function fakeSignal<K extends keyof FakeSignalControls>(name: K): FakeSignalControls[K] {
  const fake = loadFakeControl() as unknown as Partial<FakeSignalControls>;
  const control = fake[name];
  if (typeof control !== 'function') throw new Error(`the fake Tapi32 has no ${name} control yet (win32 half of issue 12)`);
  return control.bind(fake) as FakeSignalControls[K];
}

export const win32Harness: ProviderHarness = {
  name: 'win32 (koffi + fake Tapi32)',
  available: () => fakeAvailable(),
  tapiOptions: () => ({ provider: 'win32', libraryPath: fakeLibraryPath, appName: 'contract suite' }),
  presentIncomingCall: (_tapi: Tapi, options) => {
    const fake = loadFakeControl() as unknown as { presentIncomingCall(...args: unknown[]): number };
    // `digits` (issue 12) is the fake's fifth argument once the win32 half lands; older fakes ignore it.
    fake.presentIncomingCall(options.deviceId ?? 0, options.callerId, options.callerIdName, options.calledId, options.digits);
  },
  remoteHangup: (_tapi: Tapi, call, mode = 'NORMAL') => {
    const rc = loadFakeControl().remoteHangup(call.handle, mode);
    if (rc !== 0) throw new Error(`fake_remote_hangup failed: 0x${(rc >>> 0).toString(16)}`);
  },
  replyBeforeReturn: () => loadFakeControl().replyBeforeReturn(true),
  failNext: (_tapi: Tapi, fn, lineErr, async) => loadFakeControl().failNext(fn, lineErr, async),
  triggerReinit: () => loadFakeControl().triggerReinit(),
  forceLineClose: (_tapi: Tapi, hLine: number) => {
    const rc = loadFakeControl().forceLineClose(hLine);
    if (rc !== 0) throw new Error(`fake_force_line_close failed: 0x${(rc >>> 0).toString(16)}`);
  },
  outstanding: () => {
    const o = loadFakeControl().outstanding();
    return { lines: o.lines, calls: o.calls, requests: o.requests };
  },
  remoteDigits: (_tapi, call, digits, options) => {
    fakeSignal('remoteDigits')(call.handle, digits, options);
  },
  generated: (_tapi, call) => fakeSignal('generated')(call.handle),
  remoteTone: (_tapi, call, frequencies) => {
    fakeSignal('remoteTone')(call.handle, frequencies);
  },
  remoteMedia: (_tapi, call, mediaMode) => {
    fakeSignal('remoteMedia')(call.handle, mediaMode);
  },
  reset: () => {
    const fake = loadFakeControl();
    fake.reset();
    fake.setTimeScale(0);
  },
};
