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
    loadFakeControl().presentIncomingCall(options.deviceId ?? 0, options.callerId, options.callerIdName, options.calledId);
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
  reset: () => {
    const fake = loadFakeControl();
    fake.reset();
    fake.setTimeScale(0);
  },
};
