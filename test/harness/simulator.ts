// The simulated exchange as a provider under test.
import type { OpenedTapi, SimulatorControls, Tapi } from '../../lib/tapi';
import type { ProviderHarness } from './types';

function sim(tapi: Tapi): SimulatorControls {
  const s = (tapi as OpenedTapi).simulator;
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
  remoteDigits: (tapi, call, digits, options) => sim(tapi).remoteDigits(call.handle, digits, options),
  generated: (tapi, call) => sim(tapi).generated(call.handle),
  remoteTone: (tapi, call, frequencies) => sim(tapi).remoteTone(call.handle, frequencies),
  remoteMedia: (tapi, call, mediaMode) => sim(tapi).remoteMedia(call.handle, mediaMode),
  reset: () => undefined,
};
