// One call at the simulated exchange, the app's handles to it, and what lineGetCallInfo / lineGetCallStatus
// report about it.
import { LINECALLORIGIN, LINECALLPARAMFLAGS, LINECALLPARTYID, LINECALLPRIVILEGE, LINECALLREASON, LINECALLSTATE } from '../../constants';
import type { LineCallInfo, LineCallStatus, LineMonitorTone } from '../../provider';
import type { FarEnd } from './scenarios';
import type { GeneratedTone } from './options';
import { liveFeatures } from './features';
import type { Scenario } from './scenarios';
import type { SimDevice } from './devices';
import type { EffectiveCallParams } from './params';

/** An open line (one lineOpen). */
export interface SimLine {
  hLine: number;
  device: SimDevice;
  apiVersion: number;
  callbackInstance: number;
  privileges: number;
  /** Media modes the line wants to own (only meaningful with OWNER). */
  mediaModes: number;
  /** lineSetStatusMessages masks. */
  lineStates: number;
  addressStates: number;
  /** Opening order: the first OWNER line gets unsolicited ownership of incoming calls. */
  openSeq: number;
}

/** An app's handle to a call (owner or monitor). */
export interface SimCallHandle {
  hCall: number;
  line: SimLine;
  privilege: number;
  call: ExchangeCall;
  /** The first LINE_CALLSTATE for this handle carries the privilege; later ones 0. */
  announced: boolean;
  /** lineMonitorDigits / lineMonitorMedia masks and the lineMonitorTones list of this handle. */
  monitorDigitModes?: number;
  monitorMediaModes?: number;
  monitorTones?: readonly LineMonitorTone[];
}

/** The inband generation running on a call (one at a time across owners). */
export interface Generation {
  handle: SimCallHandle;
  timers: number[];
  tone?: GeneratedTone;
}

/** The gather running on a call (one at a time across owners). */
export interface Gather {
  handle: SimCallHandle;
  modes: number;
  numDigits: number;
  terminators: string;
  interTimeout: number;
  digits: string;
  timer: number | undefined;
}

/** The states the simulator can put a call in (LINECALLINFO.dwCallStates). */
export const REPORTED_CALL_STATES =
  LINECALLSTATE.IDLE |
  LINECALLSTATE.OFFERING |
  LINECALLSTATE.ACCEPTED |
  LINECALLSTATE.DIALTONE |
  LINECALLSTATE.DIALING |
  LINECALLSTATE.RINGBACK |
  LINECALLSTATE.BUSY |
  LINECALLSTATE.SPECIALINFO |
  LINECALLSTATE.CONNECTED |
  LINECALLSTATE.PROCEEDING |
  LINECALLSTATE.DISCONNECTED |
  LINECALLSTATE.ONHOLD |
  LINECALLSTATE.ONHOLDPENDTRANSFER |
  LINECALLSTATE.CONFERENCED |
  LINECALLSTATE.UNKNOWN;

export interface ExchangeCallInit {
  callId: number;
  device: SimDevice;
  origin: number;
  params: EffectiveCallParams;
  countryCode: number;
  appName: string;
  /** Incoming calls: what the caller presents. */
  callerId?: string;
  callerIdName?: string;
  calledId?: string;
  blocked?: boolean;
}

export class ExchangeCall {
  readonly callId: number;
  readonly device: SimDevice;
  readonly origin: number;
  readonly params: EffectiveCallParams;
  readonly countryCode: number;
  readonly handles = new Map<number, SimCallHandle>();
  state = 0;
  mode = 0;
  stateEntered = new Date();
  /** Name of the app that placed or answered the call ('' until then). */
  appName: string;

  // Outgoing calls.
  /** The number dialled so far (makeCall + every lineDial), as written, without `;`. */
  dialled = '';
  calledIdName = '';
  /** Dialling is complete (no trailing `;`): lineDial is no longer accepted. */
  dialComplete = false;
  scenario: Scenario | undefined;
  noAnswerTimer: number | undefined;

  // Incoming calls.
  readonly callerId: string | undefined;
  readonly callerIdName: string | undefined;
  readonly calledId: string | undefined;
  readonly blocked: boolean;
  ringCount = 0;

  everConnected = false;

  // Call control.
  /** setupTransfer links the held call and its consultation call (whichever is ONHOLDPENDTRANSFER is the held one). */
  transferPeer: ExchangeCall | undefined;
  /** A conference member: its conference call; a conference call: its members. */
  conference: ExchangeCall | undefined;
  readonly members: ExchangeCall[] = [];
  redirectedTo = '';

  // Signals.
  generation: Generation | undefined;
  gather: Gather | undefined;
  /** What our side generated (the simulator's `generated` control). */
  readonly generated: { digits: string; tones: GeneratedTone[] } = { digits: '', tones: [] };
  /** What the far end does once connected (scenario, or the digits of presentIncomingCall). */
  farEnd: FarEnd | undefined;
  farEndStarted = false;
  /** What the far end says (issue 14): 8 kHz PCM segments by simulated start second, in order. */
  readonly speech: Array<{ start: number; pcm: Int16Array }> = [];
  /** What our side played into the call (the `heard` control): whole 8 kHz frames, in order. */
  readonly heard: Int16Array[] = [];

