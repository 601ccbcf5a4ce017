// Requests for a call that wait for a free call appearance: first in, first out, at most `limit` waiting,
// each for at most `waitMs`. A request is tried when it reaches the head; while the line answers
// LINEERR_CALLUNAVAIL it stays at the head and is tried again when a call on the line ends. No Node-RED import.
import { TapiError } from '../../lib/tapi';

export interface QueueOptions {
  limit: number;
  waitMs: number;
  /** How often the head is retried while nothing else says a call appearance came free (ms). */
  pollMs?: number;
}

interface Entry<T> {
  attempt: () => Promise<T>;
  resolve: (value: T) => void;
  reject: (err: unknown) => void;
  timer?: NodeJS.Timeout;
}

export function isCallUnavail(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 'LINEERR_CALLUNAVAIL';
}

export class CallQueue<T> {
  private readonly waiting: Entry<T>[] = [];
  private trying = false;
  private poll?: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly options: QueueOptions,
    private readonly changed: (size: number) => void = () => undefined,
  ) {}

  get size(): number {
    return this.waiting.length;
  }

  /**
   * Runs `attempt` now when nobody waits; when it (or a request before it) meets LINEERR_CALLUNAVAIL the request
   * waits its turn. Rejects with LINEERR_CALLUNAVAIL when the queue is full or the wait is over.
   */
  run(attempt: () => Promise<T>): Promise<T> {
    if (this.waiting.length === 0 && !this.trying) {
      return attempt().catch((err: unknown) => {
        if (!isCallUnavail(err) || this.closed) throw err;
        return this.enqueue(attempt);
      });
    }
    return this.enqueue(attempt);
  }

  /** A call on the line ended: try the head again. */
  kick(): void {
    if (this.waiting.length === 0 || this.trying || this.closed) return;
    this.trying = true;
    const head = this.waiting[0];
    head.attempt().then(
      (value) => {
        this.remove(head);
        head.resolve(value);
        this.trying = false;
        this.kick();
      },
      (err: unknown) => {
        this.trying = false;
        if (isCallUnavail(err)) return; // still no appearance: stays at the head
        this.remove(head);
        head.reject(err);
        this.kick();
      },
    );
  }

  /** Every waiting request is settled with `err` (the node is closing). */
  close(err: unknown): void {
    this.closed = true;
    for (const entry of this.waiting.splice(0)) {
      if (entry.timer) clearTimeout(entry.timer);
      entry.reject(err);
    }
    this.update();
  }

  private enqueue(attempt: () => Promise<T>): Promise<T> {
    if (this.waiting.length >= this.options.limit) {
      return Promise.reject(
        TapiError.of(
          'CALLUNAVAIL',
          'lineMakeCall',
          `no call appearance is free and ${this.waiting.length} calls are already waiting (the limit)`,
        ),
      );
    }
    return new Promise<T>((resolve, reject) => {
      const entry: Entry<T> = { attempt, resolve, reject };
      if (this.options.waitMs > 0) {
        entry.timer = setTimeout(() => {
          if (!this.waiting.includes(entry)) return;
          this.remove(entry);
          reject(
            TapiError.of('CALLUNAVAIL', 'lineMakeCall', `no call appearance came free within ${Math.round(this.options.waitMs / 1000)} s`),
          );
        }, this.options.waitMs);
      }
      this.waiting.push(entry);
      this.update();
    });
  }

  private remove(entry: Entry<T>): void {
    const i = this.waiting.indexOf(entry);
    if (i >= 0) this.waiting.splice(i, 1);
    if (entry.timer) clearTimeout(entry.timer);
    this.update();
  }

  private update(): void {
    if (this.waiting.length > 0 && !this.poll && !this.closed) {
      this.poll = setInterval(() => this.kick(), this.options.pollMs ?? 1000);
      this.poll.unref?.();
    } else if (this.waiting.length === 0 && this.poll) {
      clearInterval(this.poll);
      this.poll = undefined;
    }
    this.changed(this.waiting.length);
  }
}
