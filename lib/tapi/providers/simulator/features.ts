// A simulated call's live features (LINECALLSTATUS dwCallFeatures / dwCallFeatures2): what the exchange
// accepts now, for this handle, given the state, the privilege and the device's switching capabilities.
// The seam checks in simulator-provider.ts / switching.ts / signals.ts refuse exactly what is missing here.
import { LINECALLFEATURE as F, LINECALLFEATURE2, LINECALLPRIVILEGE, LINECALLSTATE as S, LINETRANSFERMODE } from '../../constants';
import type { ExchangeCall, SimCallHandle } from './exchange-call';

/** States of the consultation call in which lineCompleteTransfer is accepted. */
export const CONSULT_COMPLETABLE = S.CONNECTED | S.RINGBACK | S.BUSY | S.PROCEEDING;
export const HELD_STATES = S.ONHOLD | S.ONHOLDPENDTRANSFER | S.ONHOLDPENDCONF;

function ownedBy(call: ExchangeCall, handle: SimCallHandle): boolean {
  for (const h of call.handles.values()) if (h.line === handle.line && h.privilege === LINECALLPRIVILEGE.OWNER) return true;
  return false;
}

export function heldCount(peers: Iterable<ExchangeCall>, state: number): number {
  let n = 0;
  for (const p of peers) if (p.state === state) n++;
  return n;
}

export function liveFeatures(
  call: ExchangeCall,
  handle: SimCallHandle,
  peers: Iterable<ExchangeCall>,
): { features: number; features2: number } {
  const sw = call.device.switching;
  const state = call.state;
  let f = 0;
  let f2 = 0;
  if (state !== S.IDLE) {
    f |= F.MONITORMEDIA | F.MONITORTONES;
    if (state !== S.DISCONNECTED) f |= F.MONITORDIGITS;
  }
  if (handle.privilege === LINECALLPRIVILEGE.OWNER && state !== S.IDLE) {
    f |= F.DROP;
    switch (state) {
      case S.OFFERING:
        f |= F.ACCEPT | F.ANSWER | F.REDIRECT;
        break;
      case S.ACCEPTED:
        f |= F.ANSWER;
        break;
      case S.DIALTONE:
      case S.DIALING:
        if (!call.dialComplete) f |= F.DIAL;
        break;
      case S.CONNECTED: {
        const list = [...peers];
        f |= F.GENERATEDIGITS | F.GENERATETONE | F.GATHERDIGITS | F.BLINDTRANSFER;
        if (heldCount(list, S.ONHOLD) < sw.maxNumOnHoldCalls) f |= F.HOLD;
        if (!call.transferPeer && heldCount(list, S.ONHOLDPENDTRANSFER) < sw.maxNumOnHoldPendingCalls) f |= F.SETUPTRANSFER;
        if (list.some((p) => p !== call && p.state & HELD_STATES && ownedBy(p, handle))) f |= F.SWAPHOLD;
        break;
      }
      case S.ONHOLD:
        f |= F.UNHOLD;
        break;
      case S.ONHOLDPENDTRANSFER:
        f |= F.UNHOLD;
        if (call.transferPeer && call.transferPeer.state & CONSULT_COMPLETABLE) {
          f |= F.COMPLETETRANSF;
          if (sw.transferModes & LINETRANSFERMODE.TRANSFER) f2 |= LINECALLFEATURE2.TRANSFERNORM;
          if (sw.transferModes & LINETRANSFERMODE.CONFERENCE) f2 |= LINECALLFEATURE2.TRANSFERCONF;
        }
        break;
      default:
        break;
    }
  }
  f &= sw.callFeatures;
  f2 &= sw.callFeatures2;
  return { features: f >>> 0, features2: f2 >>> 0 };
}
