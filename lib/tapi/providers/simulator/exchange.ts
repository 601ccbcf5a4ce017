// The simulated exchange: open lines, calls and handles, the far end's behaviour, and the messages it sends.
// Everything the app can observe goes through `queue` (one ordered FIFO); everything that happens later goes
// through `scheduler` (simulated time). The seam checks live in simulator-provider.ts.
import {
  LINECALLPRIVILEGE,
  LINECALLSTATE,
  LINEBUSYMODE,
  LINECONNECTEDMODE,
  LINEDEVSTATE,
  LINEDIALTONEMODE,
  LINEDISCONNECTMODE,
  LINEOFFERINGMODE,
  LINESPECIALINFO,
  LINE_MESSAGE,
  TAPI_VERSION,
  type ConstantTable,
} from '../../constants';
import { digitsOf } from '../../address';
import { ExchangeCall, type SimCallHandle, type SimLine } from './exchange-call';
import type { LineMessage } from '../../provider';
import { endSignals, startFarEnd } from './signals';
import { afterDrop } from './switching';
import { MessageQueue } from './message-queue';
import { Scheduler } from './scheduler';
import { DIAL_TIMING, findScenario, type Scenario, type ScenarioState } from './scenarios';
import { HandleCounter, HCALL_BASE, type RequestIds } from './ids';

/** LINECALLSTATE and the mode table of each scenario state. */
export const SCENARIO_STATES: Readonly<Record<ScenarioState, { state: number; modes?: ConstantTable }>> = {
  ringback: { state: LINECALLSTATE.RINGBACK },
  busy: { state: LINECALLSTATE.BUSY, modes: LINEBUSYMODE },
  specialinfo: { state: LINECALLSTATE.SPECIALINFO, modes: LINESPECIALINFO },
  connected: { state: LINECALLSTATE.CONNECTED, modes: LINECONNECTEDMODE },
  disconnected: { state: LINECALLSTATE.DISCONNECTED, modes: LINEDISCONNECTMODE },
};

/** Seconds between two LINEDEVSTATE_RINGING messages of an offering call (a US ring cycle). */
export const RING_PERIOD = 6;

function hasSignificant(number: string): boolean {
  return /[^ .\-()]/.test(number);
}

/**
 * The exchange's calls, with the active ones (not IDLE: they hold a call appearance) counted per device, so
 * that lineMakeCall's appearance check does not scan every call. Exchange.setState keeps it up to date.
 */
class CallSet extends Set<ExchangeCall> {
  private readonly active = new Map<number, Set<ExchangeCall>>();

  override add(call: ExchangeCall): this {
    super.add(call);
    this.update(call);
    return this;
  }

  override delete(call: ExchangeCall): boolean {
    this.active.get(call.device.deviceId)?.delete(call);
    return super.delete(call);
  }

  override clear(): void {
    this.active.clear();
    super.clear();
  }

  /** After a state change. */
  update(call: ExchangeCall): void {
    const id = call.device.deviceId;
    let set = this.active.get(id);
    if (this.has(call) && call.state !== LINECALLSTATE.IDLE) {
      if (!set) this.active.set(id, (set = new Set()));
      set.add(call);
    } else {
      set?.delete(call);
    }
  }

  activeOn(deviceId: number): number {
    return this.active.get(deviceId)?.size ?? 0;
  }

  /** The device's calls that are not idle (do not modify). */
  activeCallsOn(deviceId: number): Iterable<ExchangeCall> {
    return this.active.get(deviceId) ?? [];
  }
}

/** Open lines by handle, with each device's lines in opening order kept ready (linesOf). */
class LineMap extends Map<number, SimLine> {
  private byDevice: Map<number, SimLine[]> | undefined;

  override set(hLine: number, line: SimLine): this {
    this.byDevice = undefined;
    return super.set(hLine, line);
  }

  override delete(hLine: number): boolean {
    this.byDevice = undefined;
    return super.delete(hLine);
  }

  override clear(): void {
    this.byDevice = undefined;
    super.clear();
  }

  ofDevice(deviceId: number): readonly SimLine[] {
    if (!this.byDevice) {
      this.byDevice = new Map();
      for (const line of [...this.values()].sort((a, b) => a.openSeq - b.openSeq)) {
        let list = this.byDevice.get(line.device.deviceId);
        if (!list) this.byDevice.set(line.device.deviceId, (list = []));
        list.push(line);
      }
    }
    return this.byDevice.get(deviceId) ?? [];
  }
}

