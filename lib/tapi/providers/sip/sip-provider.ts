// SipProvider: the LineProvider + MediaProvider seam over the SIP user agent (core/) and RTP (media/). One
// account = one line device with one address; everything reaches lib/tapi as LINE_* messages in one ordered
// queue, like the simulator and win32, so lib/tapi and the nodes know nothing of SIP.
//
// Choices (the mapping itself is in status-map.ts, identity.ts, target.ts, sip-caps.ts):
//  * A device's user agent starts when its first line is opened (REGISTER when the account registers) and
//    closes with its last line (unregister, BYE / CANCEL of its calls, sockets and timers freed); whenClosed()
//    resolves once every user agent is closed. Calls placed before the user agent is up wait for it.
//  * Every async function returns its request id at once. makeCall, dial, drop, answer, accept and redirect
//    queue their LINE_REPLY at once (the SIP work follows); hold, unhold and blindTransfer queue it when the
//    re-INVITE / REFER has its answer (failure: LINEERR_OPERATIONFAILED, the reason in the call info comment).
//  * Outgoing calls report DIALTONE and DIALING like a phone line (a trailing ";" keeps collecting digits
//    locally until lineDial completes the number), then the INVITE goes out.
//  * The provider dials nothing the seam did not ask for: a 3xx to our INVITE ends the call
//    (DISCONNECTED(FORWARDED), targets in the call info), a REFER from the far end is declined by the user agent.
//  * Registration: the first 2xx reports LINE_LINEDEVSTATE(INSERVICE); a failure reports OUTOFSERVICE (once,
//    while the user agent retries with back-off) and the next success INSERVICE again. A registrar that
//    refuses the account for good — 403, 404, or 401/407 to our credentials — closes the device's lines
//    (LINE_CLOSE) and its user agent: retrying would only repeat the refusal (and may get the address banned).
//    accountStatus(deviceId) tells why, in words (never a credential).
//  * An incoming call when no line of the device is open: 480. More calls than maxCalls: 486.
import {
  LINECALLORIGIN,
  LINECALLPARTYID,
  LINECALLPRIVILEGE,
  LINECALLSTATE as S,
  LINEDEVSTATE,
  LINEDIALTONEMODE,
  LINEMAPPER,
  LINEMEDIAMODE,
  LINE_MESSAGE,
  TAPI_VERSION,
} from '../../constants';
import { TapiError } from '../../errors';
import type {
  InitializeResult,
  LineAddressCaps,
  LineCallInfo,
  LineCallParams,
  LineCallStatus,
  LineDevCaps,
  LineGatherRequest,
  LineGenerateTone,
  LineMonitorTone,
  LineProvider,
  MessageHandler,
} from '../../provider';
import { RtpSession } from './media';
import { realClock } from './media/clock';
import { hangUp, releaseMedia } from './call-end';
import { validateSipOptions, type SipOptions } from './options';
import { SipCall, type CallHandle, type OpenLine } from './sip-call';
import { sipDevCaps, SIP_HIGHEST_VERSION, SIP_MEDIA_MODES, SIP_VERSIONS } from './sip-caps';
import { CallDigits } from './sip-digits';
import { SipDevice, type DeviceStatus } from './sip-device';
import { answerIncoming, offerIncoming, type IncomingDeps } from './sip-incoming';
import { SipMediaSeam } from './sip-media-seam';
import { startInvite } from './sip-outgoing';
import { SipSeamControl } from './sip-seam-control';
import { SipSeamSignals } from './sip-seam-signals';
import type { SeamContext } from './seam-context';
import { Counter, SipSession } from './session';
import { dialledPart, digitsUri, isSipUri, sipTarget } from './target';
import { startCoreUserAgent, type RegistrationEvent, type StartUserAgent, type UserAgentPort, type UserAgentStartOptions } from './ua-port';

const VALID_PRIVILEGES = new Set<number>([
  LINECALLPRIVILEGE.NONE,
  LINECALLPRIVILEGE.MONITOR,
  LINECALLPRIVILEGE.OWNER,
  LINECALLPRIVILEGE.OWNER | LINECALLPRIVILEGE.MONITOR,
]);
/** Registration refusals that retrying cannot fix. */
const REFUSED_FOR_GOOD = new Set([401, 403, 404, 407]);

