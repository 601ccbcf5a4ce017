// One SIP call as TAPI sees it: its state and mode, the app's handles to it (owner / monitors, per open line),
// the parties, and the SIP side (the INVITE transaction, the dialog, the RTP session). lineGetCallInfo and
// lineGetCallStatus are answered from here.
import {
  LINEBEARERMODE,
  LINECALLFEATURE,
  LINECALLORIGIN,
  LINECALLPARTYID,
  LINECALLPRIVILEGE,
  LINECALLREASON,
  LINECALLSTATE as S,
} from '../../constants';
import type { LineCallInfo, LineCallStatus } from '../../provider';
import type { RtpSession } from './media';
import { modeFor } from './connected-mode';
import type { SipTimer } from './core/types';
import { sipCallFeatures, SIP_CALL_STATES } from './sip-caps';
import type { CallDigits } from './sip-digits';
import type { SipDevice } from './sip-device';
import type { IncomingCall, OutgoingCall, SipDialog } from './ua-port';

/** One lineOpen. */
export interface OpenLine {
  hLine: number;
  device: SipDevice;
  apiVersion: number;
  callbackInstance: number;
  privileges: number;
  mediaModes: number;
  lineStates: number;
  addressStates: number;
  openSeq: number;
}

/** An app's handle to a call. */
export interface CallHandle {
  hCall: number;
  line: OpenLine;
  privilege: number;
  call: SipCall;
  /** The first LINE_CALLSTATE of a handle carries its privilege. */
  announced: boolean;
}

export interface Party {
  id: string;
  name: string;
  flags: number;
}

const NONE: Party = { id: '', name: '', flags: LINECALLPARTYID.UNKNOWN };

/** A digit generation running on the call (one at a time). */
export interface Generation {
  handle: CallHandle;
  cancelled: boolean;
}

export class SipCall {
  state: number = S.IDLE;
  mode = 0;
  stateEntered = new Date();
  readonly handles = new Map<number, CallHandle>();
  // ---- the SIP side ----
  outgoing?: OutgoingCall;
  incoming?: IncomingCall;
  dialog?: SipDialog;
  rtp?: RtpSession;
  /** Incoming: the SDP answer computed when the INVITE arrived ('' = the INVITE had no offer: we offer in the 200). */
  answerSdp?: string;
  /** The SIP Call-ID, once the INVITE went out or came in. */
  sipCallId?: string;
  /** The request URI of an outgoing call. */
  target?: string;
  // ---- TAPI bookkeeping ----
  dialled = '';
  dialComplete = false;
  /** The INVITE has gone out (or the call came in): lineDial no longer applies. */
  signalled = false;
  /** A hold / unhold / transfer is waiting for its answer. */
  busy = false;
  /** A consultation transfer: the held call's consultation call, and back (sip-transfer.ts). */
  transferPeer?: SipCall;
  /** answer() sent the 200 and waits for the ACK. */
  answering = false;
  everConnected = false;
  caller: Party = NONE;
  called: Party = NONE;
  connected: Party = NONE;
  redirection: Party = NONE;
  comment = '';
  mediaMode: number;
  /** LINECALLPARAMS.dwNoAnswerTimeout, seconds (0 = none). */
  noAnswerTimeout = 0;
  noAnswerTimer?: SipTimer;
  /** The next LINE_LINEDEVSTATE(RINGING) of an offering incoming call. */
  ringTimer?: SipTimer;
  generation?: Generation;
  readonly timers = new Set<SipTimer>();

  constructor(
    readonly callId: number,
    readonly device: SipDevice,
    readonly origin: number,
    readonly digits: CallDigits,
    mediaMode: number,
  ) {
    this.mediaMode = mediaMode;
  }

  get outbound(): boolean {
    return this.origin === LINECALLORIGIN.OUTBOUND;
  }

  get hasOwner(): boolean {
    for (const h of this.handles.values()) if (h.privilege === LINECALLPRIVILEGE.OWNER) return true;
    return false;
  }

  /** Not IDLE: occupies one of the line's call appearances. */
  get active(): boolean {
    return this.state !== S.IDLE;
  }

  callInfo(handle: CallHandle): LineCallInfo {
    let owners = 0;
    let monitors = 0;
    for (const h of this.handles.values()) {
      if (h.privilege === LINECALLPRIVILEGE.OWNER) owners++;
      else monitors++;
    }
    return {
      hLine: handle.line.hLine,
      lineDeviceId: this.device.deviceId,
      addressId: 0,
      bearerMode: LINEBEARERMODE.VOICE,
      rate: 64000,
      mediaMode: this.mediaMode,
      callId: this.callId,
      relatedCallId: 0,
      callParamFlags: 0,
      callStates: SIP_CALL_STATES,
      origin: this.origin,
      reason: this.redirection.id && !this.outbound ? LINECALLREASON.REDIRECT : LINECALLREASON.DIRECT,
      numOwners: owners,
      numMonitors: monitors,
      countryCode: 0,
      trunk: 0xffffffff,
      callerIdFlags: this.caller.flags,
      callerId: this.caller.id,
      callerIdName: this.caller.name,
      calledIdFlags: this.called.flags,
      calledId: this.called.id,
      calledIdName: this.called.name,
      connectedIdFlags: this.connected.flags,
      connectedId: this.connected.id,
      connectedIdName: this.connected.name,
      redirectionIdFlags: this.redirection.flags,
      redirectionId: this.redirection.id,
      redirectionIdName: this.redirection.name,
      redirectingIdFlags: LINECALLPARTYID.UNKNOWN,
      redirectingId: '',
      redirectingIdName: '',
      appName: '',
      displayableAddress: this.outbound ? this.dialled : '',
      calledParty: this.outbound ? this.called.name : '',
      comment: this.comment,
    };
  }

  callStatus(handle: CallHandle): LineCallStatus {
    let features = sipCallFeatures({
      state: this.state,
      privilege: handle.privilege,
      dialComplete: this.dialComplete || this.signalled,
      busy: this.busy,
      media: this.rtp !== undefined,
    });
    // The 200 is out and waits for its ACK: the call can only be dropped until it connects.
    if (this.answering) features &= ~(LINECALLFEATURE.ANSWER | LINECALLFEATURE.ACCEPT | LINECALLFEATURE.REDIRECT);
    return {
      callState: this.state,
      callStateMode: modeFor(handle.line.apiVersion, this.state, this.mode),
      callPrivilege: handle.privilege,
      callFeatures: features >>> 0,
      callFeatures2: 0,
      stateEntryTime: new Date(this.stateEntered.getTime()),
    };
  }
}
