// Request id <-> LINE_REPLY correlation. A reply can be read before its request id is known
// (TAPI read on another thread, or a provider that replies before returning): such replies wait here.
import { TapiError } from './errors';
import type { LineMessage } from './provider';

export interface PendingRequest<T = unknown> {
  id: number;
  operation: string;
  /** The line the request belongs to (its close settles the request). */
  lineInstance?: number;
  /** Runs synchronously when a successful LINE_REPLY is dispatched, before later messages of the same batch. */
  onSuccess: (reply: LineMessage) => T;
  resolve: (value: T) => void;
  reject: (error: Error) => void;
}

const MAX_EARLY_REPLIES = 4096;

export class RequestTable {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- one table holds requests of every result type
  private readonly pending = new Map<number, PendingRequest<any>>();
  private readonly early = new Map<number, LineMessage>();

  get size(): number {
    return this.pending.size;
  }

  /** Records a request id returned by an async function; settles at once if its reply came first. */
  track<T>(id: number, operation: string, lineInstance: number | undefined, onSuccess: (reply: LineMessage) => T): Promise<T> {
    if (!(id > 0)) return Promise.reject(TapiError.of('OPERATIONFAILED', operation, `provider returned request id ${id}`));
    return new Promise<T>((resolve, reject) => {
      const request: PendingRequest<T> = { id, operation, lineInstance, onSuccess, resolve, reject };
      const early = this.early.get(id);
      if (early) {
        this.early.delete(id);
        this.settle(request, early);
      } else {
        this.pending.set(id, request);
      }
    });
  }

  /** Dispatches a LINE_REPLY: settles its request, or keeps it until the request id is recorded. */
  reply(message: LineMessage): void {
    const request = this.pending.get(message.param1);
    if (!request) {
      if (this.early.size >= MAX_EARLY_REPLIES) this.early.delete(this.early.keys().next().value as number);
      this.early.set(message.param1, message);
      return;
    }
    this.pending.delete(message.param1);
    this.settle(request, message);
  }

  /** Rejects every pending request of a line (or all, without a line): no reply will come for them. */
  cancel(error: (operation: string) => TapiError, lineInstance?: number): void {
    for (const [id, request] of this.pending) {
      if (lineInstance === undefined || request.lineInstance === lineInstance) {
        this.pending.delete(id);
        request.reject(error(request.operation));
      }
    }
    if (lineInstance === undefined) this.early.clear();
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see `pending`
  private settle(request: PendingRequest<any>, message: LineMessage): void {
    const result = message.param2 | 0;
    if (result < 0) {
      request.reject(new TapiError(result, request.operation));
      return;
    }
    try {
      request.resolve(request.onSuccess(message));
    } catch (error) {
      request.reject(error as Error);
    }
  }
}