export class Exchange {
  readonly scheduler: Scheduler;
  readonly queue = new MessageQueue();
  readonly lines = new LineMap();
  readonly handles = new Map<number, SimCallHandle>();
  readonly calls = new CallSet();
  /** Outstanding async requests (reply not delivered yet), with the line they belong to. */
  readonly requests = new Map<number, { hLine: number }>();
  private openSeq = 0;

  constructor(
    readonly timeScale: number,
    private readonly scenarios: readonly Scenario[],
    private readonly callHandles = new HandleCounter(HCALL_BASE),
  ) {
    this.scheduler = new Scheduler(timeScale);
    // A timer is the far end acting, not a seam call: what it queued is delivered in the same turn,
    // as a TAPI reader blocked in lineGetMessage would pick it up at once.
    this.scheduler.afterFire = () => this.queue.flushSync();
    this.queue.onReplyDelivered = (id) => this.requests.delete(id);
  }

  nextOpenSeq(): number {
    return this.openSeq++;
  }

  // ---- messages -------------------------------------------------------------------------------

  /**
   * Register an async request and queue its LINE_REPLY (result 0 or a LINEERR value). With `sync` (the
   * replyBeforeReturn test control) everything queued so far and then the reply are delivered right now,
   * before the request id is returned: order is kept, only the timing is TAPI's multi-threaded worst case.
   */
  reply(ids: RequestIds, line: SimLine, result: number, newCall: number | undefined, sync: boolean): number {
    const id = ids.take();
    this.requests.set(id, { hLine: line.hLine });
    const message = {
      hDevice: 0,
      messageId: LINE_MESSAGE.LINE_REPLY,
      callbackInstance: line.callbackInstance,
      param1: id,
      param2: result >>> 0,
      param3: 0,
      ...(newCall !== undefined ? { newCall } : {}),
    };
    const item = { message, hLine: line.hLine, requestId: id };
    if (sync) {
      this.queue.flushSync(item);
    } else {
      this.queue.push(item);
    }
    return id;
  }

  /** Milliseconds of simulated time: the tick count of digit, tone, media, generate and gather messages. */
  tick(): number {
    return Math.round(this.scheduler.now() * 1000) >>> 0;
  }

  callMessage(h: SimCallHandle, messageId: number, p1: number, p2: number, p3: number, extra?: Partial<LineMessage>): void {
    this.queue.push({
      message: { hDevice: h.hCall, messageId, callbackInstance: h.line.callbackInstance, param1: p1, param2: p2, param3: p3, ...extra },
      hLine: h.line.hLine,
      hCall: h.hCall,
    });
  }

  private lineMessage(line: SimLine, messageId: number, p1: number, p2: number, p3: number, hCall?: number): void {
    this.queue.push({
      message: { hDevice: line.hLine, messageId, callbackInstance: line.callbackInstance, param1: p1, param2: p2, param3: p3 },
      hLine: line.hLine,
      ...(hCall !== undefined ? { hCall } : {}),
    });
  }

  /** LINE_LINEDEVSTATE(REINIT): hDevice 0, callback instance 0, always delivered. */
  reinit(): void {
    this.queue.push({
      message: {
        hDevice: 0,
        messageId: LINE_MESSAGE.LINE_LINEDEVSTATE,
        callbackInstance: 0,
        param1: LINEDEVSTATE.REINIT,
        param2: 0,
        param3: 0,
      },
    });
  }

  // ---- handles --------------------------------------------------------------------------------

  addHandle(call: ExchangeCall, line: SimLine, privilege: number): SimCallHandle {
    const handle: SimCallHandle = { hCall: this.callHandles.take(), line, privilege, call, announced: false };
    call.handles.set(handle.hCall, handle);
    this.handles.set(handle.hCall, handle);
    return handle;
  }

  /**
   * The app gives up a handle (lineDeallocateCall, lineClose): nothing more is delivered for it. A call left
   * without any handle is cleared at once (its timers stop); a call left without an owner that is already
   * DISCONNECTED goes IDLE (nobody could drop it).
   */
  removeHandle(handle: SimCallHandle): void {
    const call = handle.call;
    this.handles.delete(handle.hCall);
    call.handles.delete(handle.hCall);
    this.queue.purgeCall(handle.hCall);
    if (call.handles.size === 0) {
      this.clearCall(call);
    } else if (!call.hasOwner && call.state === LINECALLSTATE.DISCONNECTED) {
      this.setState(call, LINECALLSTATE.IDLE, 0);
    }
  }

  /** The call disappears from the exchange without any message. */
  clearCall(call: ExchangeCall): void {
    this.scheduler.cancelOwner(call);
    call.noAnswerTimer = undefined;
    this.calls.delete(call);
  }

  /** Calls on the device that are not idle (they occupy a call appearance). */
  activeCalls(deviceId: number): number {
    return this.calls.activeOn(deviceId);
  }

