// lineGenerateDigits on a SIP call: DTMF as RFC 4733 events on the RTP session, one digit after the other with
// the request's duration (the media session adds the same gap after each); "," pauses two seconds. When the
// far end negotiated no telephone-event, each digit goes as SIP INFO (application/dtmf-relay) instead.
// LINE_GENERATE(DONE) once every digit is out; a new request or lineGenerateDigits(NULL) ends the running one
// with LINE_GENERATE(CANCEL) at once.
import { LINEGENERATETERM, LINE_MESSAGE } from '../../constants';
import type { CallHandle, Generation, SipCall } from './sip-call';
import type { SipSession } from './session';

export const DEFAULT_DIGIT_MS = 100;
const PAUSE_MS = 2000;

/** Ends the running generation with CANCEL (nothing running: nothing happens). */
export function cancelGeneration(session: SipSession, call: SipCall): void {
  const g = call.generation;
  if (!g) return;
  call.generation = undefined;
  g.cancelled = true;
  session.callMessage(g.handle, LINE_MESSAGE.LINE_GENERATE, LINEGENERATETERM.CANCEL, 0, session.tick());
}

function pause(session: SipSession, call: SipCall, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = session.clock.setTimeout(() => {
      call.timers.delete(timer);
      resolve();
    }, ms);
    call.timers.add(timer);
  });
}

async function sendOne(call: SipCall, digit: string, ms: number): Promise<void> {
  const rtp = call.rtp;
  try {
    if (!rtp) throw new Error('no media');
    await rtp.sendDigits(digit, ms);
  } catch (error) {
    if (!call.dialog || call.rtp !== rtp) throw error;
    const r = await call.dialog.info('application/dtmf-relay', `Signal=${digit}\r\nDuration=${ms}\r\n`);
    if (r.status < 200 || r.status >= 300) throw new Error(`INFO answered ${r.status}`, { cause: error });
  }
}

export function generateDigits(session: SipSession, handle: CallHandle, digits: string, durationMs: number): void {
  const call = handle.call;
  cancelGeneration(session, call);
  const g: Generation = { handle, cancelled: false };
  call.generation = g;
  const ms = durationMs > 0 ? durationMs : DEFAULT_DIGIT_MS;
  const running = () => call.generation === g && !g.cancelled;
  void (async () => {
    for (const c of digits) {
      if (!running()) return;
      if (c === ',') await pause(session, call, PAUSE_MS);
      else await sendOne(call, c.toUpperCase(), ms);
    }
    if (!running()) return;
    call.generation = undefined;
    session.callMessage(handle, LINE_MESSAGE.LINE_GENERATE, LINEGENERATETERM.DONE, 0, session.tick());
  })().catch(() => {
    if (running()) cancelGeneration(session, call);
  });
}
