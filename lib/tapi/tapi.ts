// Tapi: one initialised TAPI app (HLINEAPP) over one provider. It dispatches the provider's ordered
// message stream to lines and calls, correlates requests with LINE_REPLY, and owns every cleanup.
import { EventEmitter } from 'node:events';
import { LINECALLINFOSTATE, LINECALLPRIVILEGE, LINEDEVSTATE, LINEMEDIAMODE, TAPI_VERSION, flagNames } from './constants';
import { TapiError, TapiValidationError } from './errors';
import { validateDialable } from './address';
import { DialPolicy } from './dial-policy';
import { toLineCallParams } from './call-params';
import { Call, summarizeCallInfo, type CallHost } from './call';
import { CallControl } from './call-control';
import { CallSignals } from './call-signals';
import { CallMedia } from './call-media';
import type { MediaCapabilities } from './media';
import { messageTable } from './message-table';
import type { OperationContext } from './operation-context';
import { Line, type LineHost } from './line';
import { toLineDevice, type LineDevice } from './line-device';
import { RequestTable } from './requests';
import { ForeignFirstState } from './foreign-first-state';
import { optionsObject, userUserInfo } from './options';
import { attemptsOf, retryCleanup, type CleanupFailure } from './cleanup';
import { makeStateEvent, privilegeName } from './state-event';
import type { LineCallInfo, LineCallStatus, LineMessage, LineProvider } from './provider';
import type { CallStateEvent, MakeCallOptions, OpenLineOptions, PrivilegeName } from './types';

const MAX_STRAY_HANDLES = 1024;
const STATUS_MESSAGES =
  LINEDEVSTATE.RINGING |
  LINEDEVSTATE.CONNECTED |
  LINEDEVSTATE.DISCONNECTED |
  LINEDEVSTATE.INSERVICE |
  LINEDEVSTATE.OUTOFSERVICE |
  LINEDEVSTATE.MAINTENANCE |
  LINEDEVSTATE.CLOSE |
  LINEDEVSTATE.REMOVED;
const MAX_STRAY_PER_HANDLE = 64;
const REINIT_BACKOFF_MS = [250, 500, 1000, 2000, 5000, 10000];

export interface TapiInit {
  kind: 'simulator' | 'win32' | 'sip';
  createProvider: () => LineProvider;
  appName: string;
  apiLow: number;
  apiHigh: number;
}

interface StrayMessages {
  messages: LineMessage[];
}

/**
 * Events: 'linecreate' (LineDevice), 'lineremove' (LineDevice), 'reinit' (after TAPI was re-initialised),
 * 'listenererror' (error thrown by one of your listeners; it never reaches the provider), 'cleanuperror'
 * (CleanupFailure: lineDeallocateCall, lineClose or lineShutdown still failed after its retries).
 */
export class Tapi extends EventEmitter implements LineHost, CallHost {
  readonly provider: 'simulator' | 'win32' | 'sip';
  /** Line devices known to TAPI (devices that refused version negotiation are left out). */
  lines: LineDevice[] = [];
  private impl: LineProvider;
  private readonly init: TapiInit;
  private readonly requests = new RequestTable();
  private readonly foreignFirst = new ForeignFirstState(
    () => this.impl,
    (call, event) => this.recordState(call, event),
  );
  private readonly openLines = new Map<number, Line>();
  private readonly linesByHandle = new Map<number, Line>();
  private readonly calls = new Map<number, Call>();
  private readonly stray = new Map<number, StrayMessages>();
  private readonly closing = new WeakMap<Line, Promise<void>>();
  private outbox: Array<() => void> = [];
  private flushScheduled = false;
  private nextInstance = 1;
  private running = false;
  private shutdownPromise?: Promise<void>;
  private reinitializing?: Promise<void>;
  private readonly context: OperationContext = {
    provider: () => this.impl,
    requests: this.requests,
    assertCall: (call, operation) => this.assertCall(call, operation),
    adoptCall: (line, hCall, privilege, info) => this.adoptCall(line, hCall, privilege, info),
    post: (emit) => this.post(emit),
    checkDestination: (line, address, accumulated, operation) => this.checkDialString(line, address, accumulated, operation),
  };
  /** Call control (accept, hold, transfer, ...) and digits / tones / media: their own files, one instance each. */
  readonly control = new CallControl(this.context);
  readonly signals = new CallSignals(this.context);
  /** Audio on calls (play, record): call-media.ts over the provider's media seam. */
  readonly media = new CallMedia(this.context);
  private readonly routes = messageTable({
    requests: this.requests,
    callOf: (hCall) => this.calls.get(hCall),
    signals: this.signals,
    callState: (m) => this.onCallState(m),
    callInfo: (m) => this.onCallInfo(m),
    appNewCall: (m) => this.onAppNewCall(m),
    lineDevState: (m) => this.onLineDevState(m),
    lineClose: (m) => this.onLineClose(m),
    lineCreate: (m) => this.onLineCreate(m.param1),
    lineRemove: (m) => this.onLineRemove(m),
  });

