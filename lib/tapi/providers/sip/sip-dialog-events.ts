// What the far end does inside an established call: BYE (DISCONNECTED(NORMAL)), a re-INVITE or UPDATE with a
// new offer (hold / resume from its side: answered from the RTP session, the TAPI state stays CONNECTED),
// INFO with a DTMF body and RFC 4733 events (the digit collector), the dialog ending on its own (session
// timer, 481: DISCONNECTED(UNKNOWN) with the reason).
//
// A REFER from the far end is never followed: the dial policy above the seam judges every destination, and a
// REFER would make us dial one it never saw. No handler is installed, so the user agent declines it (603).
import { LINECALLSTATE as S, LINEDISCONNECTMODE } from '../../constants';
import { disconnect } from './call-end';
import type { SipCall } from './sip-call';
import { digitFromInfo } from './sip-digits';
import type { SipSession } from './session';
import { REMOTE_BYE } from './status-map';
import type { SipDialog } from './ua-port';

/** Digits count on a call that is up (connected or held by us). */
function hearing(call: SipCall): boolean {
  return call.state === S.CONNECTED || call.state === S.ONHOLD;
}

export function attachDigits(call: SipCall): void {
  if (!call.rtp) return;
  call.rtp.onDigit = (digit) => {
    if (hearing(call)) call.digits.heard(digit);
  };
}

export function attachDialog(session: SipSession, call: SipCall, dialog: SipDialog): void {
  call.dialog = dialog;
  attachDigits(call);
  dialog.onBye = () => {
    if (call.dialog === dialog) disconnect(session, call, REMOTE_BYE.mode);
  };
  dialog.onTerminated = (reason) => {
    // The user agent ends the dialog before it reports the BYE that ended it: let onBye speak first.
    queueMicrotask(() => {
      if (call.dialog === dialog) disconnect(session, call, LINEDISCONNECTMODE.UNKNOWN, `SIP dialog ended: ${reason}`);
    });
  };
  dialog.onInfo = (contentType, body) => {
    const key = digitFromInfo(contentType, body);
    if (key !== undefined && call.dialog === dialog && hearing(call)) call.digits.heard(key);
  };
  dialog.onReinvite = (sdp, reply) => {
    const rtp = call.rtp;
    if (!rtp || call.dialog !== dialog) return reply(481);
    try {
      reply(200, sdp === '' ? rtp.createOffer() : rtp.acceptOffer(sdp));
    } catch (error) {
      const status = (error as { status?: number }).status;
      reply(status === 400 ? 400 : 488);
    }
  };
}
