// One initialize() ... shutdown() of the SIP provider: the open lines, the call handles, the calls, the
// outstanding requests and the message queue. Every LINE_* message is queued here, in order.
import { LINECALLPRIVILEGE, LINECALLSTATE as S, LINE_MESSAGE } from '../../constants';
import type { LineMessage, MessageHandler } from '../../provider';
import type { SipClock } from './core/types';
import type { CallHandle, OpenLine, SipCall } from './sip-call';
import { SipMessageQueue } from './sip-queue';

/** Non-zero 32-bit counters that are never reused by one provider (lines, calls and call ids each start elsewhere). */
export class Counter {
  constructor(private next: number) {}
  take(): number {
    const v = this.next >>> 0;
    this.next = v >= 0x7fffffff ? 1 : v + 1;
    return v === 0 ? this.take() : v;
  }
}

/** A request whose LINE_REPLY comes later (after a SIP transaction): settle it once. */
export interface PendingReply {
  readonly id: number;
  settle(result: number, newCall?: number): void;
}

export class SipSession {
  readonly queue = new SipMessageQueue();
  readonly lines = new Map<number, OpenLine>();
  readonly handles = new Map<number, CallHandle>();
  readonly calls = new Set<SipCall>();
  /** Outstanding requests: id -> the line whose LINE_REPLY it is. */
  readonly requests = new Map<number, number>();
  private openSeq = 0;
  private readonly started: number;
  /** Called when a call has neither a handle nor a live SIP side: the provider frees its resources. */
  onCallGone: (call: SipCall) => void = () => undefined;
  /** Called at every state change (after the messages are queued): the provider stops what the state ends. */
  onState: (call: SipCall) => void = () => undefined;

  constructor(
    onMessage: MessageHandler,
    readonly clock: SipClock,
    private readonly requestIds: Counter,
    private readonly callHandles: Counter,
  ) {
    this.queue.setHandler(onMessage);
    this.queue.onReplyDelivered = (id) => this.requests.delete(id);
    this.started = clock.now();
  }

  nextOpenSeq(): number {
    return this.openSeq++;
  }

  /** Milliseconds since initialize: dwParam3 of digit, generate and gather messages. */
  tick(): number {
    return Math.round(this.clock.now() - this.started) >>> 0;
  }

  // ---- replies --------------------------------------------------------------------------------

  /** Queues the LINE_REPLY now and returns its request id. */
  reply(line: OpenLine, result: number, newCall?: number): number {
    const pending = this.pendingReply(line);
    pending.settle(result, newCall);
    return pending.id;
  }

  /** A request id whose LINE_REPLY is queued by settle(); nothing is delivered if the line closes first. */
  pendingReply(line: OpenLine): PendingReply {
    const id = this.requestIds.take();
    this.requests.set(id, line.hLine);
    let settled = false;
    return {
      id,
      settle: (result, newCall) => {
        if (settled || this.requests.get(id) !== line.hLine || !this.lines.has(line.hLine)) return;
        settled = true;
        const message: LineMessage = {
          hDevice: 0,
          messageId: LINE_MESSAGE.LINE_REPLY,
          callbackInstance: line.callbackInstance,
          param1: id,
          param2: result >>> 0,
          param3: 0,
          ...(newCall !== undefined && result === 0 ? { newCall } : {}),
        };
        this.queue.push({ message, hLine: line.hLine, requestId: id });
      },
    };
  }

  // ---- messages -------------------------------------------------------------------------------

  callMessage(h: CallHandle, messageId: number, p1: number, p2: number, p3: number, extra?: Partial<LineMessage>): void {
    if (!this.handles.has(h.hCall)) return;
    this.queue.push({
      message: { hDevice: h.hCall, messageId, callbackInstance: h.line.callbackInstance, param1: p1, param2: p2, param3: p3, ...extra },
      hLine: h.line.hLine,
      hCall: h.hCall,
    });
  }

  /** A message to every handle of the call. */
  toCall(call: SipCall, messageId: number, p1: number, p2: number, p3: number): void {
    for (const h of call.handles.values()) this.callMessage(h, messageId, p1, p2, p3);
  }

  lineMessage(line: OpenLine, messageId: number, p1: number, p2: number, p3: number): void {
    this.queue.push({
      message: { hDevice: line.hLine, messageId, callbackInstance: line.callbackInstance, param1: p1, param2: p2, param3: p3 },
      hLine: line.hLine,
    });
  }

  /** The device's open lines, in opening order. */
  linesOf(deviceId: number): OpenLine[] {
    return [...this.lines.values()].filter((l) => l.device.deviceId === deviceId).sort((a, b) => a.openSeq - b.openSeq);
  }

  activeCalls(deviceId: number): number {
    let n = 0;
    for (const c of this.calls) if (c.device.deviceId === deviceId && c.active) n++;
    return n;
  }

  // ---- handles and states ---------------------------------------------------------------------

  addHandle(call: SipCall, line: OpenLine, privilege: number, hCall = this.callHandles.take()): CallHandle {
    const handle: CallHandle = { hCall, line, privilege, call, announced: false };
    call.handles.set(hCall, handle);
    this.handles.set(hCall, handle);
    return handle;
  }

  /** The app gives a handle back: nothing more is delivered for it. */
  removeHandle(handle: CallHandle): void {
    const call = handle.call;
    this.handles.delete(handle.hCall);
    call.handles.delete(handle.hCall);
    call.digits.forget(handle.hCall);
    this.queue.purge((item) => item.hCall === handle.hCall);
    if (call.handles.size === 0) {
      this.calls.delete(call);
      this.onCallGone(call);
    } else if (!call.hasOwner && call.state === S.DISCONNECTED) {
      this.setState(call, S.IDLE, 0);
    }
  }

  /** Enters a state and tells every handle; the first message of a handle carries its privilege. */
  setState(call: SipCall, state: number, mode: number): void {
    if (call.state === state && call.mode === mode >>> 0 && state !== S.UNKNOWN) return;
    call.state = state;
    call.mode = mode >>> 0;
    call.stateEntered = new Date();
    if (state === S.CONNECTED) call.everConnected = true;
    if (state === S.DISCONNECTED || state === S.IDLE) call.digits.end(state === S.IDLE);
    for (const h of call.handles.values()) {
      this.callMessage(h, LINE_MESSAGE.LINE_CALLSTATE, state, call.mode, h.announced ? 0 : h.privilege);
      h.announced = true;
    }
    this.onState(call);
    if (state === S.DISCONNECTED && !call.hasOwner) this.setState(call, S.IDLE, 0);
  }

  /** Monitors of the device learn about a call another line placed. */
  announceToMonitors(call: SipCall, apiV2: (line: OpenLine) => boolean): void {
    for (const h of call.handles.values()) {
      if (h.privilege !== LINECALLPRIVILEGE.MONITOR) continue;
      if (apiV2(h.line)) this.lineMessage(h.line, LINE_MESSAGE.LINE_APPNEWCALL, 0, h.hCall, h.privilege);
    }
  }

  /** Drops everything without a message (shutdown). */
  clear(): void {
    this.queue.clear();
    this.lines.clear();
    this.handles.clear();
    this.calls.clear();
    this.requests.clear();
  }
}