  constructor(init: TapiInit) {
    super();
    this.init = init;
    this.provider = init.kind;
    this.impl = init.createProvider();
  }

  /**
   * The simulated exchange's controls (presentIncomingCall, remoteHangup, ...) when provider is 'simulator'.
   * Typed by openTapi (OpenedTapi): the model does not know the simulator's types.
   */
  get simulator(): unknown {
    return this.impl.kind === 'simulator' ? this.impl : undefined;
  }

  /** The provider behind the seam (for diagnostics and tests). */
  get lineProvider(): LineProvider {
    return this.impl;
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Requests sent and not yet answered by LINE_REPLY. */
  get pendingRequests(): number {
    return this.requests.size;
  }

  /** Every call handle held, across lines. */
  get callCount(): number {
    return this.calls.size;
  }

  get openLineCount(): number {
    return this.openLines.size;
  }

  async start(): Promise<void> {
    await this.initializeWithBackoff(2);
  }

  // ---- lines ------------------------------------------------------------------------------------

  async openLine(deviceIdOrName: number | string, lineOptions?: OpenLineOptions): Promise<Line> {
    const options = optionsObject<OpenLineOptions>(lineOptions, 'openLine options');
    this.assertRunning('lineOpen');
    const device = this.findDevice(deviceIdOrName);
    const { names, mask } = privilegesOf(options.privileges);
    const mediaModes = mediaModesOf(options.mediaModes);
    const policy = new DialPolicy(options.dialPolicy ?? {});
    const countryCode = options.countryCode ?? 0;
    checkCountryCode(countryCode, 'lineOpen');
    const dialToneTimeoutMs = dialToneTimeoutOf(options.dialToneTimeout);
    const instance = this.nextInstance++;
    const hLine = this.impl.open(device.deviceId, device.apiVersion, instance, mask, mediaModes);
    this.enableStatusMessages(hLine, device);
    const line = new Line(this, {
      device,
      instance,
      hLine,
      privileges: names,
      privilegeMask: mask,
      mediaModes,
      policy,
      countryCode,
      dialToneTimeoutMs,
    });
    this.registerLine(line);
    return line;
  }

  mediaCapabilities(line: Line): MediaCapabilities {
    return this.media.capabilities(line);
  }

  closeLine(line: Line): Promise<void> {
    let promise = this.closing.get(line);
    if (!promise) {
      promise = this.doCloseLine(line);
      this.closing.set(line, promise);
    }
    return promise;
  }

  private async doCloseLine(line: Line): Promise<void> {
    if (!line.isOpen) return;
    // Drop what we own so that closing never leaves a live call behind; monitored handles just go back.
    // A call that cannot be deallocated is reported by release(); lineClose below gives its handle back.
    await Promise.allSettled(line.calls.map((call) => call.release()));
    this.requests.cancel((op) => TapiError.of('INVALLINEHANDLE', op, 'the line was closed before the reply'), line.instance);
    let failure: unknown;
    if (line.isOpen) {
      const hLine = line.hLine;
      try {
        // Already closed by the provider (LINE_CLOSE raced us) counts as closed.
        await retryCleanup(() => {
          if (this.running && this.linesByHandle.get(hLine) === line) this.impl.close(hLine);
        });
      } catch (error) {
        failure = error;
        this.cleanupFailed('lineClose', error);
      }
      this.forgetLine(line);
    }
    this.closing.delete(line);
    // The line is unusable either way; TAPI gets it back with lineShutdown at the latest.
    if (failure) throw failure;
  }

  // ---- calls ------------------------------------------------------------------------------------

  async makeCall(line: Line, address: string | null, callOptions?: MakeCallOptions): Promise<Call> {
    const operation = 'lineMakeCall';
    const options = optionsObject<MakeCallOptions>(callOptions, 'makeCall options');
    this.assertRunning(operation);
    if (!line.isOpen) throw TapiError.of('INVALLINEHANDLE', operation, 'the line is closed');
    if (address !== null && typeof address !== 'string') {
      throw TapiError.of('INVALADDRESS', operation, 'the address must be a string (or null for a dial tone)');
    }
    if (address !== null) this.checkDialString(line, address, address, operation);
    const countryCode = options.countryCode ?? line.countryCode;
    checkCountryCode(countryCode, operation);
    const params = toLineCallParams(options.params);
    const id = this.impl.makeCall(line.hLine, address, countryCode, params);
    return this.requests.track(id, operation, line.instance, (reply) => {
      const hCall = reply.newCall ?? 0;
      if (!hCall) throw TapiError.of('OPERATIONFAILED', operation, 'the provider reported success without a call handle');
      const call = this.adoptCall(line, hCall, 'owner', { origin: 'outbound', originDetail: 'outbound', address: address ?? '' });
      call.outgoing.dialled = address ?? '';
      return call;
    });
  }

  async dial(call: Call, address: string, countryCode: number | undefined): Promise<void> {
    const operation = 'lineDial';
    this.assertCall(call, operation);
    if (typeof address !== 'string') throw TapiError.of('INVALADDRESS', operation, 'the address must be a string');
    const cc = countryCode ?? call.line.countryCode;
    checkCountryCode(cc, operation);
    // One dial at a time per call, each judged with the digits of every dial accepted before it.
    await call.outgoing.send({ operation, address, kind: 'append' }, async () => {
      this.assertCall(call, operation);
      const id = this.impl.dial(call.handle, address, cc);
      await this.requests.track(id, operation, call.line.instance, () => undefined);
    });
  }

  async drop(call: Call, uui?: Uint8Array): Promise<void> {
    this.assertCall(call, 'lineDrop');
    const id = this.impl.drop(call.handle, userUserInfo(uui, 'lineDrop'));
    await this.requests.track(id, 'lineDrop', call.line.instance, () => undefined);
  }

  async answer(call: Call, uui?: Uint8Array): Promise<void> {
    this.assertCall(call, 'lineAnswer');
    const id = this.impl.answer(call.handle, userUserInfo(uui, 'lineAnswer'));
    await this.requests.track(id, 'lineAnswer', call.line.instance, () => undefined);
  }

  deallocate(call: Call): void {
    this.assertCall(call, 'lineDeallocateCall');
    try {
      this.impl.deallocateCall(call.handle);
    } catch (error) {
      // A handle the provider no longer knows is not held any more: forget it as well.
      if (!(error instanceof TapiError && error.code === 'LINEERR_INVALCALLHANDLE')) throw error;
    }
    this.forgetCall(call);
  }

  /** A cleanup function still failed after its retries: 'cleanuperror', or a process warning without a listener. */
  cleanupFailed(operation: string, error: unknown): void {
    const failure: CleanupFailure = {
      operation,
      error: error instanceof Error ? error : new Error(String(error)),
      attempts: attemptsOf(error),
    };
    if (this.listenerCount('cleanuperror') > 0) {
      try {
        this.emit('cleanuperror', failure);
      } catch (listenerError) {
        this.report(listenerError);
      }
    } else {
      process.emitWarning(`${operation} failed after ${failure.attempts} attempts: ${failure.error.message}`, 'TapiCleanupWarning');
    }
  }

  getCallInfo(call: Call): LineCallInfo {
    this.assertCall(call, 'lineGetCallInfo');
    return this.impl.getCallInfo(call.handle);
  }

  getCallStatus(call: Call): LineCallStatus {
    this.assertCall(call, 'lineGetCallStatus');
    return this.impl.getCallStatus(call.handle);
  }

  // ---- shutdown -----------------------------------------------------------------------------------

  /** Drops and deallocates owned calls, closes every line, lineShutdown. Idempotent. */
  shutdown(): Promise<void> {
    this.shutdownPromise ??= this.doShutdown();
    return this.shutdownPromise;
  }

  private async doShutdown(): Promise<void> {
    if (this.reinitializing) await this.reinitializing.catch(() => undefined);
    await Promise.allSettled([...this.openLines.values()].map((line) => this.closeLine(line)));
    this.running = false;
    this.stopProvider('TAPI was shut down');
    this.flush();
  }

  // ---- message dispatch ---------------------------------------------------------------------------

  private readonly onMessage = (message: LineMessage): void => {
    if (!this.running) return;
    try {
      this.dispatch(message);
    } catch (error) {
      // A provider must never be unwound by our bookkeeping; report and go on with the next message.
      this.report(error);
    }
  };

  private dispatch(m: LineMessage): void {
    this.routes.get(m.messageId)?.(m);
  }

  private onLineClose(m: LineMessage): void {
    const line = this.linesByHandle.get(m.hDevice);
    if (!line) return;
    this.requests.cancel((op) => TapiError.of('INVALLINEHANDLE', op, 'the provider closed the line'), line.instance);
    this.forgetLine(line);
    this.post(() => line.emit('close', 'provider'));
  }

  private onLineRemove(m: LineMessage): void {
    const device = this.lines.find((d) => d.deviceId === m.param1);
    if (!device) return;
    device.removed = true;
    this.post(() => this.emit('lineremove', device));
  }

  private onCallState(m: LineMessage): void {
    let call = this.calls.get(m.hDevice);
    if (!call) {
      const privilege = m.param3 ? privilegeName(m.param3) : undefined;
      const line = this.openLines.get(m.callbackInstance);
      if (!privilege || !line) {
        // A handle we do not know yet (its LINE_REPLY or LINE_APPNEWCALL is still to be matched): keep its states.
        this.keepStray(m);
        return;
      }
      call = this.adoptForeignCall(line, m.hDevice, privilege);
    }
    this.applyState(call, m);
  }

  private applyState(call: Call, m: LineMessage): void {
    const verdict = this.foreignFirst.onState(call, m);
    if (verdict !== 'apply') return;
    this.recordState(call, makeStateEvent(m.param1, m.param2, m.param3, call.state));
  }

  private recordState(call: Call, event: CallStateEvent): void {
    call.state = event.state;
    call.mode = event.mode;
    if (event.privilege) call.privilege = event.privilege;
    call.history.push(event);
    const line = call.line;
    this.post(() => {
      line.dialToneWatch.observe(call, event);
      line.emit('callstate', call, event);
      call.emit('state', event);
    });
  }

  private onAppNewCall(m: LineMessage): void {
    const line = this.linesByHandle.get(m.hDevice) ?? this.openLines.get(m.callbackInstance);
    const hCall = m.param2;
    if (!line || !hCall || this.calls.has(hCall)) return;
    this.adoptForeignCall(line, hCall, privilegeName(m.param3) ?? 'monitor');
  }

  private onCallInfo(m: LineMessage): void {
    const call = this.calls.get(m.hDevice);
    if (!call) return;
    const changed = flagNames(LINECALLINFOSTATE, m.param1).map((n) => n.toLowerCase());
    try {
      call.info = summarizeCallInfo(this.impl.getCallInfo(call.handle), call.info.address, call.info.address === undefined);
    } catch {
      // The handle may be going away; the previous info stays.
    }
    this.post(() => call.emit('info', changed));
  }

  private onLineDevState(m: LineMessage): void {
    if (m.param1 & LINEDEVSTATE.REINIT) {
      // param2 != 0 is a newer message translated for old apps; we receive the original as well.
      if (m.param2 === 0) void this.reinitialize();
      return;
    }
    const line = this.linesByHandle.get(m.hDevice);
    if (!line) return;
    const states = flagNames(LINEDEVSTATE, m.param1).map((n) => n.toLowerCase());
    const event = { states, param2: m.param2, param3: m.param3 };
    this.post(() => {
      line.emit('devstate', event);
      if (m.param1 & LINEDEVSTATE.RINGING) line.emit('ringing', { ringMode: m.param2, ringCount: m.param3 });
    });
  }

  private onLineCreate(deviceId: number): void {
    if (this.lines.some((d) => d.deviceId === deviceId)) return;
    const device = this.readDevice(deviceId);
    if (!device) return;
    this.lines.push(device);
    this.post(() => this.emit('linecreate', device));
  }

  // ---- bookkeeping --------------------------------------------------------------------------------

  private adoptCall(line: Line, hCall: number, privilege: PrivilegeName, info: Call['info']): Call {
    const call = new Call(this, line, hCall, privilege, info);
    this.registerCall(call);
    return call;
  }

  private adoptForeignCall(line: Line, hCall: number, privilege: PrivilegeName): Call {
    let info: Call['info'] = { origin: 'unknown' };
    try {
      info = summarizeCallInfo(this.impl.getCallInfo(hCall), undefined, true);
    } catch {
      // Info may not be ready yet; LINE_CALLINFO will refresh it.
    }
    const call = new Call(this, line, hCall, privilege, info);
    // Announced before any stray state is replayed, so 'call' always precedes the call's first 'callstate'.
    this.post(() => line.emit('call', call));
    this.registerCall(call);
    return call;
  }

  /** Maps the handle to the call, then replays the states that arrived before the handle was known. */
  private registerCall(call: Call): void {
    this.calls.set(call.handle, call);
    call.line.callsByHandle.set(call.handle, call);
    const stray = this.stray.get(call.handle);
    if (stray) {
      this.stray.delete(call.handle);
      for (const m of stray.messages) this.applyState(call, m);
    }
  }

  private keepStray(m: LineMessage): void {
    let entry = this.stray.get(m.hDevice);
    if (!entry) {
      if (this.stray.size >= MAX_STRAY_HANDLES) this.stray.delete(this.stray.keys().next().value as number);
      entry = { messages: [] };
      this.stray.set(m.hDevice, entry);
    }
    if (entry.messages.length < MAX_STRAY_PER_HANDLE) entry.messages.push(m);
  }

  private forgetCall(call: Call): void {
    if (call.deallocated) return;
    call.deallocated = true;
    this.signals.released(call);
    this.media.released(call);
    this.foreignFirst.clear(call);
    if (this.calls.get(call.handle) === call) this.calls.delete(call.handle);
    call.line.callsByHandle.delete(call.handle);
    this.post(() => call.emit('deallocated'));
  }

  private registerLine(line: Line): void {
    line.isOpen = true;
    this.openLines.set(line.instance, line);
    this.linesByHandle.set(line.hLine, line);
  }

  /** The line is gone at the provider: its handle and every call handle on it are void. */
  private forgetLine(line: Line): void {
    line.isOpen = false;
    line.dialToneWatch.stop();
    this.openLines.delete(line.instance);
    if (this.linesByHandle.get(line.hLine) === line) this.linesByHandle.delete(line.hLine);
    for (const call of line.calls) this.forgetCall(call);
  }

  /**
   * Line status messages are off until asked for (only REINIT, LINE_CALLSTATE and LINE_REPLY always flow).
   * Ask for the ones users see, limited to what the device says it can report (other bits: INVALLINESTATE).
   */
  private enableStatusMessages(hLine: number, device: LineDevice): void {
    const wanted = STATUS_MESSAGES & device.caps.lineStates;
    if (!wanted) return;
    try {
      this.impl.setStatusMessages(hLine, wanted, 0);
    } catch {
      // A provider that cannot report them still places and follows calls.
    }
  }

  private checkDialString(line: Line, address: string, accumulated: string, operation: string): boolean {
    const parsed = validateDialable(address, line.device.capabilities, operation);
    if (parsed.partial) line.policy.checkPartial(accumulated, operation);
    else line.policy.check(accumulated, operation);
    return parsed.partial;
  }

  private assertRunning(operation: string): void {
    if (!this.running) {
      throw TapiError.of(this.reinitializing ? 'REINIT' : 'UNINITIALIZED', operation, 'TAPI is not initialised');
    }
  }

  private assertCall(call: Call, operation: string): void {
    this.assertRunning(operation);
    if (call.deallocated) throw TapiError.of('INVALCALLHANDLE', operation, 'the call was deallocated');
  }

  private findDevice(deviceIdOrName: number | string): LineDevice {
    let device: LineDevice | undefined;
    if (typeof deviceIdOrName === 'number') {
      device = this.lines.find((d) => d.deviceId === deviceIdOrName);
    } else if (typeof deviceIdOrName === 'string') {
      const wanted = deviceIdOrName.trim();
      device =
        this.lines.find((d) => d.name === wanted) ??
        this.lines.find((d) => d.name.toLowerCase() === wanted.toLowerCase()) ??
        (/^\d+$/.test(wanted) ? this.lines.find((d) => d.deviceId === Number(wanted)) : undefined);
    } else {
      throw TapiError.of('BADDEVICEID', 'lineOpen', 'give a device id or a line name');
    }
    if (!device) throw TapiError.of('BADDEVICEID', 'lineOpen', `no line device "${deviceIdOrName}"`);
    if (device.removed) throw TapiError.of('NODEVICE', 'lineOpen', `line device "${device.name}" was removed`);
    return device;
  }

  private readDevice(deviceId: number): LineDevice | undefined {
    try {
      const version = this.impl.negotiateApiVersion(deviceId, this.init.apiLow, this.init.apiHigh);
      return toLineDevice(this.impl.getDevCaps(deviceId, version));
    } catch {
      return undefined; // INCOMPATIBLEAPIVERSION, NODEVICE...: TAPI says skip the device.
    }
  }

  /** Queue a listener call: emitted after the current batch, so nothing is emitted before its call is handed out. */
  private post(emit: () => void): void {
    this.outbox.push(emit);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.outbox;
    this.outbox = [];
    for (const emit of batch) {
      try {
        emit();
      } catch (error) {
        this.report(error);
      }
    }
  }

  private report(error: unknown): void {
    if (this.listenerCount('listenererror') > 0) this.emit('listenererror', error);
    else process.emitWarning(error instanceof Error ? error : new Error(String(error)), 'TapiListenerWarning');
  }

  // ---- initialisation and REINIT ------------------------------------------------------------------

  private async initializeWithBackoff(attempts: number): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        this.initializeOnce();
        return;
      } catch (error) {
        const reinit = error instanceof TapiError && error.code === 'LINEERR_REINIT';
        if (!reinit || attempt + 1 >= attempts) throw error;
        await delay(REINIT_BACKOFF_MS[Math.min(attempt, REINIT_BACKOFF_MS.length - 1)]);
      }
    }
  }

  private initializeOnce(): void {
    const { numDevs } = this.impl.initialize(this.init.appName, this.onMessage);
    this.running = true;
    const lines: LineDevice[] = [];
    for (let id = 0; id < numDevs; id++) {
      const device = this.readDevice(id);
      if (device) lines.push(device);
    }
    this.lines = lines;
  }

  private stopProvider(reason: string): void {
    this.requests.cancel((op) => TapiError.of('INVALAPPHANDLE', op, reason));
    try {
      // A provider retries lineShutdown itself (it cannot be called again once it has let go of its state).
      this.impl.shutdown();
    } catch (error) {
      this.cleanupFailed('lineShutdown', error);
    }
    for (const line of [...this.openLines.values()]) this.forgetLine(line);
    this.stray.clear();
    this.foreignFirst.clear();
  }

  /** LINE_LINEDEVSTATE(REINIT): shut down, initialise again with back-off, reopen every line. */
  reinitialize(): Promise<void> {
    this.reinitializing ??= this.doReinitialize().finally(() => {
      this.reinitializing = undefined;
    });
    return this.reinitializing;
  }

  private async doReinitialize(): Promise<void> {
    const lines = [...this.openLines.values()];
    await Promise.allSettled(lines.map((line) => this.closeLine(line)));
    for (const line of lines) this.post(() => line.emit('close', 'reinit'));
    this.running = false;
    this.stopProvider('TAPI is re-initialising');
    if (this.shutdownPromise) return;
    this.impl = this.init.createProvider();
    try {
      await this.initializeWithBackoff(REINIT_BACKOFF_MS.length + 1);
    } catch (error) {
      for (const line of lines) this.post(() => line.emit('close', 'reopen-failed', error));
      return;
    }
    for (const line of lines) {
      const device = this.lines.find((d) => d.deviceId === line.device.deviceId && d.name === line.device.name);
      if (!device) {
        this.post(() => line.emit('close', 'removed'));
        continue;
      }
      try {
        line.device = device;
        line.hLine = this.impl.open(device.deviceId, device.apiVersion, line.instance, line.privilegeMask, line.mediaModes);
        this.enableStatusMessages(line.hLine, device);
        this.registerLine(line);
        this.closing.delete(line);
        this.post(() => line.emit('reopen'));
      } catch (error) {
        this.post(() => line.emit('close', 'reopen-failed', error));
      }
    }
    this.post(() => this.emit('reinit'));
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const DEFAULT_DIAL_TONE_TIMEOUT_S = 30;

function dialToneTimeoutOf(value: unknown): number {
  if (value === undefined) return DEFAULT_DIAL_TONE_TIMEOUT_S * 1000;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new TapiValidationError('dialToneTimeout must be a number of seconds >= 0 (0 = never)');
  }
  return value * 1000;
}

