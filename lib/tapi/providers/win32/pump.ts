// The message pump (tapi-reference.md §8.2): one reader per hLineApp, on the JS thread. Messages are
// handed to `deliver` strictly in queue order; the queue is drained synchronously with
// lineGetMessage(..., 0) (bounded per turn, then setImmediate) into a stable koffi.alloc'ed LINEMESSAGE.
//
// What wakes the drain (`mechanism`):
// - 'event' (default when the library offers it): one RegisterWaitForSingleObject on the USEEVENT
//   handle (manual reset, signalled while a message is queued) for the life of the pump. Its callback
//   runs on a Windows thread-pool thread (the fake's own thread on Linux) and reaches JS through one
//   koffi registered callback per process; koffi holds that thread until the JS side has run, and the
//   JS side drains the queue, so the event is reset by the time the wait resumes (if a drain stops at
//   maxPerTurn the event is still set and the wait fires again: the next batch, after other I/O). No
//   libuv worker is held. A JS-thread poll every `waitMs` keeps the process alive while the app is
//   initialised (koffi's cross-thread calls do not) and is a second line of defence.
// - 'async': lineGetMessage.async with a finite timeout on a libuv worker (at most one in flight).
// stop() unregisters the wait (never blocking: a callback already running finds its pump gone) or lets
// the in-flight read come back (lineShutdown wakes it); the buffer is released once nothing reads into it.
import type * as Koffi from 'koffi';
import { LINEERR } from '../../constants';
import { waitCallbackType, type Kernel32Wait, type Tapi32 } from './bindings';
import type { NativeMemory } from './memory';
import type { LineMessage } from '../../provider';

/** A LINEMESSAGE as read from the buffer; the provider adds `newCall` to a makeCall's LINE_REPLY. */
export type RawMessage = Omit<LineMessage, 'newCall'>;

export type PumpMechanism = 'event' | 'async';

export interface PumpOptions {
  /** 'event' waits on the USEEVENT handle off the thread pool; 'async' blocks a libuv worker in lineGetMessage. */
  mechanism?: PumpMechanism;
  /** 'async': timeout of each blocking read; 'event': period of the JS-thread safety poll. ms. */
  waitMs?: number;
  /** Messages drained synchronously before yielding to the event loop. */
  maxPerTurn?: number;
  /** Back-off after an unexpected error, ms. */
  backoffMs?: number;
}

const OPERATIONFAILED = LINEERR.OPERATIONFAILED | 0;
const INVALAPPHANDLE = LINEERR.INVALAPPHANDLE | 0;
const INFINITE = 0xffffffff; // winbase.h
const WT_EXECUTEDEFAULT = 0x00000000; // winnt.h

/** Pumps waiting on an event, by the id given to RegisterWaitForSingleObject as its context. */
const waiting = new Map<number, MessagePump>();
let nextWaitId = 1;
/** One registered wait callback per koffi instance, for the life of the process (never unregistered, so no race). */
const registered = new WeakMap<object, unknown>();

function waitCallback(koffi: typeof Koffi): unknown {
  let cb = registered.get(koffi);
  if (cb === undefined) {
    cb = koffi.register(
      (context: unknown) => {
        const id = typeof context === 'bigint' ? Number(context) : Number(context ?? 0);
        waiting.get(id)?.signalled();
      },
      koffi.pointer(waitCallbackType(koffi)),
    );
    registered.set(koffi, cb);
  }
  return cb;
}

export class MessagePump {
  private readonly msg: bigint;
  /** The LINEMESSAGE buffer seen as DWORDs: read in place, no koffi.decode per message. */
  private readonly words: Uint32Array;
  private readonly w: { hDevice: number; messageId: number; callbackInstance: number; param1: number; param2: number; param3: number };
  readonly mechanism: PumpMechanism;
  private readonly wait: Kernel32Wait | null;
  private readonly waitId: number;
  private waitHandle: unknown = undefined;
  private inFlight = false;
  private stopped = false;
  private released = false;
  private timer: NodeJS.Timeout | undefined;
  private poll: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private readonly idleWaiters: (() => void)[] = [];
  private readonly waitMs: number;
  private readonly maxPerTurn: number;
  private readonly backoffMs: number;
  /** Errors from lineGetMessage other than timeout / shut down (for diagnostics). */
  lastError: number | undefined;
  /** Times the event wait fired (mechanism 'event'). */
  wakeups = 0;

  constructor(
    private readonly api: Tapi32,
    private readonly memory: NativeMemory,
    private readonly hLineApp: number,
    private readonly deliver: (message: RawMessage) => void,
    options: PumpOptions = {},
    private readonly hEvent: unknown = null,
  ) {
    this.waitMs = options.waitMs ?? 500;
    this.maxPerTurn = options.maxPerTurn ?? 1000;
    this.backoffMs = options.backoffMs ?? 250;
    const want = options.mechanism ?? 'event';
    this.wait = want === 'event' && hEvent ? api.kernel32() : null;
    this.mechanism = this.wait ? 'event' : 'async';
    this.waitId = nextWaitId++;
    const layout = api.layout.lineMessage;
    this.msg = memory.alloc(layout.size);
    this.words = new Uint32Array(api.koffi.view(this.msg, layout.size));
    // Low DWORD of each field as an index into the words (Windows is little-endian; so is the fake).
    this.w = {
      hDevice: layout.hDevice / 4,
      messageId: layout.dwMessageID / 4,
      callbackInstance: layout.dwCallbackInstance / 4,
      param1: layout.dwParam1 / 4,
      param2: layout.dwParam2 / 4,
      param3: layout.dwParam3 / 4,
    };
  }

