// The simulated exchange as a provider under test.
import type { Tapi } from '../../lib/tapi';
import type { ProviderHarness } from './types';

function sim(tapi: Tapi): any {
  const s = tapi.simulator;
  if (!s) throw new Error('not a simulator-backed Tapi');
  return s;
}

export const simulatorHarness: ProviderHarness = {
  name: 'simulator',
  available: () => true,
  tapiOptions: () => ({ provider: 'simulator', simulator: { timeScale: 0 } }),
  presentIncomingCall: (tapi, options) => sim(tapi).presentIncomingCall(options),
  remoteHangup: (tapi, call, mode = 'NORMAL') => sim(tapi).remoteHangup(call.handle, mode),
  replyBeforeReturn: (tapi) => sim(tapi).replyBeforeReturn(true),
  failNext: (tapi, fn, lineErr, async) => sim(tapi).failNext(fn, lineErr, { async }),
  triggerReinit: (tapi) => sim(tapi).reinit(),
  forceLineClose: (tapi, hLine) => sim(tapi).forceClose(hLine),
  outstanding: (tapi) => {
    const o = sim(tapi).outstanding();
    return { lines: o.lines, calls: o.calls, requests: o.requests };
  },
  reset: () => undefined,
};