/** Test and integration hooks beside the user's options. */
export interface SipProviderHooks {
  /** How a user agent starts (default: the core's SipUserAgent.start). */
  startUserAgent?: StartUserAgent;
  /** Timer and retry settings for the user agents (tests shorten them). */
  userAgent?: Omit<UserAgentStartOptions, 'clock' | 'userAgent'>;
}

export interface SipOutstanding {
  lines: number;
  calls: number;
  requests: number;
  /** User agents running or still closing. */
  userAgents: number;
  queued: number;
}

export class SipProvider implements LineProvider {
  readonly kind = 'sip' as const;
  readonly options: SipOptions;
  private readonly devices: SipDevice[];
  private current: SipSession | undefined;
  private readonly negotiated = new Map<number, Set<number>>();
  private readonly requestIds = new Counter(1);
  private readonly lineHandles = new Counter(0x00030001);
  private readonly callHandles = new Counter(0x00400001);
  private readonly callIds = new Counter(0x00e00001);
  private readonly closing = new Set<Promise<void>>();
  private readonly clock;
  private readonly seam: SeamContext = {
    session: (op) => this.session(op),
    handle: (hCall, op) => this.handle(hCall, op),
    owned: (hCall, op) => this.owned(hCall, op),
    line: (hLine, op) => this.line(hLine, op),
    device: (deviceId, op) => this.device(deviceId, op),
    checkVersion: (deviceId, apiVersion, op) => this.checkVersion(deviceId, apiVersion, op),
  };
  private readonly control = new SipSeamControl(this.seam);
  private readonly signals = new SipSeamSignals(this.seam);
  /** The media seam: the call's RTP session. */
  readonly media = new SipMediaSeam(this.seam);
  private readonly incomingDeps: IncomingDeps = {
    openRtp: (device, ua) => this.openRtp(device, ua),
    nextCallId: () => this.callIds.take(),
    digits: (session) => this.newDigits(session),
    live: (session) => this.current === session,
    ringIntervalMs: () => this.options.ringIntervalMs,
  };

  constructor(options: unknown, hooks: SipProviderHooks = {}) {
    this.options = validateSipOptions(options);
    this.clock = this.options.clock ?? realClock;
    const start = hooks.startUserAgent ?? startCoreUserAgent;
    const uaOptions: UserAgentStartOptions = { ...hooks.userAgent, clock: this.options.clock, userAgent: this.options.userAgent };
    this.devices = this.options.accounts.map(
      (account, i) =>
        new SipDevice(i, account, this.options.lines[i], start, uaOptions, {
          incoming: (device, call) => {
            const session = this.current;
            if (!session) return call.reject(480, 'Temporarily Unavailable');
            offerIncoming(session, device, call, this.incomingDeps);
          },
          registration: (device, event) => this.onRegistration(device, event),
          failed: (device, reason) => this.onDeviceFailed(device, reason),
        }),
    );
  }

  // ---- the seam: session and lines ---------------------------------------------------------------

  initialize(appName: string, onMessage: MessageHandler): InitializeResult {
    const op = 'lineInitializeEx';
    if (this.current) throw TapiError.of('INVALAPPHANDLE', op, 'already initialised: the SIP provider serves one application');
    if (typeof onMessage !== 'function') throw TapiError.of('INVALPOINTER', op, 'a message handler is required');
    if (appName !== null && appName !== undefined && typeof appName !== 'string') throw TapiError.of('INVALAPPNAME', op);
    const session = new SipSession(onMessage, this.clock, this.requestIds, this.callHandles);
    session.onCallGone = (call) => {
      hangUp(call);
      releaseMedia(session, call);
    };
    this.current = session;
    this.negotiated.clear();
    return { numDevs: this.devices.length, apiVersion: SIP_HIGHEST_VERSION };
  }

  negotiateApiVersion(deviceId: number, low: number, high: number): number {
    const op = 'lineNegotiateAPIVersion';
    this.session(op);
    this.device(deviceId, op);
    const candidates = SIP_VERSIONS.filter((v) => v >= low >>> 0 && v <= high >>> 0);
    if (candidates.length === 0)
      throw TapiError.of(
        'INCOMPATIBLEAPIVERSION',
        op,
        `no supported version in [0x${(low >>> 0).toString(16)}, 0x${(high >>> 0).toString(16)}]`,
      );
    const version = candidates[candidates.length - 1];
    let set = this.negotiated.get(deviceId);
    if (!set) this.negotiated.set(deviceId, (set = new Set()));
    set.add(version);
    return version;
  }

