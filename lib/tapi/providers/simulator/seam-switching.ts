// The seam's call-control functions on the simulator: accept, redirect, blind transfer, setup / complete
// transfer (and conference), hold, unhold, swap hold, privilege, media mode, hand-off. Each refuses what TAPI
// would refuse (tapi-reference.md §14.2), in this order: privilege (NOTOWNER), what the address never offers
// (OPERATIONUNAVAIL), state (INVALCALLSTATE), what the call cannot do now (OPERATIONUNAVAIL), parameters.
import {
  LINECALLFEATURE as F,
  LINECALLINFOSTATE,
  LINECALLPRIVILEGE,
  LINECALLSTATE as S,
  LINEMEDIAMODE,
  LINETRANSFERMODE,
  LINE_MESSAGE,
  nameOf,
} from '../../constants';
import { TapiError } from '../../errors';
import { validateDialable } from '../../address';
import type { LineCallParams } from '../../provider';
import type { Exchange } from './exchange';
import type { SimCallHandle } from './exchange-call';
import { CONSULT_COMPLETABLE, HELD_STATES } from './features';
import { effectiveCallParams } from './params';
import type { SeamContext } from './seam-context';
import * as switching from './switching';

const ALL_MEDIA = Object.values(LINEMEDIAMODE).reduce((a, b) => a | b, 0);

function stateWord(state: number): string {
  return (nameOf(S, state) ?? 'unknown').toLowerCase();
}

export function requireOwner(handle: SimCallHandle, op: string): void {
  if (handle.privilege !== LINECALLPRIVILEGE.OWNER) throw TapiError.of('NOTOWNER', op, 'this handle has monitor privilege');
}

/** The shared refusal: the address offers `bit`, the call is in one of `states` (mask), and `bit` is live now. */
export function requireFeature(ex: Exchange, handle: SimCallHandle, bit: number, states: number, op: string): void {
  const call = handle.call;
  if ((call.device.switching.callFeatures & bit) === 0) {
    throw TapiError.of('OPERATIONUNAVAIL', op, `line "${call.device.name}" does not offer it`);
  }
  if ((call.state & states) === 0) throw TapiError.of('INVALCALLSTATE', op, `the call is ${stateWord(call.state)}`);
  const status = call.callStatus(handle, ex.calls.activeCallsOn(call.device.deviceId));
  if ((status.callFeatures & bit) === 0)
    throw TapiError.of('OPERATIONUNAVAIL', op, `not available for a ${stateWord(call.state)} call now`);
}

function checkCountryCode(countryCode: number, op: string): void {
  if (!Number.isInteger(countryCode) || countryCode < 0 || countryCode > 999) {
    throw TapiError.of('INVALCOUNTRYCODE', op, `country code ${countryCode}`);
  }
}

export class SeamSwitching {
  constructor(private readonly ctx: SeamContext) {}

  accept(hCall: number, userUserInfo?: Uint8Array): number {
    const op = 'lineAccept';
    const { ex, handle } = this.owned(hCall, op);
    requireFeature(ex, handle, F.ACCEPT, S.OFFERING, op);
    const size = userUserInfo?.length ?? 0;
    if (size > handle.call.device.uuiMakeCallSize) {
      throw TapiError.of('USERUSERINFOTOOBIG', op, `${size} bytes; the line accepts ${handle.call.device.uuiMakeCallSize}`);
    }
    return this.run(
      op,
      handle,
      () => switching.accept(ex, handle.call),
      (c) => c.state === S.OFFERING,
    );
  }

  redirect(hCall: number, destAddress: string, countryCode: number): number {
    return this.leaving('lineRedirect', hCall, destAddress, countryCode, F.REDIRECT, S.OFFERING);
  }

  blindTransfer(hCall: number, destAddress: string, countryCode: number): number {
    return this.leaving('lineBlindTransfer', hCall, destAddress, countryCode, F.BLINDTRANSFER, S.CONNECTED);
  }

  setupTransfer(hCall: number, params: LineCallParams | null): number {
    const op = 'lineSetupTransfer';
    const { ex, handle } = this.owned(hCall, op);
    requireFeature(ex, handle, F.SETUPTRANSFER, S.CONNECTED, op);
    const device = handle.call.device;
    const effective = effectiveCallParams(params, device, op);
    if (ex.activeCalls(device.deviceId) >= device.maxNumActiveCalls) {
      throw TapiError.of('CALLUNAVAIL', op, `the line has ${device.maxNumActiveCalls} call appearance(s), all in use`);
    }
    const failure = this.ctx.injected(op);
    if (failure) return this.ctx.reply(handle.line, failure.value);
    const { consult, owner } = switching.setupTransfer(ex, handle, this.ctx.nextCallId(), effective, this.ctx.appName());
    const id = this.ctx.reply(handle.line, 0, owner.hCall);
    if (ex.handles.has(hCall)) switching.startConsultation(ex, handle.call, consult);
    return id;
  }

