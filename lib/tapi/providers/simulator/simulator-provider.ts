// SimulatorProvider: the LineProvider seam over the simulated exchange (pure TypeScript, no native code).
//
// It behaves like TAPI 2.x as seen through lineGetMessage:
//  * async functions (makeCall, dial, drop, answer) return a positive request id synchronously; the
//    LINE_REPLY(id, result) follows later, never from inside the call (unless replyBeforeReturn is armed);
//  * every message goes through one ordered queue and reaches onMessage in a later macrotask;
//  * synchronous errors are thrown as TapiError with the LINEERR code TAPI would return.
//
// Choices (see also exchange.ts):
//  * One application per provider: initialize() while initialised throws LINEERR_INVALAPPHANDLE (the seam has
//    no hLineApp to hand out a second one). After shutdown() it may be initialised again; handle values and
//    request ids keep counting and are never reused by one provider instance.
//  * open(): LINEMAPPER and device ids >= numDevs -> BADDEVICEID; an API version that negotiateApiVersion did
//    not return for that device (this session) -> INCOMPATIBLEAPIVERSION; privileges other than NONE, MONITOR,
//    OWNER, OWNER|MONITOR (including the LINEOPENOPTION_* bits, which need LINECALLPARAMS the seam does not
//    carry) -> INVALPRIVSELECT; with OWNER, media modes 0 or outside the device's -> INVALMEDIAMODE.
//  * Country codes: 0 (default) or 1..999; anything else -> INVALCOUNTRYCODE.
//  * makeCall checks, in this order: line handle, country code, call parameters, dial string (with the line's
//    capabilities), free call appearance (LINEDEVCAPS.dwMaxNumActiveCalls, else CALLUNAVAIL), then failNext.
//  * failNext applies to the next call that passes every other check (it models the provider failing).
import {
  LINECALLORIGIN,
  LINECALLPRIVILEGE,
  LINECALLSTATE,
  LINEDISCONNECTMODE,
  LINEMAPPER,
  LINEMEDIAMODE,
  LINE_MESSAGE,
  TAPI_VERSION,
} from '../../constants';
import { TapiError, TapiValidationError } from '../../errors';
import { validateDialable } from '../../address';
import type {
  InitializeResult,
  LineAddressCaps,
  LineGatherRequest,
  LineGenerateTone,
  LineMonitorTone,
  LineCallInfo,
  LineCallParams,
  LineCallStatus,
  LineDevCaps,
  LineProvider,
  MessageHandler,
} from '../../provider';
import type {
  GeneratedSignals,
  IncomingCallOptions,
  RemoteDigitsOptions,
  SimulatorControls,
  SimulatorOptions,
  SimulatorOutstanding,
} from './options';
export type { IncomingCallOptions, SimulatorOutstanding } from './options';
import { devCapsOf, defaultDevices, devicesFromConfig, HIGHEST_VERSION, SUPPORTED_VERSIONS, type SimDevice } from './devices';
import { Exchange, SCENARIO_STATES } from './exchange';
import { ExchangeCall, type SimCallHandle, type SimLine } from './exchange-call';
import { Failures, type SimulatedFunction } from './failures';
import { CALLID_BASE, HCALL_BASE, HLINE_BASE, HandleCounter, RequestIds } from './ids';
import { effectiveCallParams } from './params';
import type { SeamContext } from './seam-context';
import { SeamSignals } from './seam-signals';
import { SeamSwitching } from './seam-switching';
import { SeamMedia } from './seam-media';
import type { AudioSource } from '../../audio';
import type { Scenario } from './scenarios';

const VALID_PRIVILEGES = new Set<number>([
  LINECALLPRIVILEGE.NONE,
  LINECALLPRIVILEGE.MONITOR,
  LINECALLPRIVILEGE.OWNER,
  LINECALLPRIVILEGE.OWNER | LINECALLPRIVILEGE.MONITOR,
]);
const ALL_MEDIA = Object.values(LINEMEDIAMODE).reduce((a, b) => a | b, 0);
const ALL_LINE_STATES = 0x01ffffff;
const ALL_ADDRESS_STATES = 0x000001ff;