  getDevCaps(deviceId: number, apiVersion: number): LineDevCaps {
    const op = 'lineGetDevCaps';
    this.session(op);
    const device = this.device(deviceId, op);
    this.checkVersion(deviceId, apiVersion, op);
    return sipDevCaps(device.description, apiVersion >>> 0);
  }

  open(deviceId: number, apiVersion: number, callbackInstance: number, privileges: number, mediaModes: number): number {
    const op = 'lineOpen';
    const session = this.session(op);
    if (deviceId >>> 0 === LINEMAPPER) throw TapiError.of('BADDEVICEID', op, 'LINEMAPPER is not supported by the SIP provider');
    const device = this.device(deviceId, op);
    this.checkVersion(deviceId, apiVersion, op);
    const privs = privileges >>> 0;
    if (!VALID_PRIVILEGES.has(privs))
      throw TapiError.of('INVALPRIVSELECT', op, `privileges 0x${privs.toString(16)}: NONE alone, or MONITOR and/or OWNER`);
    const owner = (privs & LINECALLPRIVILEGE.OWNER) !== 0;
    const media = mediaModes >>> 0;
    if (owner && (media === 0 || (media & ~(SIP_MEDIA_MODES | LINEMEDIAMODE.UNKNOWN)) !== 0)) {
      throw TapiError.of('INVALMEDIAMODE', op, `media modes 0x${media.toString(16)} are not offered by a SIP line`);
    }
    if (device.status.service === 'closed') throw TapiError.of('RESOURCEUNAVAIL', op, device.status.reason || 'the SIP account is closed');
    const line: OpenLine = {
      hLine: this.lineHandles.take(),
      device,
      apiVersion: apiVersion >>> 0,
      callbackInstance,
      privileges: privs,
      mediaModes: owner ? media : 0,
      lineStates: 0,
      addressStates: 0,
      openSeq: session.nextOpenSeq(),
    };
    session.lines.set(line.hLine, line);
    device.ready().catch(() => undefined);
    return line.hLine;
  }

  setStatusMessages(hLine: number, lineStates: number, addressStates: number): void {
    const op = 'lineSetStatusMessages';
    this.session(op);
    const line = this.line(hLine, op);
    if ((lineStates >>> 0) & ~0x01ffffff) throw TapiError.of('INVALLINESTATE', op, 'undefined LINEDEVSTATE bits');
    if ((addressStates >>> 0) & ~0x1ff) throw TapiError.of('INVALADDRESSSTATE', op, 'undefined LINEADDRESSSTATE bits');
    line.lineStates = lineStates >>> 0;
    line.addressStates = addressStates >>> 0;
  }

  close(hLine: number): void {
    const op = 'lineClose';
    const session = this.session(op);
    this.closeLine(session, this.line(hLine, op));
  }

  shutdown(): void {
    const session = this.current;
    this.current = undefined;
    this.negotiated.clear();
    if (!session) return;
    for (const call of session.calls) {
      hangUp(call);
      if (call.ringTimer) session.clock.clearTimeout(call.ringTimer);
      releaseMedia(undefined, call);
      call.digits.dispose();
    }
    session.clear();
    for (const device of this.devices) this.track(device.stop());
  }

  // ---- the seam: calls ---------------------------------------------------------------------------

