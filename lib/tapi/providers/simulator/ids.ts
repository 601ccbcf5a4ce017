// Counters for request ids and handles.

/** Async request ids: positive, increasing, wrapping from 0x7FFFFFFF back to 1 (never 0, never negative). */
export class RequestIds {
  constructor(private next = 1) {}

  take(): number {
    const id = this.next;
    this.next = id >= 0x7fffffff ? 1 : id + 1;
    return id;
  }
}

/**
 * Handle values (HLINE, HCALL) and call ids: non-zero 32-bit counters, never reused within one provider
 * instance (they keep counting across shutdown/initialize). Each kind starts at its own base so that a line
 * handle passed where a call handle is expected is refused instead of hitting another object.
 */
export class HandleCounter {
  private next: number;

  constructor(private readonly base: number) {
    this.next = base;
  }

  take(): number {
    const value = this.next >>> 0;
    this.next = value >= 0xffffffff ? this.base : value + 1;
    return value === 0 ? this.take() : value;
  }
}

export const HLINE_BASE = 0x00010001;
export const HCALL_BASE = 0x00200001;
export const CALLID_BASE = 0x00c00001;
