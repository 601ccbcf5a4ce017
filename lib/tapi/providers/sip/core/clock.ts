// The clocks the transactions and the user agent run on: the real one (setTimeout) and a manual one for tests,
// where advance(ms) fires every timer that falls due, in due order (ties in the order they were set).
import type { SipClock, SipTimer } from './types';

class RealClock implements SipClock {
  private nextId = 1;
  private readonly timers = new Map<number, NodeJS.Timeout>();

  now(): number {
    return performance.now();
  }

  setTimeout(callback: () => void, ms: number): SipTimer {
    const id = this.nextId++;
    const handle = setTimeout(
      () => {
        this.timers.delete(id);
        callback();
      },
      Math.max(0, ms),
    );
    this.timers.set(id, handle);
    return { id };
  }

  clearTimeout(timer: SipTimer): void {
    const handle = this.timers.get(timer.id);
    if (handle) clearTimeout(handle);
    this.timers.delete(timer.id);
  }
}

/** A clock over the process timers; each instance keeps its own timer ids. */
export function realClock(): SipClock {
  return new RealClock();
}

interface ManualEntry {
  id: number;
  due: number;
  callback: () => void;
}

export class ManualClock implements SipClock {
  private current: number;
  private nextId = 1;
  private readonly timers = new Map<number, ManualEntry>();

  constructor(start = 0) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(callback: () => void, ms: number): SipTimer {
    const id = this.nextId++;
    this.timers.set(id, { id, due: this.current + Math.max(0, ms), callback });
    return { id };
  }

  clearTimeout(timer: SipTimer): void {
    this.timers.delete(timer.id);
  }

  /** Timers set and not yet fired or cleared. */
  get pending(): number {
    return this.timers.size;
  }

  /** Ms until the next timer is due, or undefined. */
  nextDue(): number | undefined {
    let best: number | undefined;
    for (const t of this.timers.values()) if (best === undefined || t.due < best) best = t.due;
    return best === undefined ? undefined : best - this.current;
  }

  /** Moves time forward, firing each due timer (including ones set by callbacks) at its own due time. */
  advance(ms: number): void {
    const target = this.current + Math.max(0, ms);
    for (;;) {
      let next: ManualEntry | undefined;
      for (const t of this.timers.values()) {
        if (t.due <= target && (next === undefined || t.due < next.due || (t.due === next.due && t.id < next.id))) next = t;
      }
      if (!next) break;
      this.timers.delete(next.id);
      this.current = next.due;
      next.callback();
    }
    this.current = target;
  }
}

/** The shared real clock (the default of every layer). */
export const systemClock: SipClock = new RealClock();