  makeCall(hLine: number, destAddress: string | null, countryCode: number, params: LineCallParams | null): number {
    const op = 'lineMakeCall';
    const session = this.session(op);
    const line = this.line(hLine, op);
    const device = line.device;
    checkCountryCode(countryCode, op);
    const mediaMode = params?.mediaMode ?? LINEMEDIAMODE.INTERACTIVEVOICE;
    if (mediaMode === 0 || mediaMode & ~(SIP_MEDIA_MODES | LINEMEDIAMODE.UNKNOWN))
      throw TapiError.of('INVALMEDIAMODE', op, 'a SIP call carries voice');
    const noAnswer = params?.noAnswerTimeout ?? 0;
    if (!Number.isInteger(noAnswer) || noAnswer < 0 || noAnswer > 3600)
      throw TapiError.of('INVALCALLPARAMS', op, 'noAnswerTimeout is 0..3600 s');
    let uri: string | undefined;
    let digits = '';
    let name: string | undefined;
    if (destAddress !== null && destAddress !== undefined && destAddress !== '') {
      if (isSipUri(destAddress)) uri = sipTarget(destAddress, device.domain, op).uri;
      else {
        const part = dialledPart(destAddress, op);
        digits = part.digits;
        name = part.name;
        if (!part.partial) uri = digitsUri(digits, device.domain, op);
      }
    }
    if (session.activeCalls(device.deviceId) >= device.description.maxCalls) {
      throw TapiError.of('CALLUNAVAIL', op, `the line has ${device.description.maxCalls} call appearance(s), all in use`);
    }
    const call = new SipCall(this.callIds.take(), device, LINECALLORIGIN.OUTBOUND, this.newDigits(session), mediaMode);
    call.noAnswerTimeout = noAnswer;
    call.caller = {
      id: device.description.address,
      name: device.account.displayName ?? '',
      flags: LINECALLPARTYID.ADDRESS | (device.account.displayName ? LINECALLPARTYID.NAME : 0),
    };
    session.calls.add(call);
    const owner = session.addHandle(call, line, LINECALLPRIVILEGE.OWNER);
    for (const other of session.linesOf(device.deviceId)) {
      if (other !== line && other.privileges & LINECALLPRIVILEGE.MONITOR) session.addHandle(call, other, LINECALLPRIVILEGE.MONITOR);
    }
    const id = session.reply(line, 0, owner.hCall);
    session.announceToMonitors(call, (l) => l.apiVersion >= TAPI_VERSION.V2_0);
    session.setState(call, S.DIALTONE, LINEDIALTONEMODE.NORMAL);
    this.continueDialling(session, call, uri ?? destAddress ?? '', uri, digits, name);
    return id;
  }

  dial(hCall: number, destAddress: string, countryCode: number): number {
    const op = 'lineDial';
    const session = this.session(op);
    const h = this.owned(hCall, op);
    const call = h.call;
    if ((call.state !== S.DIALTONE && call.state !== S.DIALING) || call.signalled || call.dialComplete) {
      throw TapiError.of(
        'INVALCALLSTATE',
        op,
        'lineDial continues a call in dialtone or dialing only (use generateDigits on a connected call)',
      );
    }
    checkCountryCode(countryCode, op);
    let uri: string | undefined;
    let digits = '';
    if (destAddress === '' || destAddress === null || destAddress === undefined) {
      if (call.dialled === '') throw TapiError.of('INVALADDRESS', op, 'nothing has been dialled yet');
      uri = digitsUri(call.dialled, call.device.domain, op);
    } else if (isSipUri(destAddress)) {
      if (call.dialled !== '') throw TapiError.of('INVALADDRESS', op, 'a URI cannot follow digits');
      uri = sipTarget(destAddress, call.device.domain, op).uri;
    } else {
      const part = dialledPart(destAddress, op);
      digits = part.digits;
      if (!part.partial) uri = digitsUri(call.dialled + digits, call.device.domain, op);
    }
    const id = session.reply(h.line, 0);
    this.continueDialling(session, call, destAddress ?? '', uri, digits, undefined);
    return id;
  }

  drop(hCall: number, userUserInfo?: Uint8Array): number {
    const op = 'lineDrop';
    const session = this.session(op);
    const h = this.owned(hCall, op);
    const call = h.call;
    if (call.state === S.IDLE) throw TapiError.of('INVALCALLSTATE', op, 'the call is already idle');
    if ((userUserInfo?.length ?? 0) > 0) throw TapiError.of('USERUSERINFOTOOBIG', op, 'a SIP line carries no user-user information');
    const id = session.reply(h.line, 0);
    hangUp(call);
    releaseMedia(session, call);
    session.setState(call, S.IDLE, 0);
    return id;
  }

  answer(hCall: number, userUserInfo?: Uint8Array): number {
    const op = 'lineAnswer';
    const session = this.session(op);
    const h = this.owned(hCall, op);
    const call = h.call;
    if ((call.state !== S.OFFERING && call.state !== S.ACCEPTED) || !call.incoming) {
      throw TapiError.of('INVALCALLSTATE', op, `the call is ${call.state === S.CONNECTED ? 'connected' : 'not offering'}`);
    }
    if (call.answering) throw TapiError.of('INVALCALLSTATE', op, 'the call is being answered');
    if ((userUserInfo?.length ?? 0) > 0) throw TapiError.of('USERUSERINFOTOOBIG', op, 'a SIP line carries no user-user information');
    const id = session.reply(h.line, 0);
    answerIncoming(session, call);
    return id;
  }