function checkCountryCode(value: unknown, operation: string): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 999) {
    throw TapiError.of('INVALCOUNTRYCODE', operation, 'the country code must be an integer from 0 to 999');
  }
}

const PRIVILEGE_NAMES: readonly PrivilegeName[] = ['none', 'monitor', 'owner'];

export function privilegesOf(value: OpenLineOptions['privileges']): { names: PrivilegeName[]; mask: number } {
  const list = value === undefined ? ['monitor'] : Array.isArray(value) ? value : [value];
  const names = [...new Set(list.map((v) => String(v).toLowerCase()))] as PrivilegeName[];
  for (const name of names) {
    if (!PRIVILEGE_NAMES.includes(name)) throw TapiError.of('INVALPRIVSELECT', 'lineOpen', `unknown privilege "${name}"`);
  }
  if (names.length === 0 || (names.includes('none') && names.length > 1)) {
    throw TapiError.of('INVALPRIVSELECT', 'lineOpen', '"none" cannot be combined with other privileges');
  }
  let mask = 0;
  for (const name of names) mask |= LINECALLPRIVILEGE[name.toUpperCase() as keyof typeof LINECALLPRIVILEGE];
  return { names, mask };
}

function mediaModesOf(value: OpenLineOptions['mediaModes']): number {
  if (value === undefined) return LINEMEDIAMODE.INTERACTIVEVOICE;
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value <= 0) throw TapiError.of('INVALMEDIAMODE', 'lineOpen', 'media modes must be a positive mask');
    return value;
  }
  if (!Array.isArray(value)) throw new TapiValidationError('mediaModes must be a number or an array of names');
  let mask = 0;
  for (const name of value) {
    const bit = LINEMEDIAMODE[String(name).toUpperCase() as keyof typeof LINEMEDIAMODE];
    if (bit === undefined) throw TapiError.of('INVALMEDIAMODE', 'lineOpen', `unknown media mode "${name}"`);
    mask |= bit;
  }
  return mask || LINEMEDIAMODE.INTERACTIVEVOICE;
}

export const DEFAULT_API_VERSIONS = { low: TAPI_VERSION.V1_4, high: TAPI_VERSION.V2_2 };
