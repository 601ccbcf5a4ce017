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

interface Entry extends SimTimer {
  /** Cancelled entries stay in the heap until they reach its top (lazy deletion). */
  cancelled: boolean;
}

/** (due, creation) order: the heap's comparison. */
function before(a: Entry, b: Entry): boolean {
  return a.due < b.due || (a.due === b.due && a.seq < b.seq);
}

// Timers live in a binary heap ordered by (due, seq), with indexes by id and by owner, so scheduling,
// cancelling one timer and cancelling all of a call's timers cost O(log n) / O(k), not a scan of every
// timer of every call (which made each call's cost grow with the number of calls up at once).
export class Scheduler {
  private heap: Entry[] = [];
  private readonly byId = new Map<number, Entry>();
  private readonly byOwner = new Map<object, Set<Entry>>();
  private nextId = 1;
  private seq = 0;
  /** Simulated seconds at the last fired timer (timeScale 0: the clock itself). */
  private clock = 0;
  private readonly origin = performance.now();
  private host: { kind: 'timeout'; handle: NodeJS.Timeout; due: number } | { kind: 'immediate'; handle: NodeJS.Immediate } | undefined;

  /** Runs after each fired timer, in the same turn (the exchange delivers what the timer queued). */
  afterFire: () => void = () => undefined;

  constructor(private readonly timeScale: number) {}

  /** Simulated seconds since the scheduler was created. */
  now(): number {
    if (this.timeScale === 0) return this.clock;
    return Math.max(this.clock, (performance.now() - this.origin) / (1000 * this.timeScale));
  }

  /** Run `run` after `delay` simulated seconds. Returns the timer id (for cancel). */
  schedule(delay: number, run: () => void, owner?: object): number {
    const safeDelay = Number.isFinite(delay) && delay > 0 ? delay : 0;
    const timer: Entry = { id: this.nextId++, due: this.now() + safeDelay, seq: this.seq++, owner, run, cancelled: false };
    this.byId.set(timer.id, timer);
    if (owner) {
      let set = this.byOwner.get(owner);
      if (!set) this.byOwner.set(owner, (set = new Set()));
      set.add(timer);
    }
    this.push(timer);
    this.arm();
    return timer.id;
  }

  cancel(id: number): void {
    const timer = this.byId.get(id);
    if (timer) {
      this.forget(timer);
      this.arm();
    }
  }

  cancelOwner(owner: object): void {
    const set = this.byOwner.get(owner);
    if (!set) return;
    this.byOwner.delete(owner);
    for (const timer of set) {
      timer.cancelled = true;
      this.byId.delete(timer.id);
    }
    this.compactIfSparse();
    this.arm();
  }

  countOwner(owner: object): number {
    return this.byOwner.get(owner)?.size ?? 0;
  }

  /** Cancel every timer and release the host timer. */
  clear(): void {
    this.heap = [];
    this.byId.clear();
    this.byOwner.clear();
    this.disarm();
  }

  get size(): number {
    return this.byId.size;
  }

  private forget(timer: Entry): void {
    timer.cancelled = true;
    this.byId.delete(timer.id);
    if (timer.owner) {
      const set = this.byOwner.get(timer.owner);
      if (set) {
        set.delete(timer);
        if (set.size === 0) this.byOwner.delete(timer.owner);
      }
    }
    this.compactIfSparse();
  }

  /** Cancelled entries may pile up behind long timers: rebuild once they are most of the heap. */
  private compactIfSparse(): void {
    if (this.heap.length > 64 && this.heap.length > 2 * this.byId.size) {
      const live = this.heap.filter((t) => !t.cancelled);
      this.heap = [];
      for (const t of live) this.push(t);
    }
  }

  private push(timer: Entry): void {
    const h = this.heap;
    let i = h.length;
    h.push(timer);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }

  private pop(): Entry | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l], h[m])) m = l;
        if (r < h.length && before(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }

  /** The earliest live timer (cancelled ones on top are dropped). */
  private first(): Entry | undefined {
    while (this.heap.length > 0 && this.heap[0].cancelled) this.pop();
    return this.heap[0];
  }

  private disarm(): void {
    if (!this.host) return;
    if (this.host.kind === 'timeout') clearTimeout(this.host.handle);
    else clearImmediate(this.host.handle);
    this.host = undefined;
  }

  private arm(): void {
    // While a timer runs, timers it schedules are armed once it has finished (after afterFire): at timeScale 0
    // the app then sees what the timer delivered before the next timer fires.
    if (this.firing) return;
    const first = this.first();
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
    // Rounded up: Node truncates a fractional delay, which would fire every timer up to 1 ms early and run the
    // simulated clock ahead of the wall clock (a 10 s prompt played in 9.7 s).
    const ms = Math.max(0, Math.ceil((first.due - this.now()) * 1000 * this.timeScale));
    this.host = { kind: 'timeout', handle: setTimeout(() => this.fire(), Math.min(ms, 0x7fffffff)), due: first.due };
  }

  private firing = false;

  private fire(): void {
    this.host = undefined;
    this.firing = true;
    const timer = this.first();
    if (timer) {
      this.pop();
      this.forget(timer);
      // Host timers may fire a little early or late; the simulated clock never goes back.
      this.clock = Math.max(this.clock, timer.due);
      try {
        timer.run();
        this.afterFire();
      } catch (error) {
        // A bug in the exchange must not take the host process down.
        process.emitWarning(`tapi simulator: a timer failed: ${(error as Error)?.stack ?? String(error)}`);
      }
    }
    this.firing = false;
    this.arm();
  }
}
