// The SIP message model shared by every layer of the core (parser, transport, transactions, dialogs, user
// agent) and by the provider. Plain data: parsing and serialising live in message.ts, header helpers in
// headers.ts, URIs and name-addr in uri.ts.

export type SipTransportKind = 'udp' | 'tcp' | 'tls';

/** One header line; `name` is the lower-case long form (compact forms such as `v`, `f`, `i` expanded). */
export interface SipHeader {
  name: string;
  value: string;
}

interface SipMessageBase {
  /** In arrival (or sending) order; a comma-separated multi-value header is split into one entry per value. */
  headers: SipHeader[];
  body: Buffer;
}

export interface SipRequest extends SipMessageBase {
  kind: 'request';
  /** Upper case as received (methods are case-sensitive: RFC 3261 §7.1). */
  method: string;
  /** The Request-URI, as text. */
  uri: string;
}

export interface SipResponse extends SipMessageBase {
  kind: 'response';
  status: number;
  reason: string;
}

export type SipMessage = SipRequest | SipResponse;

/** Where a message came from or goes to. */
export interface SipEndpoint {
  transport: SipTransportKind;
  address: string;
  port: number;
  /** The host name the address was resolved from: verified against the TLS certificate and sent as SNI. */
  hostname?: string;
}

/** A monotonic clock the transactions and the user agent run on; tests pass a manual clock. */
export interface SipClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): SipTimer;
  clearTimeout(timer: SipTimer): void;
}

export interface SipTimer {
  readonly id: number;
}
