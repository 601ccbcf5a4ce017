// The app's message queue: one FIFO of LINEMESSAGEs, delivered to the handler strictly in order and never
// from inside the call that queued them.
//
// Delivery happens in batches, like a reader that drains lineGetMessage: a setImmediate delivers every
// message that was queued before it started. Messages queued while the batch runs (e.g. the LINE_REPLY of
// a function the handler called) wait for the next macrotask, so a seam call's reply never arrives in the
// same turn as the call, yet a reply and the call states queued with it do arrive in one batch.
import type { LineMessage, MessageHandler } from '../../provider';

/** A queued message and what it belongs to (to suppress it on lineClose / lineDeallocateCall). */
export interface QueuedMessage {
  message: LineMessage;
  /** The HLINE the message is for (its line, or the line of the call / request). */
  hLine?: number;
  /** The HCALL the message is about (not set for LINE_REPLY, which deallocation does not suppress). */
  hCall?: number;
  /** LINE_REPLY: the request id. */
  requestId?: number;
  seq: number;
}

export class MessageQueue {
  // A FIFO as an array and a read index (Array#shift is O(n) once the queue is long), plus how many
  // queued items each call handle has, so that deallocating a handle with nothing queued scans nothing.
  private items: QueuedMessage[] = [];
  private head = 0;
  private readonly perCall = new Map<number, number>();
  private seq = 0;
  private drain: NodeJS.Immediate | undefined;
  private handler: MessageHandler | undefined;
  /** Called just before a LINE_REPLY is handed over (the request is then complete). */
  onReplyDelivered: (requestId: number) => void = () => undefined;

  setHandler(handler: MessageHandler | undefined): void {
    this.handler = handler;
  }

  push(item: Omit<QueuedMessage, 'seq'>): void {
    this.append(item);
    this.schedule();
  }

  /** Remove queued messages matching `predicate`; returns what was removed. */
  purge(predicate: (item: QueuedMessage) => boolean): QueuedMessage[] {
    const removed: QueuedMessage[] = [];
    const kept: QueuedMessage[] = [];
    for (let i = this.head; i < this.items.length; i++) {
      const item = this.items[i];
      if (predicate(item)) {
        removed.push(item);
        this.uncount(item);
      } else {
        kept.push(item);
      }
    }
    this.items = kept;
    this.head = 0;
    if (this.size === 0) this.cancelDrain();
    return removed;
  }

  /** Remove the queued messages about one call handle (none queued: nothing is scanned). */
  purgeCall(hCall: number): QueuedMessage[] {
    if (!this.perCall.has(hCall)) return [];
    return this.purge((item) => item.hCall === hCall);
  }

  /** Deliver everything queued, synchronously, then `extra` (used by the replyBeforeReturn test control). */
  flushSync(extra?: Omit<QueuedMessage, 'seq'>): void {
    if (extra) this.append(extra);
    this.deliverUpTo(this.seq - 1);
    if (this.size === 0) this.cancelDrain();
  }

  /** Drop everything and stop; nothing is delivered afterwards. */
  clear(): void {
    this.items = [];
    this.head = 0;
    this.perCall.clear();
    this.cancelDrain();
  }

  get size(): number {
    return this.items.length - this.head;
  }

  private append(item: Omit<QueuedMessage, 'seq'>): void {
    // Every caller hands over a fresh object: stamp it rather than copy it.
    const queued = item as QueuedMessage;
    queued.seq = this.seq++;
    this.items.push(queued);
    if (queued.hCall !== undefined) this.perCall.set(queued.hCall, (this.perCall.get(queued.hCall) ?? 0) + 1);
  }

  private uncount(item: QueuedMessage): void {
    if (item.hCall === undefined) return;
    const n = (this.perCall.get(item.hCall) ?? 1) - 1;
    if (n > 0) this.perCall.set(item.hCall, n);
    else this.perCall.delete(item.hCall);
  }

  private schedule(): void {
    if (!this.drain) this.drain = setImmediate(() => this.runBatch());
  }

  private cancelDrain(): void {
    if (this.drain) clearImmediate(this.drain);
    this.drain = undefined;
  }

  private runBatch(): void {
    this.drain = undefined;
    const last = this.size > 0 ? this.items[this.items.length - 1].seq : -1;
    this.deliverUpTo(last);
    if (this.size > 0) this.schedule();
  }

  private deliverUpTo(lastSeq: number): void {
    while (this.head < this.items.length && this.items[this.head].seq <= lastSeq) {
      const item = this.items[this.head];
      this.items[this.head] = undefined as unknown as QueuedMessage;
      this.head++;
      this.uncount(item);
      if (item.requestId !== undefined) this.onReplyDelivered(item.requestId);
      const handler = this.handler;
      if (!handler) continue;
      try {
        // The item has left the queue: its message object goes to the app as it is.
        handler(item.message);
      } catch (error) {
        // The handler is the app's; a throw there must not stop the queue or surface inside the exchange.
        process.emitWarning(`tapi simulator: the message handler threw: ${(error as Error)?.stack ?? String(error)}`);
      }
    }
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