  completeTransfer(hCall: number, hConsultCall: number, transferMode: number): number {
    const op = 'lineCompleteTransfer';
    const { ex, handle } = this.owned(hCall, op);
    const consultHandle = ex.handles.get(hConsultCall);
    if (!consultHandle || consultHandle === handle) throw TapiError.of('INVALCONSULTCALLHANDLE', op);
    requireOwner(consultHandle, op);
    const call = handle.call;
    const mode = transferMode >>> 0;
    if (mode !== LINETRANSFERMODE.TRANSFER && mode !== LINETRANSFERMODE.CONFERENCE) {
      throw TapiError.of('INVALTRANSFERMODE', op, 'exactly one LINETRANSFERMODE_*');
    }
    if ((call.device.switching.callFeatures & F.COMPLETETRANSF) === 0)
      throw TapiError.of('OPERATIONUNAVAIL', op, `line "${call.device.name}" does not offer it`);
    if ((call.device.switching.transferModes & mode) === 0) throw TapiError.of('INVALTRANSFERMODE', op, 'not offered by this line');
    if ((call.state & (S.ONHOLD | S.ONHOLDPENDTRANSFER)) === 0)
      throw TapiError.of('INVALCALLSTATE', op, `the call is ${stateWord(call.state)}`);
    const consult = consultHandle.call;
    if ((consult.state & CONSULT_COMPLETABLE) === 0) {
      throw TapiError.of('INVALCALLSTATE', op, `the consultation call is ${stateWord(consult.state)}`);
    }
    if (call.transferPeer !== consult || call.state !== S.ONHOLDPENDTRANSFER) {
      throw TapiError.of('INVALCONSULTCALLHANDLE', op, 'not the consultation call of this transfer');
    }
    const failure = this.ctx.injected(op);
    if (failure) return this.ctx.reply(handle.line, failure.value);
    if (mode === LINETRANSFERMODE.TRANSFER) {
      const id = this.ctx.reply(handle.line, 0);
      switching.completeTransfer(ex, call, consult);
      return id;
    }
    const { conference, owner } = switching.createConference(ex, handle, this.ctx.nextCallId(), this.ctx.appName());
    const id = this.ctx.reply(handle.line, 0, owner.hCall);
    switching.joinConference(ex, conference, owner, call, consult);
    return id;
  }

  hold(hCall: number): number {
    const op = 'lineHold';
    const { ex, handle } = this.owned(hCall, op);
    requireFeature(ex, handle, F.HOLD, S.CONNECTED, op);
    return this.run(
      op,
      handle,
      () => switching.hold(ex, handle.call),
      (c) => c.state === S.CONNECTED,
    );
  }

  unhold(hCall: number): number {
    const op = 'lineUnhold';
    const { ex, handle } = this.owned(hCall, op);
    requireFeature(ex, handle, F.UNHOLD, HELD_STATES, op);
    return this.run(
      op,
      handle,
      () => switching.unhold(ex, handle.call),
      (c) => (c.state & HELD_STATES) !== 0,
    );
  }

  swapHold(hActiveCall: number, hHeldCall: number): number {
    const op = 'lineSwapHold';
    const { ex, handle } = this.owned(hActiveCall, op);
    const heldHandle = ex.handles.get(hHeldCall);
    if (!heldHandle || heldHandle === handle) throw TapiError.of('INVALCALLHANDLE', op, 'the held call');
    requireOwner(heldHandle, op);
    requireFeature(ex, handle, F.SWAPHOLD, S.CONNECTED, op);
    if ((heldHandle.call.state & HELD_STATES) === 0) {
      throw TapiError.of('INVALCALLSTATE', op, `the held call is ${stateWord(heldHandle.call.state)}`);
    }
    return this.run(
      op,
      handle,
      () => switching.swapHold(ex, handle.call, heldHandle.call),
      (c) => c.state === S.CONNECTED && (heldHandle.call.state & HELD_STATES) !== 0,
    );
  }

  setCallPrivilege(hCall: number, privilege: number): void {
    const op = 'lineSetCallPrivilege';
    const ex = this.ctx.session(op);
    const handle = this.ctx.handle(hCall, op);
    const value = privilege >>> 0;
    if (value !== LINECALLPRIVILEGE.OWNER && value !== LINECALLPRIVILEGE.MONITOR) {
      throw TapiError.of('INVALCALLPRIVILEGE', op, 'exactly LINECALLPRIVILEGE_MONITOR or _OWNER');
    }
    const call = handle.call;
    if (
      value === LINECALLPRIVILEGE.MONITOR &&
      handle.privilege === LINECALLPRIVILEGE.OWNER &&
      call.count(LINECALLPRIVILEGE.OWNER) === 1 &&
      call.state !== S.IDLE
    ) {
      throw TapiError.of('INVALCALLSTATE', op, 'the sole owner of a call that is not idle cannot become a monitor');
    }
    this.ctx.injected(op);
    if (handle.privilege === value) return;
    handle.privilege = value;
    const changed =
      (value === LINECALLPRIVILEGE.OWNER ? LINECALLINFOSTATE.NUMOWNERINCR : LINECALLINFOSTATE.NUMOWNERDECR) | LINECALLINFOSTATE.NUMMONITORS;
    this.callInfo(ex, handle, changed);
  }

