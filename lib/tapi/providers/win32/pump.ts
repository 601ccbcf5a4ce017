// The message pump (tapi-reference.md §8.2): one reader per hLineApp. lineGetMessage runs with
// koffi's .async (a worker thread) and a finite timeout, at most one in flight, into a stable
// koffi.alloc'ed LINEMESSAGE; after a message the queue is drained synchronously with timeout 0
// (bounded per turn, then setImmediate), then the async wait is re-armed. Messages are handed to
// `deliver` strictly in queue order on the JS thread. lineShutdown wakes the pending read with
// LINEERR_INVALAPPHANDLE; the buffer is released only once no read is in flight.
import { LINEERR } from '../../constants';
import type { Tapi32 } from './bindings';
import type { NativeMemory } from './memory';
import type { LineMessage } from '../../provider';
import { LINEMESSAGE, LINEMESSAGE_SIZE } from './structs';

// Low DWORD of each LINEMESSAGE field, as an index into a Uint32Array over the buffer (little-endian:
// x64 and ARM64 Windows, and the Linux fake). low32() of a DWORD_PTR is exactly this word.
const W_HDEVICE = LINEMESSAGE.hDevice / 4;
const W_MESSAGEID = LINEMESSAGE.dwMessageID / 4;
const W_CALLBACKINSTANCE = LINEMESSAGE.dwCallbackInstance / 4;
const W_PARAM1 = LINEMESSAGE.dwParam1 / 4;
const W_PARAM2 = LINEMESSAGE.dwParam2 / 4;
const W_PARAM3 = LINEMESSAGE.dwParam3 / 4;

/** A LINEMESSAGE as read from the buffer; the provider adds `newCall` to a makeCall's LINE_REPLY. */
export type RawMessage = Omit<LineMessage, 'newCall'>;

export interface PumpOptions {
  /** Timeout of each blocking read, ms. */
  waitMs?: number;
  /** Messages drained synchronously before yielding to the event loop. */
  maxPerTurn?: number;
  /** Back-off after an unexpected error, ms. */
  backoffMs?: number;
}

const OPERATIONFAILED = LINEERR.OPERATIONFAILED | 0;
const INVALAPPHANDLE = LINEERR.INVALAPPHANDLE | 0;

export class MessagePump {
  private readonly msg: bigint;
  /** The LINEMESSAGE buffer seen as DWORDs: read in place, no koffi.decode per message. */
  private readonly words: Uint32Array;
  private inFlight = false;
  private stopped = false;
  private released = false;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private readonly idleWaiters: (() => void)[] = [];
  private readonly waitMs: number;
  private readonly maxPerTurn: number;
  private readonly backoffMs: number;
  /** Errors from lineGetMessage other than timeout / shut down (for diagnostics). */
  lastError: number | undefined;

  constructor(
    private readonly api: Tapi32,
    private readonly memory: NativeMemory,
    private readonly hLineApp: number,
    private readonly deliver: (message: RawMessage) => void,
    options: PumpOptions = {},
  ) {
    this.waitMs = options.waitMs ?? 500;
    this.maxPerTurn = options.maxPerTurn ?? 1000;
    this.backoffMs = options.backoffMs ?? 250;
    this.msg = memory.alloc(LINEMESSAGE_SIZE);
    this.words = new Uint32Array(api.koffi.view(this.msg, LINEMESSAGE_SIZE));
  }

  start(): void {
    this.arm();
  }

  /** Stop re-arming. The in-flight read (if any) completes on its own (lineShutdown wakes it). */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
    this.settleIfIdle();
  }

  /** Runs `fn` once no lineGetMessage is in flight any more (after stop()). */
  whenIdle(fn: () => void): void {
    if (this.released) fn();
    else this.idleWaiters.push(fn);
    this.settleIfIdle();
  }

  get reading(): boolean {
    return this.inFlight;
  }

  private settleIfIdle(): void {
    if (!this.stopped || this.inFlight || this.released) return;
    this.released = true;
    this.memory.free(this.msg);
    for (const fn of this.idleWaiters.splice(0)) fn();
  }

  private arm(): void {
    if (this.stopped || this.inFlight) return;
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
      this.arm();
    }, this.backoffMs);
  }

  private dispatch(): void {
    const w = this.words;
    const message: RawMessage = {
      hDevice: w[W_HDEVICE],
      messageId: w[W_MESSAGEID],
      callbackInstance: w[W_CALLBACKINSTANCE],
      param1: w[W_PARAM1],
      param2: w[W_PARAM2],
      param3: w[W_PARAM3],
    };
    this.deliver(message);
  }
}
