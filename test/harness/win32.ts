// The win32 provider under test: koffi against the ABI-exact fake Tapi32 (test/fake-tapi32).
// On Windows the same suite could run against the real Tapi32.dll with a real TSP; these controls
// need the fake, so the harness reports itself unavailable there.
import type { Tapi } from '../../lib/tapi';
import { fakeAvailable, fakeLibraryPath, loadFakeControl } from '../helpers/fake-tapi32';
import type { ProviderHarness } from './types';

export const win32Harness: ProviderHarness = {
  name: 'win32 (koffi + fake Tapi32)',
  available: () => fakeAvailable(),
  tapiOptions: () => ({ provider: 'win32', libraryPath: fakeLibraryPath, appName: 'contract suite' }),
  presentIncomingCall: (_tapi: Tapi, options) => {
    loadFakeControl().presentIncomingCall(options.deviceId ?? 0, options.callerId, options.callerIdName, options.calledId, options.digits);
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
  // Issue 12's far end: the fake's controls by the names and shapes of tapi.simulator's.
  remoteDigits: (_tapi, call, digits, options) => loadFakeControl().remoteDigits(call.handle, digits, options),
  generated: (_tapi, call) => loadFakeControl().generated(call.handle),
  remoteTone: (_tapi, call, frequencies) => loadFakeControl().remoteTone(call.handle, frequencies),
  remoteMedia: (_tapi, call, mediaMode) => loadFakeControl().remoteMedia(call.handle, mediaMode),
  reset: () => {
    const fake = loadFakeControl();
    // The previous test (if any) must not have misused the ABI: the fake counts it until reset.
    const misuse = fake.outstanding().misuse;
    if (misuse !== 0) throw new Error(`the previous contract test caused ${misuse} ABI misuse(s) in the fake Tapi32`);
    fake.reset();
    fake.setTimeScale(0);
  },
};
