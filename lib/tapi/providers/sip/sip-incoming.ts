// An incoming INVITE: refused at once when nobody can take it (no open line: 480; every call appearance in
// use: 486; no codec in common: 488), otherwise offered — 180 Ringing to the caller, LINE_APPNEWCALL and
// LINE_CALLSTATE(OFFERING) to the first line opened as owner and to every monitor, caller and called ids from
// identity.ts. The SDP answer is computed when the INVITE arrives, so answering only sends the 200 (which the
// user agent retransmits until the ACK); the call is CONNECTED when the ACK arrives.
import {
  LINECALLORIGIN,
  LINECALLPRIVILEGE,
  LINECALLSTATE as S,
  LINECONNECTEDMODE,
  LINEDEVSTATE,
  LINEDISCONNECTMODE,
  LINEMEDIAMODE,
  LINEOFFERINGMODE,
  LINE_MESSAGE,
  TAPI_VERSION,
} from '../../constants';
import { disconnect } from './call-end';
import { calledIdOf, callerIdOf } from './identity';
import { SipCall } from './sip-call';
import { SIP_MEDIA_MODES } from './sip-caps';
import type { CallDigits } from './sip-digits';
import type { SipDevice } from './sip-device';
import { attachDialog } from './sip-dialog-events';
import type { MediaFactory } from './sip-outgoing';
import type { SipSession } from './session';
import type { IncomingCall } from './ua-port';

export interface IncomingDeps extends MediaFactory {
  nextCallId(): number;
  digits(session: SipSession): CallDigits;
  /** The session is still the provider's (an offer that completes after shutdown is dropped). */
  live(session: SipSession): boolean;
}

export function offerIncoming(session: SipSession, device: SipDevice, incoming: IncomingCall, deps: IncomingDeps): void {
  const lines = session.linesOf(device.deviceId);
  if (lines.length === 0) return incoming.reject(480, 'Temporarily Unavailable');
  if (session.activeCalls(device.deviceId) >= device.description.maxCalls) return incoming.reject(486, 'Busy Here');
  let cancelled = false;
  incoming.onCancelled = () => {
    cancelled = true;
  };
  const ua = device.userAgent;
  if (!ua) return incoming.reject(480, 'Temporarily Unavailable');
  deps.openRtp(device, ua).then(
    (rtp) => {
      if (cancelled || !deps.live(session)) return rtp.close();
      let answerSdp = '';
      if (incoming.remoteSdp !== '') {
        try {
          answerSdp = rtp.acceptOffer(incoming.remoteSdp);
        } catch (error) {
          rtp.close();
          const status = (error as { status?: number }).status === 400 ? 400 : 488;
          return incoming.reject(status, status === 400 ? 'Bad Request' : 'Not Acceptable Here');
        }
      }
      const call = new SipCall(deps.nextCallId(), device, LINECALLORIGIN.EXTERNAL, deps.digits(session), LINEMEDIAMODE.INTERACTIVEVOICE);
      let owner = false;
      for (const line of session.linesOf(device.deviceId)) {
        if (!owner && line.privileges & LINECALLPRIVILEGE.OWNER && line.mediaModes & SIP_MEDIA_MODES) {
          session.addHandle(call, line, LINECALLPRIVILEGE.OWNER);
          owner = true;
        } else if (line.privileges & LINECALLPRIVILEGE.MONITOR) {
          session.addHandle(call, line, LINECALLPRIVILEGE.MONITOR);
        }
      }
      if (call.handles.size === 0) {
        rtp.close();
        return incoming.reject(480, 'Temporarily Unavailable');
      }
      call.incoming = incoming;
      call.sipCallId = incoming.callId;
      call.rtp = rtp;
      call.answerSdp = answerSdp;
      call.signalled = true;
      call.dialComplete = true;
      call.caller = callerIdOf(incoming.request);
      call.called = calledIdOf(incoming.request);
      session.calls.add(call);
      incoming.onCancelled = () => {
        if (call.incoming === incoming)
          disconnect(session, call, LINEDISCONNECTMODE.NORMAL, 'the caller hung up before the answer (CANCEL)');
      };
      incoming.ringing();
      for (const h of call.handles.values()) {
        if (h.line.apiVersion >= TAPI_VERSION.V2_0) session.lineMessage(h.line, LINE_MESSAGE.LINE_APPNEWCALL, 0, h.hCall, h.privilege);
      }
      session.setState(call, S.OFFERING, LINEOFFERINGMODE.ACTIVE);
      for (const line of new Set([...call.handles.values()].map((h) => h.line))) {
        if (line.lineStates & LINEDEVSTATE.RINGING) session.lineMessage(line, LINE_MESSAGE.LINE_LINEDEVSTATE, LINEDEVSTATE.RINGING, 0, 1);
      }
    },
    () => incoming.reject(503, 'Service Unavailable'),
  );
}

/** lineAnswer (its LINE_REPLY is queued): the 200 with our answer (or our offer, when the INVITE had none). */
export function answerIncoming(session: SipSession, call: SipCall): void {
  const incoming = call.incoming;
  const rtp = call.rtp;
  if (!incoming || !rtp) return;
  call.answering = true;
  const offered = call.answerSdp === '';
  incoming.accept(offered ? rtp.createOffer() : (call.answerSdp ?? '')).then(
    (dialog) => {
      call.answering = false;
      if (call.incoming !== incoming || call.state === S.IDLE || call.state === S.DISCONNECTED) {
        dialog.bye().catch(() => undefined);
        return;
      }
      call.incoming = undefined;
      attachDialog(session, call, dialog);
      if (offered) {
        try {
          rtp.acceptAnswer(dialog.remoteSdp ?? '');
        } catch (error) {
          call.dialog = undefined;
          dialog.bye().catch(() => undefined);
          return disconnect(session, call, LINEDISCONNECTMODE.INCOMPATIBLE, `SDP answer in the ACK refused: ${(error as Error).message}`);
        }
      }
      call.connected = call.caller;
      session.setState(call, S.CONNECTED, LINECONNECTEDMODE.ACTIVE);
    },
    (error: unknown) => {
      call.answering = false;
      if (call.incoming !== incoming) return;
      disconnect(
        session,
        call,
        LINEDISCONNECTMODE.UNKNOWN,
        `the caller never acknowledged the answer: ${(error as Error)?.message ?? error}`,
      );
    },
  );
}