  start(): void {
    if (this.mechanism === 'event') {
      waiting.set(this.waitId, this);
      this.poll = setInterval(() => {
        if (!this.immediate && !this.timer) this.drain();
      }, this.waitMs);
      this.drain();
    } else {
      this.arm();
    }
  }

  /** Stop re-arming. An event wait is unregistered; an in-flight read completes on its own (lineShutdown wakes it). */
  stop(): void {
    this.stopped = true;
    waiting.delete(this.waitId);
    this.unregisterWait();
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    if (this.poll) clearInterval(this.poll);
    this.timer = undefined;
    this.immediate = undefined;
    this.poll = undefined;
    this.settleIfIdle();
  }

  /** Runs `fn` once no lineGetMessage is in flight any more (after stop()). */
  whenIdle(fn: () => void): void {
    if (this.released) fn();
    else this.idleWaiters.push(fn);
    this.settleIfIdle();
  }

  /** A worker thread is blocked in lineGetMessage (mechanism 'async'). */
  get reading(): boolean {
    return this.inFlight;
  }

  /** An event wait is registered. */
  get waiting(): boolean {
    return this.waitHandle !== undefined;
  }

  /** Called on the JS thread by the registered wait callback (its thread waits until this returns). */
  signalled(): void {
    this.wakeups++;
    if (this.stopped || this.timer) return;
    if (this.immediate) clearImmediate(this.immediate); // this call is the continuation now
    this.drain();
  }

  private unregisterWait(): void {
    const handle = this.waitHandle;
    if (handle === undefined || !this.wait) return;
    this.waitHandle = undefined;
    // NULL completion event: returns at once, also from inside the callback; a callback already
    // running (waiting for the JS thread) then finds no pump for its id.
    this.wait.UnregisterWaitEx(handle, null);
  }

  private settleIfIdle(): void {
    if (!this.stopped || this.inFlight || this.released) return;
    this.released = true;
    this.memory.free(this.msg);
    for (const fn of this.idleWaiters.splice(0)) fn();
  }

  /** Wait for the next message: register the event wait, or issue the async read. */
  private arm(): void {
    if (this.stopped) return;
    if (this.wait) return this.armWait();
    if (this.inFlight) return;
    this.inFlight = true;
    try {
      this.api.lineGetMessage.async(this.hLineApp, this.msg, this.waitMs, (err: unknown, result: number) => {
        this.inFlight = false;
        if (this.stopped) return this.settleIfIdle();
        if (err) return this.backoff(OPERATIONFAILED);
        this.onResult(result | 0);
      });
    } catch {
      // koffi refused to queue the call (e.g. max_async_calls reached): try again later.
      this.inFlight = false;
      this.backoff(OPERATIONFAILED);
    }
  }

  private armWait(): void {
    if (this.waitHandle !== undefined || !this.wait) return;
    const out: [unknown] = [null];
    const ok = this.wait.RegisterWaitForSingleObject(
      out,
      this.hEvent,
      waitCallback(this.api.koffi),
      BigInt(this.waitId),
      INFINITE,
      WT_EXECUTEDEFAULT,
    );
    if (!ok || !out[0]) return this.backoff(OPERATIONFAILED);
    this.waitHandle = out[0];
  }

  private onResult(rc: number): void {
    if (rc === 0) {
      this.dispatch();
      this.drain();
    } else if (rc === OPERATIONFAILED) {
      this.arm(); // timed out: wait again
    } else if (rc === INVALAPPHANDLE) {
      this.stop(); // the app was shut down
    } else {
      this.backoff(rc);
    }
  }

  private drain(): void {
    this.immediate = undefined;
    for (let n = 0; n < this.maxPerTurn; n++) {
      if (this.stopped) return this.settleIfIdle();
      const rc = this.api.lineGetMessage(this.hLineApp, this.msg, 0) | 0;
      if (rc === 0) {
        this.dispatch();
        continue;
      }
      if (rc === OPERATIONFAILED) return this.arm();
      if (rc === INVALAPPHANDLE) return this.stop();
      return this.backoff(rc);
    }
    // Let timers and I/O run, then go on draining.
    this.immediate = setImmediate(() => this.drain());
  }

  private backoff(rc: number): void {
    this.lastError = rc;
    if (this.stopped) return this.settleIfIdle();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.wait) this.drain();
      else this.arm();
    }, this.backoffMs);
  }

  private dispatch(): void {
    const w = this.words;
    const i = this.w;
    const message: RawMessage = {
      hDevice: w[i.hDevice],
      messageId: w[i.messageId],
      callbackInstance: w[i.callbackInstance],
      param1: w[i.param1],
      param2: w[i.param2],
      param3: w[i.param3],
    };
    this.deliver(message);
  }
}
