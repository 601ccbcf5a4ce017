// How a SIP call ends, on both sides: the far end or the network ends it (DISCONNECTED with a mode and, for
// the call info, what SIP said), or we end it (lineDrop, lineClose, lineShutdown): CANCEL an INVITE still
// ringing out, 486 an incoming one that was not answered, BYE a dialog. Either way the media stops.
import { LINECALLINFOSTATE, LINECALLSTATE as S, LINEGENERATETERM, LINE_MESSAGE } from '../../constants';
import type { SipCall } from './sip-call';
import type { SipSession } from './session';
import { printable } from './sip-text';

/** Frees the call's media and timers; the signalling objects stay until hangUp / the call goes away. */
export function releaseMedia(session: SipSession | undefined, call: SipCall): void {
  for (const t of call.timers) session?.clock.clearTimeout(t);
  call.timers.clear();
  if (call.noAnswerTimer) session?.clock.clearTimeout(call.noAnswerTimer);
  call.noAnswerTimer = undefined;
  const g = call.generation;
  call.generation = undefined;
  if (g && !g.cancelled) {
    g.cancelled = true;
    session?.callMessage(g.handle, LINE_MESSAGE.LINE_GENERATE, LINEGENERATETERM.CANCEL, 0, session.tick());
  }
  call.rtp?.close();
  call.rtp = undefined;
}

/** Sets the call info's comment (and more) and tells the handles (LINE_CALLINFO) before the state that explains it. */
export function noteCallInfo(session: SipSession, call: SipCall, comment: string, changed: number = LINECALLINFOSTATE.OTHER): void {
  call.comment = printable(comment, 160);
  session.toCall(call, LINE_MESSAGE.LINE_CALLINFO, changed, 0, 0);
}

/** The far end or the network ended the call. Ignored when it is already over. */
export function disconnect(session: SipSession, call: SipCall, mode: number, comment?: string): void {
  if (call.state === S.IDLE || call.state === S.DISCONNECTED) return;
  hangUp(call, false);
  releaseMedia(session, call);
  if (comment !== undefined) noteCallInfo(session, call, comment);
  session.setState(call, S.DISCONNECTED, mode);
}

/**
 * Ends the SIP side of the call. `active`: we hang up (CANCEL / 486 / BYE); otherwise the far end already did
 * and only the references go.
 */
export function hangUp(call: SipCall, active = true): void {
  const { outgoing, incoming, dialog } = call;
  call.outgoing = undefined;
  call.incoming = undefined;
  call.dialog = undefined;
  if (!active) return;
  if (dialog) {
    if (!dialog.terminated) dialog.bye().catch(() => undefined);
  } else if (outgoing) {
    outgoing.cancel();
  } else if (incoming && !call.answering) {
    incoming.reject(486, 'Busy Here');
  }
  // answering (200 sent, no ACK yet): sip-incoming.ts sends the BYE when the ACK arrives (call.incoming is gone).
}
