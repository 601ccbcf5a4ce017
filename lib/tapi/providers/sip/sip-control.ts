// The SIP side of call control, after the seam's checks (sip-seam-control.ts) queued nothing yet:
// hold / unhold (re-INVITE with a=sendonly / a=sendrecv; the LINE_REPLY waits for its answer; unhold of an
// ONHOLDPENDTRANSFER call first ends its consultation call), blind transfer
// (REFER; the reply waits for the transfer's outcome, then BYE and IDLE), redirect (302 with the target).
import { LINECALLSTATE as S, LINEERR } from '../../constants';
import { hangUp, noteCallInfo, releaseMedia } from './call-end';
import { abandonConsultation } from './sip-transfer';
import type { SipCall } from './sip-call';
import { connectedMode } from './sip-dialog-events';
import type { PendingReply, SipSession } from './session';

function up(session: SipSession, call: SipCall): boolean {
  return session.calls.has(call) && (call.state === S.CONNECTED || call.state === S.ONHOLD || call.state === S.ONHOLDPENDTRANSFER);
}

/** lineHold (hold true) / lineUnhold: the re-INVITE's 2xx gives LINE_REPLY(0) then ONHOLD / CONNECTED. */
export function setHold(session: SipSession, call: SipCall, pending: PendingReply, hold: boolean): void {
  const dialog = call.dialog;
  const rtp = call.rtp;
  if (!dialog || !rtp) return pending.settle(LINEERR.OPERATIONFAILED);
  // lineUnhold of an ONHOLDPENDTRANSFER call abandons the transfer: the consultation call goes IDLE.
  if (!hold && call.state === S.ONHOLDPENDTRANSFER) abandonConsultation(session, call);
  call.busy = true;
  const offer = rtp.setDirection(hold ? 'sendonly' : 'sendrecv');
  const failed = (why: string) => {
    call.busy = false;
    if (call.rtp === rtp) rtp.setDirection(hold ? 'sendrecv' : 'sendonly');
    pending.settle(LINEERR.OPERATIONFAILED);
    if (up(session, call)) noteCallInfo(session, call, why);
  };
  dialog.reinvite(offer).then(
    (r) => {
      if (!up(session, call) || call.dialog !== dialog) {
        call.busy = false;
        return pending.settle(LINEERR.OPERATIONFAILED);
      }
      if (r.status < 200 || r.status >= 300) return failed(`re-INVITE (${hold ? 'hold' : 'unhold'}) answered SIP ${r.status} ${r.reason}`);
      call.busy = false;
      try {
        if (r.body.length > 0) rtp.acceptAnswer(r.body.toString('utf8'));
      } catch {
        // the direction we asked for stands; a broken answer does not undo the hold
      }
      pending.settle(0);
      session.setState(call, hold ? S.ONHOLD : S.CONNECTED, hold ? 0 : connectedMode(call));
    },
    (error: unknown) => failed(`re-INVITE failed: ${(error as Error)?.message ?? error}`),
  );
}

/** lineBlindTransfer: REFER to `uri`; a 2xx outcome gives LINE_REPLY(0), our BYE and IDLE. */
export function blindTransfer(session: SipSession, call: SipCall, pending: PendingReply, uri: string): void {
  const dialog = call.dialog;
  if (!dialog) return pending.settle(LINEERR.OPERATIONFAILED);
  call.busy = true;
  dialog.refer(uri).then(
    (result) => {
      call.busy = false;
      if (!up(session, call) || call.dialog !== dialog) return pending.settle(LINEERR.OPERATIONFAILED);
      if (result.status < 200 || result.status >= 300) {
        pending.settle(LINEERR.OPERATIONFAILED);
        return noteCallInfo(session, call, `transfer (REFER) failed: SIP ${result.status} ${result.reason}`);
      }
      pending.settle(0);
      hangUp(call);
      releaseMedia(session, call);
      session.setState(call, S.IDLE, 0);
    },
    (error: unknown) => {
      call.busy = false;
      pending.settle(LINEERR.OPERATIONFAILED);
      if (up(session, call)) noteCallInfo(session, call, `transfer (REFER) failed: ${(error as Error)?.message ?? error}`);
    },
  );
}

/** lineRedirect of an offering call (its LINE_REPLY is queued): 302 with the target, then IDLE. */
export function redirect(session: SipSession, call: SipCall, uri: string): void {
  const incoming = call.incoming;
  call.incoming = undefined;
  incoming?.redirect(uri);
  releaseMedia(session, call);
  session.setState(call, S.IDLE, 0);
}
