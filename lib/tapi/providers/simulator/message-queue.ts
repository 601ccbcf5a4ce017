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
  private readonly items: QueuedMessage[] = [];
  private seq = 0;
  private drain: NodeJS.Immediate | undefined;
  private handler: MessageHandler | undefined;
  /** Called just before a LINE_REPLY is handed over (the request is then complete). */
  onReplyDelivered: (requestId: number) => void = () => undefined;

  setHandler(handler: MessageHandler | undefined): void {
    this.handler = handler;
  }

  push(item: Omit<QueuedMessage, 'seq'>): void {
    this.items.push({ ...item, seq: this.seq++ });
    this.schedule();
  }

  /** Remove queued messages matching `predicate`; returns what was removed. */
  purge(predicate: (item: QueuedMessage) => boolean): QueuedMessage[] {
    const removed: QueuedMessage[] = [];
    for (let i = this.items.length - 1; i >= 0; i--) {
      if (predicate(this.items[i])) removed.unshift(...this.items.splice(i, 1));
    }
    if (this.items.length === 0) this.cancelDrain();
    return removed;
  }

  /** Deliver everything queued, synchronously, then `extra` (used by the replyBeforeReturn test control). */
  flushSync(extra?: Omit<QueuedMessage, 'seq'>): void {
    if (extra) this.items.push({ ...extra, seq: this.seq++ });
    this.deliverUpTo(this.seq - 1);
    if (this.items.length === 0) this.cancelDrain();
  }

  /** Drop everything and stop; nothing is delivered afterwards. */
  clear(): void {
    this.items.length = 0;
    this.cancelDrain();
  }

  get size(): number {
    return this.items.length;
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
    const last = this.items.length ? this.items[this.items.length - 1].seq : -1;
    this.deliverUpTo(last);
    if (this.items.length) this.schedule();
  }

  private deliverUpTo(lastSeq: number): void {
    while (this.items.length && this.items[0].seq <= lastSeq) {
      const item = this.items.shift()!;
      if (item.requestId !== undefined) this.onReplyDelivered(item.requestId);
      const handler = this.handler;
      if (!handler) continue;
      try {
        handler({ ...item.message });
      } catch (error) {
        // The handler is the app's; a throw there must not stop the queue or surface inside the exchange.
        process.emitWarning(`tapi simulator: the message handler threw: ${(error as Error)?.stack ?? String(error)}`);
      }
    }
  }
}
