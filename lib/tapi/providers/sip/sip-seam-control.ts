// The seam's call-control functions on a SIP line. Each refuses what TAPI would, in this order: handle
// (INVALCALLHANDLE), privilege (NOTOWNER), what a SIP line never offers (OPERATIONUNAVAIL: conference,
// swap hold), state (INVALCALLSTATE), what the call cannot do now (OPERATIONUNAVAIL),
// parameters. Then the SIP side runs (sip-control.ts, sip-transfer.ts, sip-incoming.ts).
import {
  LINECALLFEATURE as F,
  LINECALLINFOSTATE,
  LINECALLPRIVILEGE,
  LINECALLSTATE as S,
  LINE_MESSAGE,
  LINEMEDIAMODE,
  LINETRANSFERMODE,
  nameOf,
} from '../../constants';
import { TapiError } from '../../errors';
import type { CallHandle } from './sip-call';
import { SIP_CALL_FEATURES, SIP_MEDIA_MODES } from './sip-caps';
import { blindTransfer, redirect, setHold } from './sip-control';
import { completeTransfer, setupTransfer } from './sip-transfer';
import type { SeamContext } from './seam-context';
import { sipTarget } from './target';
import { modeFor } from './connected-mode';

function stateWord(state: number): string {
  return (nameOf(S, state) ?? 'unknown').toLowerCase();
}

/** The call is in one of `states` and `bit` is live for this handle now. */
export function requireFeature(handle: CallHandle, bit: number, states: number, op: string): void {
  const call = handle.call;
  if ((SIP_CALL_FEATURES & bit) === 0) throw TapiError.of('OPERATIONUNAVAIL', op, 'a SIP line does not offer it');
  if ((call.state & states) === 0) throw TapiError.of('INVALCALLSTATE', op, `the call is ${stateWord(call.state)}`);
  if ((call.callStatus(handle).callFeatures & bit) === 0) {
    throw TapiError.of('OPERATIONUNAVAIL', op, `not available for a ${stateWord(call.state)} call now`);
  }
}

function checkCountryCode(countryCode: number, op: string): void {
  if (!Number.isInteger(countryCode) || countryCode < 0 || countryCode > 999)
    throw TapiError.of('INVALCOUNTRYCODE', op, `country code ${countryCode}`);
}

export class SipSeamControl {
  constructor(private readonly ctx: SeamContext) {}

  accept(hCall: number, userUserInfo?: Uint8Array): number {
    const op = 'lineAccept';
    const h = this.ctx.owned(hCall, op);
    requireFeature(h, F.ACCEPT, S.OFFERING, op);
    if ((userUserInfo?.length ?? 0) > 0) throw TapiError.of('USERUSERINFOTOOBIG', op, 'a SIP line carries no user-user information');
    const session = this.ctx.session(op);
    const id = session.reply(h.line, 0);
    session.setState(h.call, S.ACCEPTED, 0);
    return id;
  }

  redirect(hCall: number, destAddress: string, countryCode: number): number {
    const op = 'lineRedirect';
    const h = this.ctx.owned(hCall, op);
    requireFeature(h, F.REDIRECT, S.OFFERING | S.ACCEPTED, op);
    const target = sipTarget(destAddress, h.call.device.domain, op);
    checkCountryCode(countryCode, op);
    const session = this.ctx.session(op);
    const id = session.reply(h.line, 0);
    redirect(session, h.call, target.uri);
    return id;
  }

  blindTransfer(hCall: number, destAddress: string, countryCode: number): number {
    const op = 'lineBlindTransfer';
    const h = this.ctx.owned(hCall, op);
    requireFeature(h, F.BLINDTRANSFER, S.CONNECTED, op);
    const target = sipTarget(destAddress, h.call.device.domain, op);
    checkCountryCode(countryCode, op);
    const session = this.ctx.session(op);
    const pending = session.pendingReply(h.line);
    blindTransfer(session, h.call, pending, target.uri);
    return pending.id;
  }

