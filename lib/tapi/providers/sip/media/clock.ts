// The clock media runs on: SipClock (core/types.ts), here backed by performance.now and real timers. Tests pass
// a manual clock instead.
import { performance } from 'node:perf_hooks';
import type { SipClock, SipTimer } from '../core/types';

interface RealTimer extends SipTimer {
  handle: NodeJS.Timeout;
}

let nextId = 1;

export const realClock: SipClock = {
  now: () => performance.now(),
  setTimeout(callback: () => void, ms: number): SipTimer {
    const timer: RealTimer = { id: nextId++, handle: setTimeout(callback, Math.max(0, ms)) };
    return timer;
  },
  clearTimeout(timer: SipTimer): void {
    clearTimeout((timer as RealTimer).handle);
  },
};