  /** The device's open lines in opening order (do not modify the array). */
  linesOf(deviceId: number): readonly SimLine[] {
    return this.lines.ofDevice(deviceId);
  }

  // ---- state ----------------------------------------------------------------------------------

  /** Enter a state and tell every handle (the first message per handle carries its privilege). */
  setState(call: ExchangeCall, state: number, mode: number): void {
    if (state === LINECALLSTATE.DISCONNECTED || state === LINECALLSTATE.IDLE) endSignals(this, call, state === LINECALLSTATE.IDLE);
    call.state = state;
    this.calls.update(call);
    call.mode = mode >>> 0;
    call.stateEntered = new Date();
    if (state === LINECALLSTATE.CONNECTED) call.everConnected = true;
    if (call.noAnswerTimer !== undefined && state !== LINECALLSTATE.PROCEEDING && state !== LINECALLSTATE.RINGBACK) {
      this.scheduler.cancel(call.noAnswerTimer);
      call.noAnswerTimer = undefined;
    }
    for (const h of call.handles.values()) {
      this.callMessage(h, LINE_MESSAGE.LINE_CALLSTATE, state, call.mode, h.announced ? 0 : h.privilege);
      h.announced = true;
    }
    if (state === LINECALLSTATE.CONNECTED && !call.farEndStarted) startFarEnd(this, call);
    if (state === LINECALLSTATE.IDLE) {
      this.scheduler.cancelOwner(call);
      if (call.handles.size === 0) this.calls.delete(call);
    } else if (state === LINECALLSTATE.DISCONNECTED && !call.hasOwner) {
      this.setState(call, LINECALLSTATE.IDLE, 0);
    }
  }

  /** The far end or the network ends the call: DISCONNECTED(mode). Pending far-end steps are cancelled. */
  disconnect(call: ExchangeCall, mode: number): void {
    this.scheduler.cancelOwner(call);
    call.noAnswerTimer = undefined;
    this.setState(call, LINECALLSTATE.DISCONNECTED, mode);
  }

  /** lineDrop: the call goes IDLE (its far-end timers stop); a held transfer peer reconnects, conference members go. */
  drop(call: ExchangeCall): void {
    this.scheduler.cancelOwner(call);
    call.noAnswerTimer = undefined;
    this.setState(call, LINECALLSTATE.IDLE, 0);
    afterDrop(this, call);
  }

  // ---- outgoing calls -------------------------------------------------------------------------

  /**
   * A new outgoing call whose LINE_REPLY has been queued: monitors on the device learn about it
   * (LINE_APPNEWCALL + LINE_CALLSTATE(UNKNOWN)), then DIALTONE, and dialling starts.
   */
  startOutgoing(call: ExchangeCall, number: string, partial: boolean, calledIdName: string): void {
    // A reply delivered before return (replyBeforeReturn) lets the app drop the call before it even started.
    if (!this.calls.has(call) || call.state === LINECALLSTATE.IDLE) return;
    for (const h of call.handles.values()) {
      if (h.privilege !== LINECALLPRIVILEGE.MONITOR) continue;
      if (h.line.apiVersion >= TAPI_VERSION.V2_0) {
        this.lineMessage(h.line, LINE_MESSAGE.LINE_APPNEWCALL, call.params.addressId, h.hCall, h.privilege, h.hCall);
      }
      this.callMessage(h, LINE_MESSAGE.LINE_CALLSTATE, LINECALLSTATE.UNKNOWN, 0, h.privilege);
      h.announced = true;
    }
    call.dialled = number;
    call.calledIdName = calledIdName;
    this.setState(call, LINECALLSTATE.DIALTONE, LINEDIALTONEMODE.NORMAL);
    this.continueDialling(call, partial, false);
  }

  /** lineDial accepted (its reply is queued): append and go on. */
  dial(call: ExchangeCall, number: string, partial: boolean): void {
    this.scheduler.cancelOwner(call);
    call.dialled += number;
    this.continueDialling(call, partial, true);
  }

  private continueDialling(call: ExchangeCall, partial: boolean, now: boolean): void {
    if (!partial) call.dialComplete = true;
    if (call.state === LINECALLSTATE.DIALTONE) {
      if (!hasSignificant(call.dialled)) return; // dial tone until lineDial brings digits
      const enterDialing = () => {
        this.setState(call, LINECALLSTATE.DIALING, 0);
        this.afterDialing(call);
      };
      if (now) enterDialing();
      else this.scheduler.schedule(DIAL_TIMING.dialtone, enterDialing, call);
    } else {
      this.afterDialing(call);
    }
  }

