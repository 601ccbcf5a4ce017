// RFC 4733 telephone-events for DTMF: the 4-byte payload and a receiver that reports each event once, however
// many of its packets (updates, three end packets) arrive, lost or out of order. An event is known by its source
// and RTP timestamp: all packets of one event share the timestamp, a new event has a new one.

/** Event codes 0-16 (RFC 4733 §3.2): digits, *, #, A-D, and 16 = flash, written '!' as in TAPI dial strings. */
export const DTMF_EVENTS = '0123456789*#ABCD!';

export function eventOf(digit: string): number | undefined {
  const i = DTMF_EVENTS.indexOf(digit.toUpperCase());
  return digit.length === 1 && i >= 0 ? i : undefined;
}

export interface TelephoneEvent {
  event: number;
  end: boolean;
  volume: number;
  /** In timestamp units (1/8000 s). */
  duration: number;
}

export function encodeEvent(e: TelephoneEvent): Buffer {
  const out = Buffer.alloc(4);
  out[0] = e.event & 0xff;
  out[1] = (e.end ? 0x80 : 0) | (e.volume & 0x3f);
  out.writeUInt16BE(Math.min(0xffff, Math.max(0, e.duration)), 2);
  return out;
}

/** The first event of a payload (a payload may carry more blocks: RFC 4733 §2.5.1.5 — the first one counts). */
export function decodeEvent(payload: Buffer): TelephoneEvent | undefined {
  if (payload.length < 4) return undefined;
  return { event: payload[0], end: (payload[1] & 0x80) !== 0, volume: payload[1] & 0x3f, duration: payload.readUInt16BE(2) };
}

export class EventReceiver {
  private seen = new Set<string>();
  private order: string[] = [];
  /** Packets that carried no digit this side knows (events above 16). */
  unknown = 0;

  constructor(private readonly memory = 64) {}

  /** The digit to report for this packet, or undefined when the event was already reported (or is unknown). */
  accept(ssrc: number, timestamp: number, payload: Buffer): string | undefined {
    const e = decodeEvent(payload);
    if (!e) return undefined;
    if (e.event >= DTMF_EVENTS.length) {
      this.unknown++;
      return undefined;
    }
    const key = `${ssrc >>> 0}:${timestamp >>> 0}`;
    if (this.seen.has(key)) return undefined;
    this.seen.add(key);
    this.order.push(key);
    if (this.order.length > this.memory) this.seen.delete(this.order.shift() as string);
    return DTMF_EVENTS[e.event];
  }
}