  deallocateCall(hCall: number): void {
    const op = 'lineDeallocateCall';
    const session = this.session(op);
    const h = this.handle(hCall, op);
    if (h.privilege === LINECALLPRIVILEGE.OWNER && h.call.state !== S.IDLE && h.line.apiVersion < TAPI_VERSION.V2_0) {
      throw TapiError.of('INVALCALLSTATE', op, 'before TAPI 2.0 an owner can deallocate an idle call only');
    }
    session.removeHandle(h);
  }

  getCallInfo(hCall: number): LineCallInfo {
    const op = 'lineGetCallInfo';
    this.session(op);
    const h = this.handle(hCall, op);
    return h.call.callInfo(h);
  }

  getCallStatus(hCall: number): LineCallStatus {
    const op = 'lineGetCallStatus';
    this.session(op);
    const h = this.handle(hCall, op);
    return h.call.callStatus(h);
  }

  // ---- call control, digits, tones (sip-seam-control.ts, sip-seam-signals.ts) -----------------------

  accept(hCall: number, userUserInfo?: Uint8Array): number {
    return this.control.accept(hCall, userUserInfo);
  }
  redirect(hCall: number, destAddress: string, countryCode: number): number {
    return this.control.redirect(hCall, destAddress, countryCode);
  }
  blindTransfer(hCall: number, destAddress: string, countryCode: number): number {
    return this.control.blindTransfer(hCall, destAddress, countryCode);
  }
  setupTransfer(hCall: number, _params: LineCallParams | null): number {
    return this.control.setupTransfer(hCall, (line) => this.consultCall(line, hCall));
  }
  completeTransfer(hCall: number, hConsultCall: number, transferMode: number): number {
    return this.control.completeTransfer(hCall, hConsultCall, transferMode);
  }

  /** The consultation call of lineSetupTransfer: outbound, no number yet, owned on `line` (state set by the caller). */
  private consultCall(line: OpenLine, hHeld: number): CallHandle {
    const session = this.session('lineSetupTransfer');
    const device = line.device;
    const heldCall = session.handles.get(hHeld)?.call;
    const call = new SipCall(
      this.callIds.take(),
      device,
      LINECALLORIGIN.OUTBOUND,
      this.newDigits(session),
      heldCall?.mediaMode ?? LINEMEDIAMODE.INTERACTIVEVOICE,
    );
    call.caller = {
      id: device.description.address,
      name: device.account.displayName ?? '',
      flags: LINECALLPARTYID.ADDRESS | (device.account.displayName ? LINECALLPARTYID.NAME : 0),
    };
    session.calls.add(call);
    const owner = session.addHandle(call, line, LINECALLPRIVILEGE.OWNER);
    for (const other of session.linesOf(device.deviceId)) {
      if (other !== line && other.privileges & LINECALLPRIVILEGE.MONITOR) session.addHandle(call, other, LINECALLPRIVILEGE.MONITOR);
    }
    session.announceToMonitors(call, (l) => l.apiVersion >= TAPI_VERSION.V2_0);
    return owner;
  }
  hold(hCall: number): number {
    return this.control.hold(hCall);
  }
  unhold(hCall: number): number {
    return this.control.unhold(hCall);
  }
  swapHold(hActiveCall: number, _hHeldCall: number): number {
    return this.control.swapHold(hActiveCall);
  }
  setCallPrivilege(hCall: number, privilege: number): void {
    this.control.setCallPrivilege(hCall, privilege);
  }
  setMediaMode(hCall: number, mediaModes: number): void {
    this.control.setMediaMode(hCall, mediaModes);
  }
  handoff(hCall: number, fileName: string | null, mediaMode: number): void {
    this.control.handoff(hCall, fileName, mediaMode);
  }
  generateDigits(hCall: number, digitMode: number, digits: string | null, duration: number): void {
    this.signals.generateDigits(hCall, digitMode, digits, duration);
  }
  generateTone(hCall: number, toneMode: number, duration: number, tones: readonly LineGenerateTone[]): void {
    this.signals.generateTone(hCall, toneMode, duration, tones);
  }
  monitorDigits(hCall: number, digitModes: number): void {
    this.signals.monitorDigits(hCall, digitModes);
  }
  gatherDigits(hCall: number, digitModes: number, request: LineGatherRequest | null): void {
    this.signals.gatherDigits(hCall, digitModes, request);
  }
  monitorTones(hCall: number, tones: readonly LineMonitorTone[] | null): void {
    this.signals.monitorTones(hCall, tones);
  }
  monitorMedia(hCall: number, mediaModes: number): void {
    this.signals.monitorMedia(hCall, mediaModes);
  }
  getAddressCaps(deviceId: number, addressId: number, apiVersion: number): LineAddressCaps {
    return this.signals.getAddressCaps(deviceId, addressId, apiVersion);
  }
  setAppPriority(appFilename: string, mediaMode: number, requestMode: number, priority: number): void {
    this.signals.setAppPriority(appFilename, mediaMode, requestMode, priority);
  }

