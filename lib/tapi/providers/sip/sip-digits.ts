// Digits the far end sends on a call — RFC 4733 telephone-events (from the RTP session, each digit once) and
// SIP INFO (application/dtmf-relay "Signal=5", application/dtmf "5") — delivered as TAPI does:
// LINE_MONITORDIGITS(digit, LINEDIGITMODE_DTMF, tick) to every handle monitoring DTMF, and collected by the
// running lineGatherDigits (one per call; a new one completes the old with CANCEL) until its buffer is full, a
// termination digit arrives or a timeout fires: LINE_GATHERDIGITS(term, 0, tick) with the digits.
// A peer that sends the same key both ways is heard twice: RFC 4733 and INFO are separate signalling.
import { LINEDIGITMODE, LINEGATHERTERM, LINE_MESSAGE } from '../../constants';
import type { LineGatherRequest, LineMessage } from '../../provider';
import type { SipClock, SipTimer } from './core/types';

const KEYS = '0123456789*#ABCD';

/** The key an INFO body names, or undefined (not a DTMF body, or not one key). */
export function digitFromInfo(contentType: string, body: string): string | undefined {
  const type = contentType.split(';')[0].trim().toLowerCase();
  let signal: string | undefined;
  if (type === 'application/dtmf-relay') {
    const m = /(?:^|[\r\n])\s*signal\s*=\s*([^\s\r\n]+)/i.exec(body);
    signal = m?.[1];
  } else if (type === 'application/dtmf') {
    signal = body.trim();
  }
  if (signal === undefined) return undefined;
  return keyOf(signal);
}

/** '5' -> '5'; '10' / '11' (event codes some phones send) -> '*' / '#'; 'a' -> 'A'. */
export function keyOf(signal: string): string | undefined {
  const s = signal.trim().toUpperCase();
  if (s.length === 1 && KEYS.includes(s)) return s;
  if (/^\d{1,2}$/.test(s)) {
    const code = Number(s);
    return code < KEYS.length ? KEYS[code] : undefined;
  }
  return undefined;
}

export type PostCallMessage = (hCall: number, messageId: number, p1: number, p2: number, p3: number, extra?: Partial<LineMessage>) => void;

interface Gather {
  hCall: number;
  numDigits: number;
  terminators: string;
  interTimeout: number;
  digits: string;
  timer?: SipTimer;
}

/** The digit monitors and the gather of one call. */
export class CallDigits {
  private readonly monitors = new Map<number, number>();
  private gather: Gather | undefined;

  constructor(
    private readonly clock: SipClock,
    private readonly post: PostCallMessage,
    private readonly tick: () => number,
  ) {}

  /** lineMonitorDigits for one handle (0 = stop). */
  monitor(hCall: number, modes: number): void {
    if (modes === 0) this.monitors.delete(hCall);
    else this.monitors.set(hCall, modes);
  }

  monitoring(hCall: number): number {
    return this.monitors.get(hCall) ?? 0;
  }

  startGather(hCall: number, request: LineGatherRequest): void {
    this.endGather(LINEGATHERTERM.CANCEL);
    const g: Gather = {
      hCall,
      numDigits: request.numDigits,
      terminators: request.terminationDigits.toUpperCase(),
      interTimeout: request.interDigitTimeout >>> 0,
      digits: '',
    };
    this.gather = g;
    const first = request.firstDigitTimeout >>> 0;
    if (first > 0) this.arm(g, first, LINEGATHERTERM.FIRSTTIMEOUT);
  }

  get gathering(): boolean {
    return this.gather !== undefined;
  }

  /** The running gather ends with `term` (nothing running: nothing happens). */
  endGather(term: number): void {
    const g = this.gather;
    if (!g) return;
    this.gather = undefined;
    if (g.timer) this.clock.clearTimeout(g.timer);
    this.post(g.hCall, LINE_MESSAGE.LINE_GATHERDIGITS, term, 0, this.tick(), { gatheredDigits: g.digits });
  }

  /** The far end sent `key` (one of 0-9 * # A-D). */
  heard(key: string): void {
    const code = key.charCodeAt(0);
    for (const [hCall, modes] of this.monitors) {
      if (modes & LINEDIGITMODE.DTMF) this.post(hCall, LINE_MESSAGE.LINE_MONITORDIGITS, code, LINEDIGITMODE.DTMF, this.tick());
    }
    const g = this.gather;
    if (!g) return;
    g.digits += key;
    if (g.timer) this.clock.clearTimeout(g.timer);
    g.timer = undefined;
    if (g.terminators.includes(key)) this.endGather(LINEGATHERTERM.TERMDIGIT);
    else if (g.digits.length >= g.numDigits) this.endGather(LINEGATHERTERM.BUFFERFULL);
    else if (g.interTimeout > 0) this.arm(g, g.interTimeout, LINEGATHERTERM.INTERTIMEOUT);
  }

  /** A handle goes away: its monitor stops, its gather is void (no message: the handle is gone). */
  forget(hCall: number): void {
    this.monitors.delete(hCall);
    if (this.gather?.hCall === hCall) {
      if (this.gather.timer) this.clock.clearTimeout(this.gather.timer);
      this.gather = undefined;
    }
  }

  /** DISCONNECTED: the gather ends (CANCEL). IDLE: monitoring stops too. */
  end(idle: boolean): void {
    this.endGather(LINEGATHERTERM.CANCEL);
    if (idle) this.monitors.clear();
  }

  /** Clears timers without messages (shutdown). */
  dispose(): void {
    if (this.gather?.timer) this.clock.clearTimeout(this.gather.timer);
    this.gather = undefined;
    this.monitors.clear();
  }

  private arm(g: Gather, ms: number, term: number): void {
    g.timer = this.clock.setTimeout(() => {
      if (this.gather !== g) return;
      g.timer = undefined;
      this.endGather(term);
    }, ms);
  }
}
