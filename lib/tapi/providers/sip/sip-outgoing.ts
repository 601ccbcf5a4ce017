// An outgoing call once its number is complete: the account's user agent and an RTP session are made ready,
// the INVITE goes out with our SDP offer, and each response becomes a state (status-map.ts): 100 PROCEEDING,
// 180/183 RINGBACK (183 with SDP starts early media), 2xx CONNECTED, failures BUSY / DISCONNECTED with the
// status in the call info. A 3xx is not followed: the call ends DISCONNECTED(FORWARDED) with the first target
// as the redirection id (a flow that wants to follow it dials it, through the dial policy).
import { LINECALLINFOSTATE, LINECALLPARTYID, LINECALLSTATE as S, LINECONNECTEDMODE, LINEDISCONNECTMODE } from '../../constants';
import type { RtpSession } from './media';
import { disconnect, hangUp, noteCallInfo, releaseMedia } from './call-end';
import { connectedIdOf } from './identity';
import type { SipCall } from './sip-call';
import type { SipDevice } from './sip-device';
import { attachDialog, attachDigits } from './sip-dialog-events';
import type { SipSession } from './session';
import { failedCall, provisionalState } from './status-map';
import type { OutgoingCall, OutgoingCallEvents, UserAgentPort } from './ua-port';

export interface MediaFactory {
  openRtp(device: SipDevice, ua: UserAgentPort): Promise<RtpSession>;
}

function over(session: SipSession, call: SipCall): boolean {
  return !session.calls.has(call) || call.state === S.IDLE || call.state === S.DISCONNECTED;
}

function sdpOf(body: Buffer, headers: { name: string; value: string }[]): string | undefined {
  const type = headers
    .find((h) => h.name === 'content-type')
    ?.value.split(';')[0]
    .trim()
    .toLowerCase();
  return type === 'application/sdp' && body.length > 0 ? body.toString('utf8') : undefined;
}

function message(error: unknown): string {
  return (error as Error)?.message ?? String(error);
}

/** Sends the INVITE of a call whose number is complete (call.target set). Never throws, never rejects. */
export function startInvite(session: SipSession, call: SipCall, media: MediaFactory): void {
  call.signalled = true;
  void invite(session, call, media).catch((error: unknown) => {
    disconnect(session, call, LINEDISCONNECTMODE.TEMPFAILURE, `SIP: ${message(error)}`);
  });
}

async function invite(session: SipSession, call: SipCall, media: MediaFactory): Promise<void> {
  let ua: UserAgentPort;
  try {
    ua = await call.device.ready();
  } catch (error) {
    return disconnect(session, call, LINEDISCONNECTMODE.TEMPFAILURE, message(error));
  }
  if (over(session, call)) return;
  let rtp: RtpSession;
  try {
    rtp = await media.openRtp(call.device, ua);
  } catch (error) {
    return disconnect(session, call, LINEDISCONNECTMODE.TEMPFAILURE, `RTP: ${message(error)}`);
  }
  if (over(session, call)) return rtp.close();
  call.rtp = rtp;
  attachDigits(call);
  let outgoing: OutgoingCall | undefined;
  const current = () => outgoing !== undefined && call.outgoing === outgoing && !over(session, call);
  const events: OutgoingCallEvents = {
    onProvisional: (r) => {
      if (!current()) return;
      const sdp = sdpOf(r.body, r.headers);
      if (sdp && (r.status === 183 || r.status === 180)) {
        try {
          rtp.acceptAnswer(sdp);
        } catch {
          // early media we cannot use: the call goes on, the final answer decides
        }
      }
      const next = provisionalState(r.status);
      if (next && call.state !== next.state) session.setState(call, next.state, next.mode);
    },
    onAnswered: (dialog, r) => {
      if (!current()) {
        dialog.bye().catch(() => undefined);
        return;
      }
      call.outgoing = undefined;
      clearNoAnswer(session, call);
      attachDialog(session, call, dialog);
      try {
        rtp.acceptAnswer(dialog.remoteSdp ?? sdpOf(r.body, r.headers) ?? '');
      } catch (error) {
        call.dialog = undefined;
        dialog.bye().catch(() => undefined);
        return disconnect(session, call, LINEDISCONNECTMODE.INCOMPATIBLE, `SDP answer refused: ${message(error)}`);
      }
      const connected = connectedIdOf(r);
      call.connected = connected.flags & LINECALLPARTYID.ADDRESS ? connected : call.called;
      noteCallInfo(session, call, call.comment, LINECALLINFOSTATE.CONNECTEDID);
      session.setState(call, S.CONNECTED, LINECONNECTEDMODE.ACTIVE);
    },
    onFailed: (status, reason, r) => {
      if (!current()) return;
      call.outgoing = undefined;
      clearNoAnswer(session, call);
      const failed = failedCall(status, reason, r === undefined);
      releaseMedia(session, call);
      noteCallInfo(session, call, failed.comment);
      for (const step of failed.states) session.setState(call, step.state, step.mode);
    },
    onRedirected: (contacts, r) => {
      if (!current()) return;
      call.outgoing = undefined;
      clearNoAnswer(session, call);
      releaseMedia(session, call);
      call.redirection = { id: contacts[0] ?? '', name: '', flags: contacts[0] ? LINECALLPARTYID.ADDRESS : LINECALLPARTYID.UNKNOWN };
      noteCallInfo(
        session,
        call,
        `SIP ${r.status} ${r.reason}: ${contacts.join(', ') || 'no target'} (not followed)`,
        LINECALLINFOSTATE.REDIRECTIONID | LINECALLINFOSTATE.OTHER,
      );
      session.setState(call, S.DISCONNECTED, LINEDISCONNECTMODE.FORWARDED);
    },
  };
  try {
    outgoing = ua.invite(call.target ?? '', { sdp: rtp.createOffer() }, events);
  } catch (error) {
    return disconnect(session, call, LINEDISCONNECTMODE.BADADDRESS, `SIP: ${message(error)}`);
  }
  call.outgoing = outgoing;
  call.sipCallId = outgoing.callId;
  if (call.noAnswerTimeout > 0) {
    call.noAnswerTimer = session.clock.setTimeout(() => {
      call.noAnswerTimer = undefined;
      if (!current()) return;
      hangUp(call);
      disconnect(session, call, LINEDISCONNECTMODE.NOANSWER, `no answer within ${call.noAnswerTimeout} s`);
    }, call.noAnswerTimeout * 1000);
  }
}

function clearNoAnswer(session: SipSession, call: SipCall): void {
  if (call.noAnswerTimer) session.clock.clearTimeout(call.noAnswerTimer);
  call.noAnswerTimer = undefined;
}
