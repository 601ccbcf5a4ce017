// Consultation (attended) transfer on a SIP line, after the seam's checks (sip-seam-control.ts):
//  * lineSetupTransfer: the call is held (re-INVITE a=sendonly, as lineHold); on the 2xx the LINE_REPLY carries
//    the consultation call (DIALTONE, dialled by lineDial like any call) and the held call is ONHOLDPENDTRANSFER.
//  * lineCompleteTransfer (TRANSFER): REFER in the held call's dialog, its Refer-To the consultation target with
//    a Replaces header naming the consultation dialog (RFC 3891, RFC 5589 §7): the transferee calls the target,
//    which swaps our consultation dialog for it. A 2xx outcome (final NOTIFY) gives LINE_REPLY(0), our BYEs on
//    both dialogs that are still up, and both calls IDLE (as on the simulator's switch).
//    Any other outcome: LINE_REPLY(LINEERR_OPERATIONFAILED) and both calls stay as they were — the transferee
//    has not left (it is still on hold with us), so the app can unhold it or try again.
import { LINECALLSTATE as S, LINEDIALTONEMODE, LINEERR } from '../../constants';
import { hangUp, noteCallInfo, releaseMedia } from './call-end';
import type { CallHandle, SipCall } from './sip-call';
import type { PendingReply, SipSession } from './session';

/** RFC 3261 §25.1 hvalue: unreserved, hnv-unreserved and escaped; everything else is %-escaped. */
export function escapeHeaderValue(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.!~*'()[\]/?:+$]/.test(c)) out += c;
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The Replaces value for the dialog, as the transfer target sees it: to-tag its tag, from-tag ours. */
export function replacesOf(dialog: { callId: string; localTag: string; remoteTag: string }): string {
  return `${dialog.callId};to-tag=${dialog.remoteTag};from-tag=${dialog.localTag}`;
}

/** `uri` with a `Replaces` URI header (RFC 3261 §19.1.1) for the Refer-To. */
export function referToWithReplaces(uri: string, replaces: string): string {
  const header = `Replaces=${escapeHeaderValue(replaces)}`;
  return uri.includes('?') ? `${uri}&${header}` : `${uri}?${header}`;
}

function held(session: SipSession, call: SipCall): boolean {
  return session.calls.has(call) && call.state === S.ONHOLDPENDTRANSFER;
}

/**
 * lineSetupTransfer of a CONNECTED call: hold re-INVITE; on its 2xx `createConsult` makes the consultation
 * call (owner handle on the same line), LINE_REPLY(newCall), ONHOLDPENDTRANSFER, DIALTONE.
 */
export function setupTransfer(session: SipSession, call: SipCall, pending: PendingReply, createConsult: () => CallHandle): void {
  const dialog = call.dialog;
  const rtp = call.rtp;
  if (!dialog || !rtp) return pending.settle(LINEERR.OPERATIONFAILED);
  call.busy = true;
  const offer = rtp.setDirection('sendonly');
  const failed = (why: string) => {
    call.busy = false;
    if (call.rtp === rtp) rtp.setDirection('sendrecv');
    pending.settle(LINEERR.OPERATIONFAILED);
    if (session.calls.has(call) && call.state === S.CONNECTED) noteCallInfo(session, call, why);
  };
  dialog.reinvite(offer).then(
    (r) => {
      if (!session.calls.has(call) || call.state !== S.CONNECTED || call.dialog !== dialog) {
        call.busy = false;
        return pending.settle(LINEERR.OPERATIONFAILED);
      }
      if (r.status < 200 || r.status >= 300) return failed(`re-INVITE (hold for transfer) answered SIP ${r.status} ${r.reason}`);
      call.busy = false;
      try {
        if (r.body.length > 0) rtp.acceptAnswer(r.body.toString('utf8'));
      } catch {
        // the hold we asked for stands; a broken answer does not undo it
      }
      const owner = createConsult();
      const consult = owner.call;
      call.transferPeer = consult;
      consult.transferPeer = call;
      pending.settle(0, owner.hCall);
      session.setState(call, S.ONHOLDPENDTRANSFER, 0);
      session.setState(consult, S.DIALTONE, LINEDIALTONEMODE.NORMAL);
    },
    (error: unknown) => failed(`re-INVITE (hold for transfer) failed: ${(error as Error)?.message ?? error}`),
  );
}

/** Ends one side of a finished transfer: BYE if its dialog is still up, then IDLE. */
function leave(session: SipSession, call: SipCall): void {
  call.transferPeer = undefined;
  if (!session.calls.has(call) || call.state === S.IDLE) return;
  hangUp(call);
  releaseMedia(session, call);
  session.setState(call, S.IDLE, 0);
}

function endedByFarEnds(session: SipSession, call: SipCall, consult: SipCall): boolean {
  return session.calls.has(call) && call.state === S.DISCONNECTED && session.calls.has(consult) && consult.state === S.DISCONNECTED;
}

/** lineUnhold of the held call: the consultation call (if still there) is ended and goes IDLE. */
export function abandonConsultation(session: SipSession, call: SipCall): void {
  const consult = call.transferPeer;
  call.transferPeer = undefined;
  if (consult) leave(session, consult);
}

/** lineCompleteTransfer in TRANSFER mode: REFER with Replaces in the held call's dialog (see the header). */
export function completeTransfer(session: SipSession, call: SipCall, consult: SipCall, pending: PendingReply): void {
  const dialog = call.dialog;
  const consultDialog = consult.dialog;
  if (!dialog || !consultDialog || !consult.target) return pending.settle(LINEERR.OPERATIONFAILED);
  call.busy = true;
  const target = referToWithReplaces(consult.target, replacesOf(consultDialog));
  const failed = (why: string) => {
    call.busy = false;
    pending.settle(LINEERR.OPERATIONFAILED);
    if (held(session, call)) noteCallInfo(session, call, why);
  };
  dialog.refer(target).then(
    (result) => {
      if (!held(session, call) || call.dialog !== dialog) {
        call.busy = false;
        // Some transferees BYE us before their final NOTIFY: when the target has also ended our consultation
        // dialog (what Replaces does), the transfer took place.
        if (endedByFarEnds(session, call, consult)) {
          pending.settle(0);
          leave(session, consult);
          return leave(session, call);
        }
        return pending.settle(LINEERR.OPERATIONFAILED);
      }
      if (result.status < 200 || result.status >= 300) return failed(`transfer (REFER) failed: SIP ${result.status} ${result.reason}`);
      call.busy = false;
      pending.settle(0);
      leave(session, consult);
      leave(session, call);
    },
    (error: unknown) => failed(`transfer (REFER) failed: ${(error as Error)?.message ?? error}`),
  );
}
