// The exchange's clock: timers in simulated seconds, fired in order of their due time.
//
// Every timer is due at `now() + delay` simulated seconds and timers fire strictly in (due, creation) order.
// With timeScale > 0 the simulated clock follows the wall clock (1 s simulated = timeScale s real) and one
// host setTimeout is armed for the earliest timer. With timeScale 0 the clock only moves when a timer fires
// (it jumps to that timer's due time) and each timer fires in its own setImmediate: the same order as at
// timeScale 1, as fast as possible, never synchronously. That keeps races such as "noAnswerTimeout versus
// the far end answering" deterministic at timeScale 0.

export interface SimTimer {
  readonly id: number;
  readonly due: number;
  readonly seq: number;
  /** Who the timer belongs to (an exchange call), for cancelling by owner. */
  readonly owner: object | undefined;
  readonly run: () => void;
}

export class Scheduler {
  private readonly timers: SimTimer[] = [];
  private nextId = 1;
  private seq = 0;
  /** Simulated seconds at the last fired timer (timeScale 0: the clock itself). */
  private clock = 0;
  private readonly origin = performance.now();
  private host: { kind: 'timeout'; handle: NodeJS.Timeout; due: number } | { kind: 'immediate'; handle: NodeJS.Immediate } | undefined;

  constructor(private readonly timeScale: number) {}

  /** Simulated seconds since the scheduler was created. */
  now(): number {
    if (this.timeScale === 0) return this.clock;
    return Math.max(this.clock, (performance.now() - this.origin) / (1000 * this.timeScale));
  }

  /** Run `run` after `delay` simulated seconds. Returns the timer id (for cancel). */
  schedule(delay: number, run: () => void, owner?: object): number {
    const safeDelay = Number.isFinite(delay) && delay > 0 ? delay : 0;
    const timer: SimTimer = { id: this.nextId++, due: this.now() + safeDelay, seq: this.seq++, owner, run };
    let i = this.timers.length;
    while (i > 0 && this.timers[i - 1].due > timer.due) i--;
    this.timers.splice(i, 0, timer);
    this.arm();
    return timer.id;
  }

  cancel(id: number): void {
    const i = this.timers.findIndex((t) => t.id === id);
    if (i >= 0) {
      this.timers.splice(i, 1);
      this.arm();
    }
  }

  cancelOwner(owner: object): void {
    let removed = false;
    for (let i = this.timers.length - 1; i >= 0; i--) {
      if (this.timers[i].owner === owner) {
        this.timers.splice(i, 1);
        removed = true;
      }
    }
    if (removed) this.arm();
  }

  countOwner(owner: object): number {
    return this.timers.filter((t) => t.owner === owner).length;
  }

  /** Cancel every timer and release the host timer. */
  clear(): void {
    this.timers.length = 0;
    this.disarm();
  }

  get size(): number {
    return this.timers.length;
  }

  private disarm(): void {
    if (!this.host) return;
    if (this.host.kind === 'timeout') clearTimeout(this.host.handle);
    else clearImmediate(this.host.handle);
    this.host = undefined;
  }

  private arm(): void {
    const first = this.timers[0];
    if (!first) {
      this.disarm();
      return;
    }
    if (this.timeScale === 0) {
      if (!this.host) this.host = { kind: 'immediate', handle: setImmediate(() => this.fire()) };
      return;
    }
    if (this.host && this.host.kind === 'timeout' && this.host.due === first.due) return;
    this.disarm();
    const ms = Math.max(0, (first.due - this.now()) * 1000 * this.timeScale);
    this.host = { kind: 'timeout', handle: setTimeout(() => this.fire(), Math.min(ms, 0x7fffffff)), due: first.due };
  }

  private fire(): void {
    this.host = undefined;
    const timer = this.timers.shift();
    if (timer) {
      // Host timers may fire a little early or late; the simulated clock never goes back.
      this.clock = Math.max(this.clock, timer.due);
      try {
        timer.run();
      } catch (error) {
        // A bug in the exchange must not take the host process down.
        process.emitWarning(`tapi simulator: a timer failed: ${(error as Error)?.stack ?? String(error)}`);
      }
      this.arm();
    } else {
      this.arm();
    }
  }
}