function validateScenarios(scenarios: unknown): Scenario[] {
  if (scenarios === undefined) return [];
  if (!Array.isArray(scenarios)) throw new TapiValidationError('simulator.scenarios must be an array');
  scenarios.forEach((scenario: Scenario, i) => {
    const where = `simulator.scenarios[${i}]`;
    if (!scenario || !(typeof scenario.match === 'string' || scenario.match instanceof RegExp)) {
      throw new TapiValidationError(`${where}.match must be a string (suffix of the digits) or a RegExp`);
    }
    if (!Array.isArray(scenario.steps)) throw new TapiValidationError(`${where}.steps must be an array`);
    scenario.steps.forEach((step, j) => {
      const entry = SCENARIO_STATES[step?.state];
      if (!entry) throw new TapiValidationError(`${where}.steps[${j}].state "${String(step?.state)}" is not a scenario state`);
      if (!(typeof step.after === 'number' && Number.isFinite(step.after) && step.after >= 0)) {
        throw new TapiValidationError(`${where}.steps[${j}].after must be seconds >= 0`);
      }
      if (step.mode !== undefined && !(entry.modes && typeof step.mode === 'string' && step.mode.toUpperCase() in entry.modes)) {
        throw new TapiValidationError(`${where}.steps[${j}].mode "${String(step.mode)}" is not a mode of ${step.state}`);
      }
    });
  });
  return scenarios;
}

export class SimulatorProvider implements LineProvider, SimulatorControls {
  readonly kind = 'simulator' as const;
  readonly timeScale: number;
  private readonly devices: SimDevice[];
  private readonly scenarios: Scenario[];
  private exchange: Exchange | undefined;
  private appName = '';
  /** Versions returned by negotiateApiVersion, per device, this session. */
  private readonly negotiated = new Map<number, Set<number>>();
  private readonly requestIds = new RequestIds();
  private readonly lineHandles = new HandleCounter(HLINE_BASE);
  private readonly callHandles = new HandleCounter(HCALL_BASE);
  private readonly callIds = new HandleCounter(CALLID_BASE);
  private readonly failures = new Failures();
  private replySync = false;
  private readonly seam: SeamContext = {
    session: (op) => this.session(op),
    handle: (hCall, op) => this.handle(hCall, op),
    device: (deviceId, op) => this.device(deviceId, op),
    checkVersion: (deviceId, apiVersion, op) => this.checkVersion(deviceId, apiVersion, op),
    injected: (op) => this.injected(op),
    reply: (line, result, newCall) => this.session('reply').reply(this.requestIds, line, result, newCall, this.takeReplySync()),
    nextCallId: () => this.callIds.take(),
    appName: () => this.appName,
  };
  private readonly switching = new SeamSwitching(this.seam);
  private readonly signals = new SeamSignals(this.seam);
  /** The media seam (seam-media.ts): audio in simulated time. */
  readonly media = new SeamMedia(this.seam);

  constructor(options: SimulatorOptions = {}) {
    const timeScale = options.timeScale ?? 1;
    if (!(typeof timeScale === 'number' && Number.isFinite(timeScale) && timeScale >= 0)) {
      throw new TapiValidationError('simulator.timeScale must be a finite number >= 0');
    }
    this.timeScale = timeScale;
    this.devices = options.lines === undefined ? defaultDevices() : devicesFromConfig(options.lines);
    this.scenarios = validateScenarios(options.scenarios);
  }

  // ---- the seam -------------------------------------------------------------------------------

  initialize(appName: string, onMessage: MessageHandler): InitializeResult {
    const op = 'lineInitializeEx';
    if (this.exchange) {
      throw TapiError.of('INVALAPPHANDLE', op, 'already initialised: the simulator serves one application; shut down first');
    }
    if (typeof onMessage !== 'function') throw TapiError.of('INVALPOINTER', op, 'a message handler is required');
    if (appName !== null && appName !== undefined && typeof appName !== 'string') {
      throw TapiError.of('INVALAPPNAME', op);
    }
    this.injected(op);
    const exchange = new Exchange(this.timeScale, this.scenarios, this.callHandles);
    exchange.queue.setHandler(onMessage);
    this.exchange = exchange;
    this.appName = appName ?? '';
    this.negotiated.clear();
    return { numDevs: this.devices.length, apiVersion: HIGHEST_VERSION };
  }

