// What the user agent needs from the layers below (transport, transactions, resolver), as one small interface,
// and its implementation over H1's SipTransportLayer and TransactionLayer. The ua-*.ts files only see UaStack.
import type { SipClock, SipEndpoint, SipRequest, SipResponse, SipTransportKind } from './types';

export interface UaServerTransaction {
  readonly request: SipRequest;
  respond(response: SipResponse): void;
  /** Set by the user agent: a CANCEL matched this (INVITE) transaction; the layer has answered it 200. */
  onCancel?: () => void;
}

export interface UaClientHandlers {
  onResponse(response: SipResponse): void;
  onTimeout(): void;
  onTransportError(error: Error): void;
}

export interface UaStackEvents {
  /** A new request (a server transaction); ACK to a 2xx comes to onAck instead. */
  onRequest(request: SipRequest, tx: UaServerTransaction, source: SipEndpoint): void;
  onAck(ack: SipRequest, source: SipEndpoint): void;
  /** A response no client transaction wants (2xx retransmissions of an INVITE). */
  onStrayResponse(response: SipResponse, source: SipEndpoint): void;
}

export interface UaStackOptions {
  transport: SipTransportKind;
  bindAddress?: string;
  port?: number;
  tls?: { rejectUnauthorized: boolean; ca?: string };
  clock: SipClock;
  t1: number;
  t2: number;
  t4: number;
  srv: boolean;
  mtuThreshold?: number;
}

export interface UaStack {
  /** Our address for Via and Contact (towards a destination: loopback for loopback). */
  localEndpoint(towards?: SipEndpoint): SipEndpoint;
  sendRequest(request: SipRequest, destination: SipEndpoint, handlers: UaClientHandlers): void;
  /** ACK for a 2xx: no transaction. */
  sendAck(ack: SipRequest, destination: SipEndpoint): void;
  /** A response outside a transaction (2xx retransmissions), routed back like the request came (§18.2.2). */
  sendResponse(response: SipResponse, requestSource: SipEndpoint): void;
  resolve(host: string, port: number | undefined, transport: SipTransportKind): Promise<SipEndpoint[]>;
  readonly dropped: number;
  close(): Promise<void>;
}