  // ---- beyond the seam -----------------------------------------------------------------------------

  /** The account behind a line device: registration and service state, and why (never a credential). */
  accountStatus(deviceId: number): DeviceStatus {
    const device = this.device(deviceId, 'accountStatus');
    return { ...device.status };
  }

  /** The SIP Call-ID of a call handle (diagnostics and test harnesses), undefined before the INVITE. */
  sipCallId(hCall: number): string | undefined {
    return this.current?.handles.get(hCall)?.call.sipCallId;
  }

  /** Resolves once every user agent stopped by close() / shutdown() has closed its sockets and timers. */
  async whenClosed(): Promise<void> {
    while (this.closing.size > 0) await Promise.all([...this.closing]);
  }

  /** What the provider still holds: all zero after shutdown() and whenClosed(). */
  outstanding(): SipOutstanding {
    const s = this.current;
    const userAgents = this.devices.filter((d) => d.running).length + this.closing.size;
    if (!s) return { lines: 0, calls: 0, requests: 0, userAgents, queued: 0 };
    return { lines: s.lines.size, calls: s.handles.size, requests: s.requests.size, userAgents, queued: s.queue.size };
  }

  get initialized(): boolean {
    return this.current !== undefined;
  }

  // ---- helpers ---------------------------------------------------------------------------------------

  private continueDialling(session: SipSession, call: SipCall, _raw: string, uri: string | undefined, digits: string, name?: string): void {
    call.dialled += digits;
    if (name) call.called = { ...call.called, name };
    if (uri === undefined) {
      if (call.dialled !== '') {
        call.called = { id: call.dialled, name: call.called.name, flags: LINECALLPARTYID.ADDRESS | LINECALLPARTYID.PARTIAL };
        session.setState(call, S.DIALING, 0);
      }
      return;
    }
    call.dialComplete = true;
    call.target = uri;
    const id = call.dialled !== '' ? call.dialled : uri;
    if (call.dialled === '') call.dialled = uri;
    call.called = { id, name: call.called.name, flags: LINECALLPARTYID.ADDRESS | (call.called.name ? LINECALLPARTYID.NAME : 0) };
    session.setState(call, S.DIALING, 0);
    startInvite(session, call, { openRtp: (device, ua) => this.openRtp(device, ua) });
  }

  private openRtp(device: SipDevice, ua: UserAgentPort): Promise<RtpSession> {
    const bindAddress = device.account.bindAddress ?? ua.localAddress ?? '0.0.0.0';
    return RtpSession.open({ bindAddress, portRange: this.options.rtp.portRange });
  }

  private newDigits(session: SipSession): CallDigits {
    return new CallDigits(
      session.clock,
      (hCall, messageId, p1, p2, p3, extra) => {
        const h = session.handles.get(hCall);
        if (h) session.callMessage(h, messageId, p1, p2, p3, extra);
      },
      () => session.tick(),
    );
  }