  negotiateApiVersion(deviceId: number, low: number, high: number): number {
    const op = 'lineNegotiateAPIVersion';
    this.session(op);
    this.device(deviceId, op);
    const lo = low >>> 0;
    const hi = high >>> 0;
    const candidates = SUPPORTED_VERSIONS.filter((v) => v >= lo && v <= hi);
    if (candidates.length === 0) {
      throw TapiError.of('INCOMPATIBLEAPIVERSION', op, `no supported version in [0x${lo.toString(16)}, 0x${hi.toString(16)}]`);
    }
    this.injected(op);
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
    this.injected(op);
    return devCapsOf(device, apiVersion >>> 0);
  }

  open(deviceId: number, apiVersion: number, callbackInstance: number, privileges: number, mediaModes: number): number {
    const op = 'lineOpen';
    const exchange = this.session(op);
    if (deviceId >>> 0 === LINEMAPPER) throw TapiError.of('BADDEVICEID', op, 'LINEMAPPER is not supported by the simulator');
    const device = this.device(deviceId, op);
    this.checkVersion(deviceId, apiVersion, op);
    const privs = privileges >>> 0;
    if (!VALID_PRIVILEGES.has(privs)) {
      throw TapiError.of('INVALPRIVSELECT', op, `privileges 0x${privs.toString(16)}: NONE alone, or MONITOR and/or OWNER`);
    }
    const owner = (privs & LINECALLPRIVILEGE.OWNER) !== 0;
    const media = mediaModes >>> 0;
    if (owner) {
      if (media === 0 || (media & ~ALL_MEDIA) !== 0 || (media & ~(device.mediaModes | LINEMEDIAMODE.UNKNOWN)) !== 0) {
        throw TapiError.of('INVALMEDIAMODE', op, `media modes 0x${media.toString(16)} are not offered by this line`);
      }
    }
    this.injected(op);
    const line: SimLine = {
      hLine: this.lineHandles.take(),
      device,
      apiVersion: apiVersion >>> 0,
      callbackInstance,
      privileges: privs,
      mediaModes: owner ? media : 0,
      lineStates: 0,
      addressStates: 0,
      openSeq: exchange.nextOpenSeq(),
    };
    exchange.lines.set(line.hLine, line);
    return line.hLine;
  }

  setStatusMessages(hLine: number, lineStates: number, addressStates: number): void {
    const op = 'lineSetStatusMessages';
    this.session(op);
    const line = this.line(hLine, op);
    if ((lineStates >>> 0) & ~ALL_LINE_STATES) throw TapiError.of('INVALLINESTATE', op, 'undefined LINEDEVSTATE bits');
    if ((addressStates >>> 0) & ~ALL_ADDRESS_STATES) throw TapiError.of('INVALADDRESSSTATE', op, 'undefined LINEADDRESSSTATE bits');
    this.injected(op);
    line.lineStates = lineStates >>> 0;
    line.addressStates = addressStates >>> 0;
  }

  makeCall(hLine: number, destAddress: string | null, countryCode: number, params: LineCallParams | null): number {
    const op = 'lineMakeCall';
    const exchange = this.session(op);
    const line = this.line(hLine, op);
    const device = line.device;
    checkCountryCode(countryCode, op);
    const effective = effectiveCallParams(params, device, op);
    let number = '';
    let partial = true; // NULL or empty: dial tone, waiting for lineDial
    let name = '';
    if (destAddress !== null && destAddress !== undefined && destAddress !== '') {
      const parsed = validateDialable(destAddress, device.caps, op);
      number = parsed.destinations[0].number;
      name = parsed.destinations[0].name ?? '';
      partial = parsed.partial;
    }
    if (exchange.activeCalls(device.deviceId) >= device.maxNumActiveCalls) {
      throw TapiError.of('CALLUNAVAIL', op, `the line has ${device.maxNumActiveCalls} call appearance(s), all in use`);
    }
    const failure = this.injected(op);
    const sync = this.takeReplySync();
    if (failure) return exchange.reply(this.requestIds, line, failure.value, undefined, sync);

    const call = new ExchangeCall({
      callId: this.callIds.take(),
      device,
      origin: LINECALLORIGIN.OUTBOUND,
      params: effective,
      countryCode: countryCode >>> 0,
      appName: this.appName,
    });
    exchange.calls.add(call);
    const owner = exchange.addHandle(call, line, LINECALLPRIVILEGE.OWNER);
    for (const other of exchange.linesOf(device.deviceId)) {
      if (other !== line && other.privileges & LINECALLPRIVILEGE.MONITOR) exchange.addHandle(call, other, LINECALLPRIVILEGE.MONITOR);
    }
    const id = exchange.reply(this.requestIds, line, 0, owner.hCall, sync);
    exchange.startOutgoing(call, number, partial, name);
    return id;
  }

