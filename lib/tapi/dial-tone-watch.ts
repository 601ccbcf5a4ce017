// DialToneWatch: a call of ours left in dial tone or dialling with no request in flight holds a call
// appearance until someone drops it. After the line's dial-tone timeout the line drops it itself.
import type { Call } from './call';
import type { CallStateEvent } from './types';

const WAITING_STATES = new Set(['dialtone', 'dialing']);

export class DialToneWatch {
  private readonly timers = new Map<Call, NodeJS.Timeout>();
  private readonly followed = new WeakSet<Call>();

  /** `onTimeout` is told first, then the call is released. */
  constructor(
    private readonly timeoutMs: number,
    private readonly onTimeout: (call: Call) => void,
  ) {}

  /** Every state of every call on the line. */
  observe(call: Call, event: CallStateEvent): void {
    if (this.timeoutMs <= 0) return;
    this.clear(call);
    if (call.privilege !== 'owner' || !WAITING_STATES.has(event.state) || call.deallocated) return;
    this.arm(call);
  }

  /** Stop watching (the line is closing). */
  stop(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private arm(call: Call): void {
    const timer = setTimeout(() => {
      this.timers.delete(call);
      if (call.deallocated || !WAITING_STATES.has(call.state ?? '')) return;
      // A dial in flight (or queued) is progress: look again after it.
      if (call.outgoing.pending > 0) return this.arm(call);
      try {
        this.onTimeout(call);
      } catch (error) {
        // A throwing listener must not stop the drop (nor escape from a timer).
        process.emitWarning(error instanceof Error ? error : new Error(String(error)), 'TapiListenerWarning');
      }
      void call.release().catch(() => undefined);
    }, this.timeoutMs);
    timer.unref?.();
    this.timers.set(call, timer);
    if (!this.followed.has(call)) {
      this.followed.add(call);
      call.once('deallocated', () => this.clear(call));
    }
  }

  private clear(call: Call): void {
    const timer = this.timers.get(call);
    if (timer) clearTimeout(timer);
    this.timers.delete(call);
  }
}
