// The provider's one ordered stream of LINEMESSAGEs. Every message reaches the handler in a later macrotask
// (setImmediate), never from inside the seam call or the network event that queued it; a batch delivers what
// was queued before it started. Messages of a closed line or a deallocated handle are purged before delivery,
// also from the batch being delivered (a listener may close the line in the middle of it).
import type { LineMessage, MessageHandler } from '../../provider';

export interface QueuedMessage {
  message: LineMessage;
  hLine?: number;
  hCall?: number;
  requestId?: number;
}

interface Entry extends QueuedMessage {
  seq: number;
}

export class SipMessageQueue {
  private items: Entry[] = [];
  private seq = 0;
  private drain: NodeJS.Immediate | undefined;
  private handler: MessageHandler | undefined;
  /** Called as a LINE_REPLY is handed over (its request is then complete). */
  onReplyDelivered: (requestId: number) => void = () => undefined;

  setHandler(handler: MessageHandler | undefined): void {
    this.handler = handler;
  }

  push(item: QueuedMessage): void {
    this.items.push({ ...item, seq: this.seq++ });
    if (!this.drain) this.drain = setImmediate(() => this.runBatch());
  }

  /** Removes the queued messages `predicate` selects. */
  purge(predicate: (item: QueuedMessage) => boolean): void {
    this.items = this.items.filter((item) => !predicate(item));
  }

  clear(): void {
    this.items = [];
    if (this.drain) clearImmediate(this.drain);
    this.drain = undefined;
  }

  get size(): number {
    return this.items.length;
  }

  private runBatch(): void {
    this.drain = undefined;
    const last = this.seq - 1;
    while (this.items.length > 0 && this.items[0].seq <= last) {
      const item = this.items.shift() as Entry;
      if (item.requestId !== undefined) this.onReplyDelivered(item.requestId);
      const handler = this.handler;
      if (!handler) continue;
      try {
        handler(item.message);
      } catch (error) {
        process.emitWarning(`tapi sip: the message handler threw: ${(error as Error)?.stack ?? String(error)}`);
      }
    }
    if (this.items.length > 0 && !this.drain) this.drain = setImmediate(() => this.runBatch());
  }
}