  dial(hCall: number, destAddress: string, countryCode: number): number {
    const op = 'lineDial';
    const exchange = this.session(op);
    const handle = this.handle(hCall, op);
    const call = handle.call;
    requireOwner(handle, op);
    const dialling = call.state === LINECALLSTATE.DIALTONE || call.state === LINECALLSTATE.DIALING;
    if (!dialling || call.dialComplete) {
      throw TapiError.of('INVALCALLSTATE', op, 'lineDial continues a call in dialtone or dialing only');
    }
    checkCountryCode(countryCode, op);
    let number = '';
    let partial = false;
    if (destAddress === '' || destAddress === null || destAddress === undefined) {
      if (!/[^ .\-()]/.test(call.dialled)) throw TapiError.of('INVALADDRESS', op, 'nothing has been dialled yet');
    } else {
      const parsed = validateDialable(destAddress, call.device.caps, op);
      number = parsed.destinations[0].number;
      partial = parsed.partial;
    }
    const failure = this.injected(op);
    const sync = this.takeReplySync();
    if (failure) return exchange.reply(this.requestIds, handle.line, failure.value, undefined, sync);
    const id = exchange.reply(this.requestIds, handle.line, 0, undefined, sync);
    if (exchange.handles.has(hCall)) exchange.dial(call, number, partial);
    return id;
  }

  drop(hCall: number, userUserInfo?: Uint8Array): number {
    const op = 'lineDrop';
    const exchange = this.session(op);
    const handle = this.handle(hCall, op);
    requireOwner(handle, op);
    const call = handle.call;
    if (call.state === LINECALLSTATE.IDLE) throw TapiError.of('INVALCALLSTATE', op, 'the call is already idle');
    const size = userUserInfo?.length ?? 0;
    if (size > call.device.uuiDropSize) {
      throw TapiError.of('USERUSERINFOTOOBIG', op, `${size} bytes; the line accepts ${call.device.uuiDropSize}`);
    }
    const failure = this.injected(op);
    const sync = this.takeReplySync();
    if (failure) return exchange.reply(this.requestIds, handle.line, failure.value, undefined, sync);
    const id = exchange.reply(this.requestIds, handle.line, 0, undefined, sync);
    if (call.state !== LINECALLSTATE.IDLE) exchange.drop(call);
    return id;
  }

  answer(hCall: number, userUserInfo?: Uint8Array): number {
    const op = 'lineAnswer';
    const exchange = this.session(op);
    const handle = this.handle(hCall, op);
    requireOwner(handle, op);
    const call = handle.call;
    if (call.state !== LINECALLSTATE.OFFERING && call.state !== LINECALLSTATE.ACCEPTED) {
      throw TapiError.of('INVALCALLSTATE', op, 'only an offering or accepted call can be answered');
    }
    const size = userUserInfo?.length ?? 0;
    if (size > call.device.uuiMakeCallSize) {
      throw TapiError.of('USERUSERINFOTOOBIG', op, `${size} bytes; the line accepts ${call.device.uuiMakeCallSize}`);
    }
    const failure = this.injected(op);
    const sync = this.takeReplySync();
    if (failure) return exchange.reply(this.requestIds, handle.line, failure.value, undefined, sync);
    const id = exchange.reply(this.requestIds, handle.line, 0, undefined, sync);
    if (call.state === LINECALLSTATE.OFFERING || call.state === LINECALLSTATE.ACCEPTED) exchange.answer(call, this.appName);
    return id;
  }

  deallocateCall(hCall: number): void {
    const op = 'lineDeallocateCall';
    const exchange = this.session(op);
    const handle = this.handle(hCall, op);
    if (
      handle.privilege === LINECALLPRIVILEGE.OWNER &&
      handle.call.state !== LINECALLSTATE.IDLE &&
      handle.line.apiVersion < TAPI_VERSION.V2_0
    ) {
      throw TapiError.of('INVALCALLSTATE', op, 'before TAPI 2.0 an owner can deallocate an idle call only');
    }
    this.injected(op);
    exchange.removeHandle(handle);
  }

