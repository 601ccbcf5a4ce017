// SIP responses to the TAPI call model (issue 15 §3): which LINECALLSTATE a provisional response of an outgoing
// INVITE reports, and how a failed INVITE ends (LINEDISCONNECTMODE, a BUSY state first for 486 / 600).
//
// Beyond the issue's table, where TAPI has a closer word than UNKNOWN:
//  * no response at all (the user agent synthesised the failure: Timer B fired, or the transport failed) ->
//    UNREACHABLE: nobody answered the INVITE, which is not the same as a 408 sent by a proxy;
//  * 3xx -> FORWARDED: the provider never follows a redirect by itself (the dial policy judges every
//    destination), the call ends and the targets go into the call info;
//  * 488 / 606 (no acceptable media) -> INCOMPATIBLE.
// Every failure keeps its status in the call info's comment ("SIP 487 Request Terminated").
import { LINEBUSYMODE, LINECALLSTATE, LINEDISCONNECTMODE } from '../../constants';

export interface CallStateChange {
  state: number;
  mode: number;
}

export interface FailedCall {
  /** The states to report, in order: BUSY (486, 600) then DISCONNECTED, or DISCONNECTED alone. */
  states: CallStateChange[];
  /** LINEDISCONNECTMODE_* of the DISCONNECTED state. */
  disconnectMode: number;
  /** For LINECALLINFO.comment: the status and reason phrase. */
  comment: string;
}

/** The state an outgoing call reports for a provisional response; undefined = no change (181, 182, 199, ...). */
export function provisionalState(status: number): CallStateChange | undefined {
  if (status === 100) return { state: LINECALLSTATE.PROCEEDING, mode: 0 };
  if (status === 180 || status === 183) return { state: LINECALLSTATE.RINGBACK, mode: 0 };
  return undefined;
}

/** The disconnect mode of a final failure response (3xx-6xx) of an outgoing INVITE. */
export function disconnectModeOf(status: number, local = false): number {
  const M = LINEDISCONNECTMODE;
  if (local) return M.UNREACHABLE;
  switch (status) {
    case 486:
    case 600:
      return M.BUSY;
    case 603:
      return M.REJECT;
    case 404:
    case 484:
    case 604:
      return M.BADADDRESS;
    case 408:
    case 480:
      return M.NOANSWER;
    case 503:
      return M.CONGESTION;
    case 488:
    case 606:
      return M.INCOMPATIBLE;
    default:
      return status >= 300 && status < 400 ? M.FORWARDED : M.UNKNOWN;
  }
}

/**
 * How an outgoing call that got `status` (>= 300) ends. `local`: no response arrived, the user agent made the
 * status up (timeout, transport error).
 */
export function failedCall(status: number, reason: string, local = false): FailedCall {
  const disconnectMode = disconnectModeOf(status, local);
  const states: CallStateChange[] = [];
  if (!local && (status === 486 || status === 600)) states.push({ state: LINECALLSTATE.BUSY, mode: LINEBUSYMODE.STATION });
  states.push({ state: LINECALLSTATE.DISCONNECTED, mode: disconnectMode });
  const phrase = reason.trim();
  const comment = local ? `no SIP response (${phrase || status})` : `SIP ${status}${phrase ? ` ${phrase}` : ''}`;
  return { states, disconnectMode, comment };
}

/** The far end ended a call that was up (BYE). */
export const REMOTE_BYE: CallStateChange = { state: LINECALLSTATE.DISCONNECTED, mode: LINEDISCONNECTMODE.NORMAL };
