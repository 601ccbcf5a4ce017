// Call control at the simulated exchange: what accept, redirect, hold, transfer and conference do to calls.
// The checks (state, privilege, features) are done by the seam (simulator-provider.ts) before these run.
import { LINECALLORIGIN, LINECALLPRIVILEGE, LINECALLSTATE as S, LINECONNECTEDMODE, LINEDIALTONEMODE } from '../../constants';
import type { Exchange } from './exchange';
import { ExchangeCall, type SimCallHandle } from './exchange-call';
import type { EffectiveCallParams } from './params';

export function accept(ex: Exchange, call: ExchangeCall): void {
  ex.setState(call, S.ACCEPTED, 0);
}

/** Redirected or blind-transferred: the call leaves us (IDLE); the far end's timers stop. */
export function leave(ex: Exchange, call: ExchangeCall, destination: string): void {
  call.redirectedTo = destination;
  ex.scheduler.cancelOwner(call);
  call.noAnswerTimer = undefined;
  ex.setState(call, S.IDLE, 0);
}

export function hold(ex: Exchange, call: ExchangeCall): void {
  ex.setState(call, S.ONHOLD, 0);
}

/** Back to CONNECTED; a held transfer call abandons its consultation call (IDLE). */
export function unhold(ex: Exchange, call: ExchangeCall): void {
  const consult = call.state === S.ONHOLDPENDTRANSFER ? call.transferPeer : undefined;
  unlink(call);
  if (consult && consult.state !== S.IDLE) ex.drop(consult);
  ex.setState(call, S.CONNECTED, LINECONNECTEDMODE.ACTIVE);
}

/** The two calls exchange states (the held one of a transfer stays the held one of the pair). */
export function swapHold(ex: Exchange, active: ExchangeCall, held: ExchangeCall): void {
  const heldState = held.state;
  ex.setState(held, S.CONNECTED, LINECONNECTEDMODE.ACTIVE);
  ex.setState(active, heldState, 0);
}

/**
 * lineSetupTransfer accepted: a consultation call owned by the same line (monitors of the device see it too),
 * the original ONHOLDPENDTRANSFER; the consultation call's DIALTONE follows its reply.
 */
export function setupTransfer(
  ex: Exchange,
  handle: SimCallHandle,
  callId: number,
  params: EffectiveCallParams,
  appName: string,
): { consult: ExchangeCall; owner: SimCallHandle } {
  const original = handle.call;
  const consult = new ExchangeCall({ callId, device: original.device, origin: LINECALLORIGIN.OUTBOUND, params, countryCode: 0, appName });
  ex.calls.add(consult);
  const owner = ex.addHandle(consult, handle.line, LINECALLPRIVILEGE.OWNER);
  for (const other of ex.linesOf(original.device.deviceId)) {
    if (other !== handle.line && other.privileges & LINECALLPRIVILEGE.MONITOR) ex.addHandle(consult, other, LINECALLPRIVILEGE.MONITOR);
  }
  original.transferPeer = consult;
  consult.transferPeer = original;
  return { consult, owner };
}

/** After the reply: original ONHOLDPENDTRANSFER, consultation call DIALTONE (waiting for lineDial). */
export function startConsultation(ex: Exchange, original: ExchangeCall, consult: ExchangeCall): void {
  if (original.state !== S.IDLE) ex.setState(original, S.ONHOLDPENDTRANSFER, 0);
  if (consult.state === 0) ex.setState(consult, S.DIALTONE, LINEDIALTONEMODE.NORMAL);
}

/** TRANSFER: both calls leave us (IDLE). */
export function completeTransfer(ex: Exchange, held: ExchangeCall, consult: ExchangeCall): void {
  unlink(held);
  leave(ex, consult, consult.dialled);
  leave(ex, held, consult.dialled);
}

/** CONFERENCE: a conference call owned by the line; both calls CONFERENCED (mode = its handle), it CONNECTED. */
export function createConference(
  ex: Exchange,
  handle: SimCallHandle,
  callId: number,
  appName: string,
): { conference: ExchangeCall; owner: SimCallHandle } {
  const held = handle.call;
  const conference = new ExchangeCall({
    callId,
    device: held.device,
    origin: LINECALLORIGIN.CONFERENCE,
    params: { ...held.params },
    countryCode: 0,
    appName,
  });
  ex.calls.add(conference);
  const owner = ex.addHandle(conference, handle.line, LINECALLPRIVILEGE.OWNER);
  conference.everConnected = true;
  return { conference, owner };
}

export function joinConference(
  ex: Exchange,
  conference: ExchangeCall,
  owner: SimCallHandle,
  held: ExchangeCall,
  consult: ExchangeCall,
): void {
  unlink(held);
  for (const member of [held, consult]) {
    member.conference = conference;
    conference.members.push(member);
    ex.scheduler.cancelOwner(member);
    ex.setState(member, S.CONFERENCED, owner.hCall);
  }
  ex.setState(conference, S.CONNECTED, LINECONNECTEDMODE.ACTIVE);
}

/** After a call was dropped: its held transfer peer reconnects (AUTORECONNECT); a conference takes its members. */
export function afterDrop(ex: Exchange, call: ExchangeCall): void {
  const peer = call.transferPeer;
  if (peer) {
    unlink(call);
    if (peer.state === S.ONHOLDPENDTRANSFER) ex.setState(peer, S.CONNECTED, LINECONNECTEDMODE.ACTIVE);
  }
  for (const member of call.members.splice(0)) {
    member.conference = undefined;
    if (member.state !== S.IDLE) ex.drop(member);
  }
}

function unlink(call: ExchangeCall): void {
  const peer = call.transferPeer;
  call.transferPeer = undefined;
  if (peer && peer.transferPeer === call) peer.transferPeer = undefined;
}