  getCallInfo(hCall: number): LineCallInfo {
    const op = 'lineGetCallInfo';
    this.session(op);
    const handle = this.handle(hCall, op);
    this.injected(op);
    return handle.call.callInfo(handle);
  }

  getCallStatus(hCall: number): LineCallStatus {
    const op = 'lineGetCallStatus';
    this.session(op);
    const handle = this.handle(hCall, op);
    this.injected(op);
    return handle.call.callStatus(handle, this.exchange!.calls.activeCallsOn(handle.call.device.deviceId));
  }

  // ---- call control, digits, tones, media (seam-switching.ts, seam-signals.ts) -----------------

  accept(hCall: number, userUserInfo?: Uint8Array): number {
    return this.switching.accept(hCall, userUserInfo);
  }
  redirect(hCall: number, destAddress: string, countryCode: number): number {
    return this.switching.redirect(hCall, destAddress, countryCode);
  }
  blindTransfer(hCall: number, destAddress: string, countryCode: number): number {
    return this.switching.blindTransfer(hCall, destAddress, countryCode);
  }
  setupTransfer(hCall: number, params: LineCallParams | null): number {
    return this.switching.setupTransfer(hCall, params);
  }
  completeTransfer(hCall: number, hConsultCall: number, transferMode: number): number {
    return this.switching.completeTransfer(hCall, hConsultCall, transferMode);
  }
  hold(hCall: number): number {
    return this.switching.hold(hCall);
  }
  unhold(hCall: number): number {
    return this.switching.unhold(hCall);
  }
  swapHold(hActiveCall: number, hHeldCall: number): number {
    return this.switching.swapHold(hActiveCall, hHeldCall);
  }
  setCallPrivilege(hCall: number, privilege: number): void {
    this.switching.setCallPrivilege(hCall, privilege);
  }
  setMediaMode(hCall: number, mediaModes: number): void {
    this.switching.setMediaMode(hCall, mediaModes);
  }
  handoff(hCall: number, fileName: string | null, mediaMode: number): void {
    this.switching.handoff(hCall, fileName, mediaMode);
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
  /** Kept for this provider instance only (the real list is persistent and machine-wide). */
  setAppPriority(appFilename: string, mediaMode: number, requestMode: number, priority: number): void {
    this.signals.setAppPriority(appFilename, mediaMode, requestMode, priority);
  }

  close(hLine: number): void {
    const op = 'lineClose';
    const exchange = this.session(op);
    const line = this.line(hLine, op);
    this.injected(op);
    exchange.closeLine(line);
  }

  shutdown(): void {
    const exchange = this.exchange;
    this.exchange = undefined;
    this.negotiated.clear();
    this.replySync = false;
    exchange?.shutdown();
  }

  // ---- test controls --------------------------------------------------------------------------

  /**
   * A call arrives on `deviceId`. For each open line of the device, in opening order: the first line with
   * OWNER privilege whose media modes include the call's becomes its owner; every other line with MONITOR
   * gets a monitor handle. Each gets LINE_APPNEWCALL(hLine, addressId 0, hCall, privilege) (2.0+ lines),
   * then LINE_CALLSTATE(OFFERING, LINEOFFERINGMODE_ACTIVE, privilege). Lines that enabled
   * LINEDEVSTATE_RINGING get LINE_LINEDEVSTATE(RINGING, 1, ringCount) at once and every 6 simulated seconds
   * while offering. If nobody answers within ringSeconds the caller hangs up: DISCONNECTED(NORMAL).
   * Returns the call id (LINECALLINFO.dwCallID), or 0 when no open line took the call.
   */
  presentIncomingCall(options: IncomingCallOptions = {}): number {
    const exchange = this.session('presentIncomingCall');
    const deviceId = options.deviceId ?? 0;
    const device = this.devices[deviceId];
    if (!Number.isInteger(deviceId) || !device) throw new TapiValidationError(`presentIncomingCall: no line device ${deviceId}`);
    if (options.digits !== undefined && (typeof options.digits !== 'string' || !/^[0-9A-Da-d*#]*$/.test(options.digits))) {
      throw new TapiValidationError('presentIncomingCall: digits are 0-9 A-D * #');
    }
    const mediaMode = options.mediaMode ?? LINEMEDIAMODE.INTERACTIVEVOICE;
    const ringSeconds = options.ringSeconds ?? 30;
    if (typeof ringSeconds !== 'number' || Number.isNaN(ringSeconds) || ringSeconds < 0) {
      throw new TapiValidationError('presentIncomingCall: ringSeconds must be seconds >= 0 (0 = never gives up)');
    }
    const call = new ExchangeCall({
      callId: this.callIds.take(),
      device,
      origin: LINECALLORIGIN.EXTERNAL,
      params: {
        bearerMode: 0x1,
        mediaMode,
        rate: device.maxRate,
        callParamFlags: 0,
        addressId: 0,
        noAnswerTimeout: 0,
        displayableAddress: '',
        calledParty: '',
        comment: '',
      },
      countryCode: 0,
      appName: '',
      callerId: options.callerId,
      callerIdName: options.callerIdName,
      calledId: options.calledId,
      blocked: options.blocked,
    });
    let ownerTaken = false;
    for (const line of exchange.linesOf(device.deviceId)) {
      if (!ownerTaken && line.privileges & LINECALLPRIVILEGE.OWNER && line.mediaModes & mediaMode) {
        exchange.addHandle(call, line, LINECALLPRIVILEGE.OWNER);
        ownerTaken = true;
      } else if (line.privileges & LINECALLPRIVILEGE.MONITOR) {
        exchange.addHandle(call, line, LINECALLPRIVILEGE.MONITOR);
      }
    }
    if (call.handles.size === 0) return 0;
    if (options.digits !== undefined) {
      call.farEnd = { presses: { digits: options.digits.toUpperCase(), after: 1, interval: 0.5 } };
    }
    exchange.calls.add(call);
    exchange.offer(call, ringSeconds);
    return call.callId;
  }

  /**
   * The far end hangs up: DISCONNECTED(mode) for a call given by one of its handles or by its call id.
   * `mode` is a LINEDISCONNECTMODE name ('NORMAL', 'busy', ...) or value. Returns false (and does nothing)
   * when the call is already disconnected or idle.
   */
  remoteHangup(target: number, mode: string | number = 'NORMAL'): boolean {
    const exchange = this.session('remoteHangup');
    const call = exchange.handles.get(target)?.call ?? [...exchange.calls].find((c) => c.callId === target);
    if (!call) throw new TapiValidationError(`remoteHangup: no call with handle or call id ${target}`);
    let value: number | undefined;
    if (typeof mode === 'number') value = Object.values(LINEDISCONNECTMODE).includes(mode as never) ? mode : undefined;
    else value = (LINEDISCONNECTMODE as Record<string, number>)[String(mode).toUpperCase()];
    if (value === undefined) throw new TapiValidationError(`remoteHangup: "${String(mode)}" is not a LINEDISCONNECTMODE`);
    if (call.state === LINECALLSTATE.IDLE || call.state === LINECALLSTATE.DISCONNECTED) return false;
    exchange.disconnect(call, value);
    return true;
  }

  /**
   * The far end presses keys on a connected call (target: a handle or the call id): LINE_MONITORDIGITS to every
   * handle monitoring that mode, and the running gather collects them. `interDigitMs` (simulated, default 100;
   * 0 = all at once, in one message batch); `mode` 'dtmf' (default) or 'pulse' — a line that cannot detect
   * the mode (the analog line hears pulse only) reports nothing.
   */
  heard(target: number): { pcm: Int16Array; sampleRate: number; playedMs: number } {
    return this.media.heard(this.audioTarget('heard', target).call);
  }

  remoteAudio(target: number, audio: AudioSource): void {
    const { ex, call } = this.audioTarget('remoteAudio', target);
    this.media.remoteAudio(ex, call, audio);
  }

  private audioTarget(control: string, target: number): { ex: Exchange; call: ExchangeCall } {
    const ex = this.session(control);
    const call = ex.handles.get(target)?.call ?? [...ex.calls].find((c) => c.callId === target);
    if (!call) throw new TapiValidationError(`${control}: no call with handle or call id ${target}`);
    return { ex, call };
  }

  remoteDigits(target: number, digits: string, options?: RemoteDigitsOptions): void {
    this.signals.remoteDigits(target, digits, options);
  }

  /** What our side generated on the call: every digit completely sent, and every tone (with how it ended). */
  generated(target: number): GeneratedSignals {
    return this.signals.generated(target);
  }

  /** The far end plays a tone of these frequencies: LINE_MONITORTONE for each monitored entry with the same ones, after its duration. */
  remoteTone(target: number, frequencies: number[]): void {
    this.signals.remoteTone(target, frequencies);
  }

  /** The far end's media is detected as `mediaMode` ('G3FAX', 'datamodem', or a bit): LINE_MONITORMEDIA where monitored. */
  remoteMedia(target: number, mediaMode: number | string): void {
    this.signals.remoteMedia(target, mediaMode);
  }

  /** LINE_LINEDEVSTATE(hDevice 0, LINEDEVSTATE_REINIT, 0, 0): TAPI asks the app to shut down and re-initialise. */
  reinit(): void {
    this.session('reinit').reinit();
  }

  /**
   * The provider closes a line on its own (device failure): its outstanding replies are suppressed, its calls
   * handled as by lineClose, then LINE_CLOSE(hLine) is delivered; the HLINE and its HCALLs are invalid at once.
   */
  forceClose(hLine: number): void {
    const exchange = this.session('forceClose');
    const line = exchange.lines.get(hLine);
    if (!line) throw new TapiValidationError(`forceClose: no open line ${hLine}`);
    exchange.closeLine(line);
    exchange.queue.push({
      message: {
        hDevice: hLine,
        messageId: LINE_MESSAGE.LINE_CLOSE,
        callbackInstance: line.callbackInstance,
        param1: 0,
        param2: 0,
        param3: 0,
      },
    });
  }

  /**
   * The next call of `functionName` ('lineMakeCall', 'lineOpen', ...) that passes its own checks fails with
   * `lineErr` ('LINEERR_RESOURCEUNAVAIL' or 'RESOURCEUNAVAIL'): thrown, or with `async` (async functions
   * only) as a request id whose LINE_REPLY carries the error. Several may be queued per function.
   */
  failNext(functionName: SimulatedFunction | string, lineErr: string, options: { async?: boolean } = {}): void {
    this.failures.add(functionName, lineErr, options);
  }

  /**
   * The next async call delivers its LINE_REPLY synchronously, inside the call and before it returns the
   * request id (what happens with TAPI when another thread reads the messages). Messages queued before it are
   * delivered first, so the order is kept; states that follow the reply still come asynchronously.
   */
  replyBeforeReturn(enabled = true): void {
    this.replySync = enabled;
  }

  /** What the provider still holds: all zero after every handle is released, or after shutdown(). */
  outstanding(): SimulatorOutstanding {
    const ex = this.exchange;
    if (!ex) return { lines: 0, calls: 0, requests: 0, timers: 0, queued: 0 };
    return { lines: ex.lines.size, calls: ex.handles.size, requests: ex.requests.size, timers: ex.scheduler.size, queued: ex.queue.size };
  }

  /** True between initialize() and shutdown(). */
  get initialized(): boolean {
    return this.exchange !== undefined;
  }

  // ---- helpers --------------------------------------------------------------------------------

  private session(op: string): Exchange {
    if (!this.exchange) throw TapiError.of('UNINITIALIZED', op, 'call initialize() first');
    return this.exchange;
  }

  private device(deviceId: number, op: string): SimDevice {
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

  private line(hLine: number, op: string): SimLine {
    const line = this.exchange?.lines.get(hLine);
    if (!line) throw TapiError.of('INVALLINEHANDLE', op);
    return line;
  }

  private handle(hCall: number, op: string): SimCallHandle {
    const handle = this.exchange?.handles.get(hCall);
    if (!handle) throw TapiError.of('INVALCALLHANDLE', op);
    return handle;
  }

  private takeReplySync(): boolean {
    const sync = this.replySync;
    this.replySync = false;
    return sync;
  }

  /** A failNext for `op`: thrown when synchronous, returned when it is to be reported in LINE_REPLY. */
  private injected(op: SimulatedFunction): { value: number } | undefined {
    const failure = this.failures.take(op);
    if (failure && !failure.async) throw new TapiError(failure.value, op, 'injected by failNext');
    return failure;
  }
}

function checkCountryCode(countryCode: number, op: string): void {
  if (!Number.isInteger(countryCode) || countryCode < 0 || countryCode > 999) {
    throw TapiError.of('INVALCOUNTRYCODE', op, `country code ${countryCode}`);
  }
}

function requireOwner(handle: SimCallHandle, op: string): void {
  if (handle.privilege !== LINECALLPRIVILEGE.OWNER) throw TapiError.of('NOTOWNER', op, 'this handle has monitor privilege');
}