  private onRegistration(device: SipDevice, event: RegistrationEvent): void {
    const session = this.current;
    const said = event.status !== undefined ? `SIP ${event.status}${event.reason ? ` ${event.reason}` : ''}` : event.reason || event.state;
    const before = device.status.service;
    // 'registering' keeps the reason of the failure it retries after.
    const reason = event.state === 'registering' && device.status.reason ? device.status.reason : said;
    device.status = { ...device.status, registration: event.state, status: event.status ?? device.status.status, reason };
    if (!session) return;
    if (event.state === 'registered') {
      if (before !== 'inservice') {
        device.status.service = 'inservice';
        for (const line of session.linesOf(device.deviceId))
          session.lineMessage(line, LINE_MESSAGE.LINE_LINEDEVSTATE, LINEDEVSTATE.INSERVICE, 0, 0);
      }
      return;
    }
    if (event.state !== 'failed') return;
    if (event.status !== undefined && REFUSED_FOR_GOOD.has(event.status)) {
      return this.onDeviceFailed(device, `the registrar refused the account: ${reason}`);
    }
    if (before !== 'outofservice') {
      device.status.service = 'outofservice';
      for (const line of session.linesOf(device.deviceId))
        session.lineMessage(line, LINE_MESSAGE.LINE_LINEDEVSTATE, LINEDEVSTATE.OUTOFSERVICE, 0, 0);
    }
  }

  /** The account cannot work: every line of the device gets LINE_CLOSE, its user agent stops. */
  private onDeviceFailed(device: SipDevice, reason: string): void {
    const session = this.current;
    this.track(device.stop());
    device.status = { ...device.status, service: 'closed', reason };
    if (!session) return;
    for (const line of session.linesOf(device.deviceId)) {
      this.closeLine(session, line, false);
      session.queue.push({
        message: {
          hDevice: line.hLine,
          messageId: LINE_MESSAGE.LINE_CLOSE,
          callbackInstance: line.callbackInstance,
          param1: 0,
          param2: 0,
          param3: 0,
        },
      });
    }
  }

  /** lineClose: the line's queued messages and outstanding replies go, its sole-owned calls are dropped. */
  private closeLine(session: SipSession, line: OpenLine, stopDevice = true): void {
    for (const h of [...session.handles.values()]) {
      if (h.line !== line) continue;
      const call = h.call;
      const otherOwner = [...call.handles.values()].some((x) => x !== h && x.privilege === LINECALLPRIVILEGE.OWNER && x.line !== line);
      if (h.privilege === LINECALLPRIVILEGE.OWNER && !otherOwner && call.state !== S.IDLE) {
        hangUp(call);
        releaseMedia(session, call);
        session.setState(call, S.IDLE, 0);
      }
      session.removeHandle(h);
    }
    for (const [id, hLine] of session.requests) if (hLine === line.hLine) session.requests.delete(id);
    session.queue.purge((item) => item.hLine === line.hLine);
    session.lines.delete(line.hLine);
    if (stopDevice && session.linesOf(line.device.deviceId).length === 0) this.track(line.device.stop());
  }

  private track(promise: Promise<void>): void {
    const p = promise
      .catch(() => undefined)
      .then(() => {
        this.closing.delete(p);
      });
    this.closing.add(p);
  }

  private session(op: string): SipSession {
    if (!this.current) throw TapiError.of('UNINITIALIZED', op, 'call initialize() first');
    return this.current;
  }

  private device(deviceId: number, op: string): SipDevice {
    const device = Number.isInteger(deviceId) ? this.devices[deviceId] : undefined;
    if (!device) throw TapiError.of('BADDEVICEID', op, `device ${deviceId}; there are ${this.devices.length}`);
    return device;
  }

  private checkVersion(deviceId: number, apiVersion: number, op: string): void {
    if (!this.negotiated.get(deviceId)?.has(apiVersion >>> 0)) {
      throw TapiError.of(
        'INCOMPATIBLEAPIVERSION',
        op,
        `version 0x${(apiVersion >>> 0).toString(16)} was not negotiated for device ${deviceId}`,
      );
    }
  }

  private line(hLine: number, op: string): OpenLine {
    const line = this.current?.lines.get(hLine);
    if (!line) throw TapiError.of('INVALLINEHANDLE', op);
    return line;
  }

  private handle(hCall: number, op: string): CallHandle {
    const h = this.current?.handles.get(hCall);
    if (!h) throw TapiError.of('INVALCALLHANDLE', op);
    return h;
  }

  private owned(hCall: number, op: string): CallHandle {
    const h = this.handle(hCall, op);
    if (h.privilege !== LINECALLPRIVILEGE.OWNER) throw TapiError.of('NOTOWNER', op, 'this handle has monitor privilege');
    return h;
  }
}

function checkCountryCode(countryCode: number, op: string): void {
  if (!Number.isInteger(countryCode) || countryCode < 0 || countryCode > 999)
    throw TapiError.of('INVALCOUNTRYCODE', op, `country code ${countryCode}`);
}
