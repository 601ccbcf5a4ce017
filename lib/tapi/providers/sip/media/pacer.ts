// A drift-free pacer: tick n is due at start + n * interval, computed from the start, never by adding up the
// delays of earlier timers (they fire late, and the lateness would accumulate). When the timer fires late by
// several intervals (a busy event loop), the missed ticks are run at once, but at most `maxBurst` of them; the
// older ones are skipped and counted, so the far end never gets a burst longer than that.
import type { SipClock, SipTimer } from '../core/types';

export interface PacerOptions {
  clock: SipClock;
  intervalMs: number;
  /** Most ticks run in one wake-up; the default 3 (60 ms of audio at 20 ms). */
  maxBurst?: number;
  /** Runs for every tick with its number (0, 1, 2, ...; skipped numbers never come). */
  onTick(tick: number): void;
}

export class Pacer {
  private start = 0;
  private next = 0;
  private timer: SipTimer | undefined;
  private running = false;
  /** Ticks given up because the timer woke up too late. */
  skipped = 0;
  /** Ticks run. */
  ticks = 0;
  /** Largest lateness seen (ms past the due time of a tick when it ran). */
  maxLateMs = 0;

  constructor(private readonly options: PacerOptions) {}

  get startedAt(): number {
    return this.start;
  }

  /** When tick n is (or was) due. */
  dueAt(tick: number): number {
    return this.start + tick * this.options.intervalMs;
  }

  begin(): void {
    if (this.running) return;
    this.running = true;
    this.start = this.options.clock.now();
    this.next = 0;
    this.arm();
  }

  stop(): void {
    this.running = false;
    if (this.timer) this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  get isRunning(): boolean {
    return this.running;
  }

  private arm(): void {
    const wait = this.dueAt(this.next) - this.options.clock.now();
    this.timer = this.options.clock.setTimeout(() => this.wake(), Math.max(0, wait));
  }

  private wake(): void {
    this.timer = undefined;
    if (!this.running) return;
    const { intervalMs, clock } = this.options;
    const maxBurst = Math.max(1, this.options.maxBurst ?? 3);
    const now = clock.now();
    const due = Math.floor((now - this.start) / intervalMs);
    if (due - this.next + 1 > maxBurst) {
      const first = due - maxBurst + 1;
      this.skipped += first - this.next;
      this.next = first;
    }
    while (this.running && this.next <= due) {
      const tick = this.next++;
      this.maxLateMs = Math.max(this.maxLateMs, now - this.dueAt(tick));
      this.ticks++;
      try {
        this.options.onTick(tick);
      } catch {
        // A tick handler's failure must not stop the clock of the call.
      }
    }
    if (this.running) this.arm();
  }
}