  /** `createConsult` makes the consultation call on the held call's line (sip-provider.ts owns call creation). */
  setupTransfer(hCall: number, createConsult: (line: CallHandle['line']) => CallHandle): number {
    const op = 'lineSetupTransfer';
    const h = this.ctx.owned(hCall, op);
    requireFeature(h, F.SETUPTRANSFER, S.CONNECTED, op);
    const session = this.ctx.session(op);
    const device = h.call.device;
    if (session.activeCalls(device.deviceId) >= device.description.maxCalls) {
      throw TapiError.of('CALLUNAVAIL', op, `the line has ${device.description.maxCalls} call appearance(s), all in use`);
    }
    const pending = session.pendingReply(h.line);
    setupTransfer(session, h.call, pending, () => createConsult(h.line));
    return pending.id;
  }

  completeTransfer(hCall: number, hConsultCall: number, transferMode: number): number {
    const op = 'lineCompleteTransfer';
    const h = this.ctx.owned(hCall, op);
    const mode = transferMode >>> 0;
    if (mode !== LINETRANSFERMODE.TRANSFER && mode !== LINETRANSFERMODE.CONFERENCE) {
      throw TapiError.of('INVALTRANSFERMODE', op, 'exactly one LINETRANSFERMODE_*');
    }
    // A SIP line has no bridge to mix three parties in: no conference, here or by lineSetupConference.
    if (mode === LINETRANSFERMODE.CONFERENCE) throw TapiError.of('OPERATIONUNAVAIL', op, 'a SIP line has no conference bridge');
    let consult: CallHandle;
    try {
      consult = this.ctx.owned(hConsultCall, op);
    } catch (error) {
      if (error instanceof TapiError && error.code === 'LINEERR_INVALCALLHANDLE') throw TapiError.of('INVALCONSULTCALLHANDLE', op);
      throw error;
    }
    const call = h.call;
    if (consult === h || call.transferPeer !== consult.call) {
      throw TapiError.of('INVALCONSULTCALLHANDLE', op, 'not the consultation call of this transfer');
    }
    if (call.state !== S.ONHOLDPENDTRANSFER) throw TapiError.of('INVALCALLSTATE', op, `the call is ${stateWord(call.state)}`);
    const peer = consult.call;
    if ((peer.state & (S.RINGBACK | S.PROCEEDING | S.BUSY)) !== 0) {
      throw TapiError.of('OPERATIONUNAVAIL', op, 'on SIP the consultation call must be connected (Replaces names a confirmed dialog)');
    }
    requireFeature(h, F.COMPLETETRANSF, S.ONHOLDPENDTRANSFER, op);
    if (peer.state !== S.CONNECTED || !peer.dialog) {
      throw TapiError.of('INVALCALLSTATE', op, `the consultation call is ${stateWord(peer.state)}`);
    }
    const session = this.ctx.session(op);
    const pending = session.pendingReply(h.line);
    completeTransfer(session, call, peer, pending);
    return pending.id;
  }

  swapHold(hActiveCall: number): number {
    return this.unavailable(hActiveCall, 'lineSwapHold', 'swap hold');
  }

  hold(hCall: number): number {
    return this.holding(hCall, 'lineHold', true);
  }

  unhold(hCall: number): number {
    return this.holding(hCall, 'lineUnhold', false);
  }