  private afterDialing(call: ExchangeCall): void {
    if (call.dialComplete) this.scheduler.schedule(DIAL_TIMING.dialing, () => this.proceed(call), call);
  }

  private proceed(call: ExchangeCall): void {
    this.setState(call, LINECALLSTATE.PROCEEDING, 0);
    const timeout = call.params.noAnswerTimeout;
    if (timeout > 0) {
      call.noAnswerTimer = this.scheduler.schedule(
        timeout,
        () => {
          call.noAnswerTimer = undefined;
          if (call.state === LINECALLSTATE.PROCEEDING || call.state === LINECALLSTATE.RINGBACK) {
            this.disconnect(call, LINEDISCONNECTMODE.NOANSWER);
          }
        },
        call,
      );
    }
    call.scenario = findScenario(digitsOf(call.dialled), this.scenarios);
    this.playStep(call, 0, DIAL_TIMING.proceeding);
  }

  private playStep(call: ExchangeCall, index: number, extraDelay: number): void {
    const step = call.scenario?.steps[index];
    if (!step) return;
    this.scheduler.schedule(
      extraDelay + step.after,
      () => {
        const { state, modes } = SCENARIO_STATES[step.state];
        const mode = step.mode && modes ? (modes[step.mode.toUpperCase()] ?? 0) : 0;
        this.setState(call, state, mode);
        this.playStep(call, index + 1, 0);
      },
      call,
    );
  }

  // ---- incoming calls -------------------------------------------------------------------------

  /** LINE_APPNEWCALL to every handle (2.0+ lines), OFFERING, RINGING status, and the caller's patience. */
  offer(call: ExchangeCall, ringSeconds: number): void {
    for (const h of call.handles.values()) {
      if (h.line.apiVersion >= TAPI_VERSION.V2_0) {
        this.lineMessage(h.line, LINE_MESSAGE.LINE_APPNEWCALL, call.params.addressId, h.hCall, h.privilege, h.hCall);
      }
    }
    this.setState(call, LINECALLSTATE.OFFERING, LINEOFFERINGMODE.ACTIVE);
    const givesUp = Number.isFinite(ringSeconds) && ringSeconds > 0;
    if (givesUp) this.scheduler.schedule(ringSeconds, () => this.disconnect(call, LINEDISCONNECTMODE.NORMAL), call);
    // At timeScale 0 an endless ring would repeat on every turn of the event loop: ring once instead.
    this.ring(call, givesUp || this.timeScale > 0);
  }

  private ring(call: ExchangeCall, repeat: boolean): void {
    if (call.state !== LINECALLSTATE.OFFERING) return;
    for (const line of this.linesOf(call.device.deviceId)) {
      if (line.lineStates & LINEDEVSTATE.RINGING) {
        this.lineMessage(line, LINE_MESSAGE.LINE_LINEDEVSTATE, LINEDEVSTATE.RINGING, 1, call.ringCount);
      }
    }
    call.ringCount++;
    if (repeat) this.scheduler.schedule(RING_PERIOD, () => this.ring(call, repeat), call);
  }

  /** lineAnswer accepted: CONNECTED(ACTIVE). */
  answer(call: ExchangeCall, appName: string): void {
    this.scheduler.cancelOwner(call);
    call.appName = appName;
    this.setState(call, LINECALLSTATE.CONNECTED, LINECONNECTEDMODE.ACTIVE);
  }

  // ---- teardown -------------------------------------------------------------------------------

  /**
   * lineClose (or a provider-side close): the line's queued messages and outstanding replies are suppressed,
   * its handles are removed, and calls of which it was the sole owner are dropped (other apps' monitor
   * handles see IDLE).
   */
  closeLine(line: SimLine): void {
    this.lines.delete(line.hLine);
    this.queue.purge((item) => item.hLine === line.hLine);
    for (const [id, request] of this.requests) if (request.hLine === line.hLine) this.requests.delete(id);
    for (const handle of [...this.handles.values()]) {
      if (handle.line !== line) continue;
      const call = handle.call;
      const soleOwner = handle.privilege === LINECALLPRIVILEGE.OWNER && call.count(LINECALLPRIVILEGE.OWNER) === 1;
      this.removeHandle(handle);
      if (soleOwner && this.calls.has(call) && call.state !== LINECALLSTATE.IDLE) this.drop(call);
    }
  }

  /** lineShutdown: nothing is left and nothing is delivered afterwards. */
  shutdown(): void {
    this.queue.clear();
    this.queue.setHandler(undefined);
    this.scheduler.clear();
    this.lines.clear();
    this.handles.clear();
    this.calls.clear();
    this.requests.clear();
  }
}