  constructor(init: ExchangeCallInit) {
    this.callId = init.callId;
    this.device = init.device;
    this.origin = init.origin;
    this.params = init.params;
    this.countryCode = init.countryCode;
    this.appName = init.appName;
    this.callerId = init.callerId;
    this.callerIdName = init.callerIdName;
    this.calledId = init.calledId;
    this.blocked = init.blocked === true;
  }

  get outbound(): boolean {
    return this.origin === LINECALLORIGIN.OUTBOUND;
  }

  count(privilege: number): number {
    let n = 0;
    for (const h of this.handles.values()) if (h.privilege === privilege) n++;
    return n;
  }

  get hasOwner(): boolean {
    return this.count(LINECALLPRIVILEGE.OWNER) > 0;
  }

  callInfo(handle: SimCallHandle): LineCallInfo {
    const UNKNOWN = LINECALLPARTYID.UNKNOWN;
    const UNAVAIL = LINECALLPARTYID.UNAVAIL;
    let callerIdFlags: number;
    let callerId = '';
    let callerIdName = '';
    let calledIdFlags: number;
    let calledId: string;
    let calledIdName = '';
    if (this.outbound) {
      if (this.params.callParamFlags & LINECALLPARAMFLAGS.BLOCKID) {
        callerIdFlags = LINECALLPARTYID.BLOCKED;
      } else {
        callerIdFlags = LINECALLPARTYID.ADDRESS | LINECALLPARTYID.NAME;
        callerId = this.device.address;
        callerIdName = this.device.name;
      }
      calledId = this.dialled;
      calledIdName = this.calledIdName;
      calledIdFlags =
        (calledId ? LINECALLPARTYID.ADDRESS | (this.dialComplete ? 0 : LINECALLPARTYID.PARTIAL) : UNKNOWN) |
        (calledIdName ? LINECALLPARTYID.NAME : 0);
    } else {
      if (this.blocked) {
        callerIdFlags = LINECALLPARTYID.BLOCKED;
      } else {
        callerId = this.callerId ?? '';
        callerIdName = this.callerIdName ?? '';
        callerIdFlags = (callerId ? LINECALLPARTYID.ADDRESS : 0) | (callerIdName ? LINECALLPARTYID.NAME : 0);
        if (callerIdFlags === 0) callerIdFlags = UNAVAIL;
      }
      calledId = this.calledId ?? this.device.address;
      calledIdFlags = LINECALLPARTYID.ADDRESS;
    }
    let connectedIdFlags: number = UNKNOWN;
    let connectedId = '';
    let connectedIdName = '';
    if (this.everConnected) {
      if (this.outbound) {
        connectedId = calledId;
        connectedIdName = calledIdName;
        connectedIdFlags = LINECALLPARTYID.ADDRESS | (calledIdName ? LINECALLPARTYID.NAME : 0);
      } else {
        connectedId = callerId;
        connectedIdName = callerIdName;
        connectedIdFlags = callerIdFlags;
      }
    }
    return {
      hLine: handle.line.hLine,
      lineDeviceId: this.device.deviceId,
      addressId: this.params.addressId,
      bearerMode: this.params.bearerMode,
      rate: this.params.rate,
      mediaMode: this.params.mediaMode,
      callId: this.callId,
      relatedCallId: 0,
      callParamFlags: this.params.callParamFlags,
      callStates: REPORTED_CALL_STATES,
      origin: this.origin,
      reason: LINECALLREASON.DIRECT,
      numOwners: this.count(LINECALLPRIVILEGE.OWNER),
      numMonitors: this.count(LINECALLPRIVILEGE.MONITOR),
      countryCode: this.countryCode,
      trunk: 0xffffffff,
      callerIdFlags,
      callerId,
      callerIdName,
      calledIdFlags,
      calledId,
      calledIdName,
      connectedIdFlags,
      connectedId,
      connectedIdName,
      redirectionIdFlags: UNAVAIL,
      redirectionId: '',
      redirectionIdName: '',
      redirectingIdFlags: UNAVAIL,
      redirectingId: '',
      redirectingIdName: '',
      appName: this.appName,
      displayableAddress: this.params.displayableAddress,
      calledParty: this.params.calledParty,
      comment: this.params.comment,
    };
  }

  /** `peers`: the other active calls of the device (for swapHold). */
  callStatus(handle: SimCallHandle, peers: Iterable<ExchangeCall> = []): LineCallStatus {
    const { features, features2 } = liveFeatures(this, handle, peers);
    return {
      callState: this.state,
      callStateMode: this.mode,
      callPrivilege: handle.privilege,
      callFeatures: features,
      callFeatures2: features2,
      stateEntryTime: new Date(this.stateEntered.getTime()),
    };
  }
}