  setMediaMode(hCall: number, mediaModes: number): void {
    const op = 'lineSetMediaMode';
    const { ex, handle } = this.owned(hCall, op);
    const modes = mediaModes >>> 0;
    const call = handle.call;
    if (modes === 0 || modes & ~ALL_MEDIA || modes & ~(call.device.mediaModes | LINEMEDIAMODE.UNKNOWN)) {
      throw TapiError.of('INVALMEDIAMODE', op, `media modes 0x${modes.toString(16)} are not offered by this line`);
    }
    this.ctx.injected(op);
    call.params.mediaMode = modes;
    this.callInfo(ex, handle, LINECALLINFOSTATE.MEDIAMODE);
  }

  /**
   * By media mode (fileName null): the first other line of the device, in opening order, opened OWNER for that
   * mode. By name: this app's name (the simulator serves one application) and any other OWNER line. The target
   * gets LINE_CALLSTATE(privilege OWNER) and LINE_CALLINFO; the caller keeps its handle and privilege.
   */
  handoff(hCall: number, fileName: string | null, mediaMode: number): void {
    const op = 'lineHandoff';
    const { ex, handle } = this.owned(hCall, op);
    const call = handle.call;
    const mode = mediaMode >>> 0;
    const byName = fileName !== null && fileName !== undefined;
    if (!byName && (mode === 0 || (mode & (mode - 1)) !== 0 || (mode & ~ALL_MEDIA) !== 0)) {
      throw TapiError.of('INVALMEDIAMODE', op, 'exactly one LINEMEDIAMODE_* bit');
    }
    if (byName && String(fileName).toLowerCase() !== this.ctx.appName().toLowerCase())
      throw TapiError.of('TARGETNOTFOUND', op, `no application "${fileName}"`);
    const qualifies = (line: SimCallHandle['line']) =>
      (line.privileges & LINECALLPRIVILEGE.OWNER) !== 0 && (byName || (line.mediaModes & mode) !== 0);
    const lines = ex.linesOf(call.device.deviceId);
    const target = lines.find((line) => line !== handle.line && qualifies(line));
    if (!target) {
      if (qualifies(handle.line)) throw TapiError.of('TARGETSELF', op, 'the caller is the highest-priority owner for that media mode');
      throw TapiError.of('TARGETNOTFOUND', op, 'no line is open as owner for that media mode');
    }
    this.ctx.injected(op);
    let receiver = [...call.handles.values()].find((h) => h.line === target);
    if (receiver) receiver.privilege = LINECALLPRIVILEGE.OWNER;
    else receiver = ex.addHandle(call, target, LINECALLPRIVILEGE.OWNER);
    receiver.announced = true;
    ex.callMessage(receiver, LINE_MESSAGE.LINE_CALLSTATE, call.state, call.mode, LINECALLPRIVILEGE.OWNER);
    this.callInfo(ex, handle, LINECALLINFOSTATE.NUMOWNERINCR);
  }

  // ---- helpers --------------------------------------------------------------------------------

  private owned(hCall: number, op: string): { ex: Exchange; handle: SimCallHandle } {
    const ex = this.ctx.session(op);
    const handle = this.ctx.handle(hCall, op);
    requireOwner(handle, op);
    return { ex, handle };
  }

  /** After the checks: an injected failure, or the reply and then the effect (if the call is still as checked). */
  private run(op: string, handle: SimCallHandle, effect: () => void, stillValid: (call: SimCallHandle['call']) => boolean): number {
    const failure = this.ctx.injected(op as never);
    if (failure) return this.ctx.reply(handle.line, failure.value);
    const id = this.ctx.reply(handle.line, 0);
    if (this.ctx.session(op).handles.has(handle.hCall) && stillValid(handle.call)) effect();
    return id;
  }

  private leaving(
    op: 'lineRedirect' | 'lineBlindTransfer',
    hCall: number,
    destAddress: string,
    countryCode: number,
    bit: number,
    states: number,
  ): number {
    const { ex, handle } = this.owned(hCall, op);
    requireFeature(ex, handle, bit, states, op);
    if (typeof destAddress !== 'string' || destAddress === '') throw TapiError.of('INVALADDRESS', op, 'a destination is required');
    const parsed = validateDialable(destAddress, handle.call.device.caps, op);
    if (parsed.partial) throw TapiError.of('INVALADDRESS', op, 'a destination cannot be partial');
    checkCountryCode(countryCode, op);
    const number = parsed.destinations[0].number;
    return this.run(
      op,
      handle,
      () => switching.leave(ex, handle.call, number),
      (c) => (c.state & states) !== 0,
    );
  }

  private callInfo(ex: Exchange, _from: SimCallHandle, changed: number): void {
    for (const h of _from.call.handles.values()) ex.callMessage(h, LINE_MESSAGE.LINE_CALLINFO, changed, 0, 0);
  }
}