  setCallPrivilege(hCall: number, privilege: number): void {
    const op = 'lineSetCallPrivilege';
    const session = this.ctx.session(op);
    const h = this.ctx.handle(hCall, op);
    const value = privilege >>> 0;
    if (value !== LINECALLPRIVILEGE.OWNER && value !== LINECALLPRIVILEGE.MONITOR) {
      throw TapiError.of('INVALCALLPRIVILEGE', op, 'exactly LINECALLPRIVILEGE_MONITOR or _OWNER');
    }
    const call = h.call;
    const owners = [...call.handles.values()].filter((x) => x.privilege === LINECALLPRIVILEGE.OWNER).length;
    if (value === LINECALLPRIVILEGE.MONITOR && h.privilege === LINECALLPRIVILEGE.OWNER && owners === 1 && call.state !== S.IDLE) {
      throw TapiError.of('INVALCALLSTATE', op, 'the sole owner of a call that is not idle cannot become a monitor');
    }
    if (h.privilege === value) return;
    h.privilege = value;
    const changed =
      (value === LINECALLPRIVILEGE.OWNER ? LINECALLINFOSTATE.NUMOWNERINCR : LINECALLINFOSTATE.NUMOWNERDECR) | LINECALLINFOSTATE.NUMMONITORS;
    session.toCall(call, LINE_MESSAGE.LINE_CALLINFO, changed, 0, 0);
  }

  setMediaMode(hCall: number, mediaModes: number): void {
    const op = 'lineSetMediaMode';
    const session = this.ctx.session(op);
    const h = this.ctx.owned(hCall, op);
    const modes = mediaModes >>> 0;
    if (modes === 0 || modes & ~(SIP_MEDIA_MODES | LINEMEDIAMODE.UNKNOWN)) {
      throw TapiError.of('INVALMEDIAMODE', op, `media modes 0x${modes.toString(16)} are not offered by a SIP line`);
    }
    h.call.mediaMode = modes;
    session.toCall(h.call, LINE_MESSAGE.LINE_CALLINFO, LINECALLINFOSTATE.MEDIAMODE, 0, 0);
  }

  /** Hand-off to another line of this app opened as owner for the media mode (or, by name, to this app's other owner line). */
  handoff(hCall: number, fileName: string | null, mediaMode: number): void {
    const op = 'lineHandoff';
    const session = this.ctx.session(op);
    const h = this.ctx.owned(hCall, op);
    const mode = mediaMode >>> 0;
    const byName = fileName !== null && fileName !== undefined;
    if (!byName && (mode === 0 || (mode & (mode - 1)) !== 0)) throw TapiError.of('INVALMEDIAMODE', op, 'exactly one LINEMEDIAMODE_* bit');
    const qualifies = (line: CallHandle['line']) =>
      (line.privileges & LINECALLPRIVILEGE.OWNER) !== 0 && (byName || (line.mediaModes & mode) !== 0);
    const target = session.linesOf(h.call.device.deviceId).find((line) => line !== h.line && qualifies(line));
    if (!target) {
      if (qualifies(h.line)) throw TapiError.of('TARGETSELF', op, 'the caller is the highest-priority owner for that media mode');
      throw TapiError.of('TARGETNOTFOUND', op, 'no other line is open as owner for that media mode');
    }
    let receiver = [...h.call.handles.values()].find((x) => x.line === target);
    if (receiver) receiver.privilege = LINECALLPRIVILEGE.OWNER;
    else receiver = session.addHandle(h.call, target, LINECALLPRIVILEGE.OWNER);
    receiver.announced = true;
    session.callMessage(
      receiver,
      LINE_MESSAGE.LINE_CALLSTATE,
      h.call.state,
      modeFor(target.apiVersion, h.call.state, h.call.mode),
      LINECALLPRIVILEGE.OWNER,
    );
    session.toCall(h.call, LINE_MESSAGE.LINE_CALLINFO, LINECALLINFOSTATE.NUMOWNERINCR, 0, 0);
  }

  private holding(hCall: number, op: string, hold: boolean): number {
    const h = this.ctx.owned(hCall, op);
    requireFeature(h, hold ? F.HOLD : F.UNHOLD, hold ? S.CONNECTED : S.ONHOLD | S.ONHOLDPENDTRANSFER, op);
    const session = this.ctx.session(op);
    const pending = session.pendingReply(h.line);
    setHold(session, h.call, pending, hold);
    return pending.id;
  }

  private unavailable(hCall: number, op: string, what: string): number {
    this.ctx.owned(hCall, op);
    throw TapiError.of('OPERATIONUNAVAIL', op, `a SIP line does not offer ${what}`);
  }
}
