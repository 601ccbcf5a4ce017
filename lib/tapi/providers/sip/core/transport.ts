// RFC 3261 §18 transport layer over UDP (node:dgram), TCP (node:net) and TLS (node:tls). Stream connections are
// reused per remote endpoint (both the ones we opened and the ones opened to us); incoming requests get
// `received`/`rport` on their top Via (RFC 3581) so responses find their way back (§18.2.2); a request over UDP
// larger than 1300 bytes goes over TCP when TCP is enabled (§18.1.1). Malformed input is dropped and counted —
// nothing thrown from a socket handler reaches the event loop.
import dgram from 'node:dgram';
import net from 'node:net';
import os from 'node:os';
import tls from 'node:tls';
import { formatVia, parseVia, type SipVia } from './headers';
import { parseMessage, serializeMessage, SIP_LIMITS, StreamFramer } from './message';
import type { SipEndpoint, SipMessage, SipResponse, SipTransportKind } from './types';

export const DEFAULT_PORTS: Readonly<Record<SipTransportKind, number>> = { udp: 5060, tcp: 5060, tls: 5061 };
/** §18.1.1: a request larger than this goes over a congestion-controlled transport. */
export const UDP_MTU_THRESHOLD = 1300;

export interface TlsOptions {
  /** Verify the server certificate (and the name) — keep true unless the user turns it off. */
  rejectUnauthorized: boolean;
  ca?: string | Buffer;
  /** Name to verify and send as SNI when the destination carries no hostname. */
  servername?: string;
  /** Given both, a TLS listener is opened too. */
  cert?: string | Buffer;
  key?: string | Buffer;
  /** TLS listener port; 0 = any (default). */
  port?: number;
}

export interface TransportOptions {
  bindAddress?: string;
  /** UDP and TCP port (the same number when possible); 0 = any. */
  port?: number;
  transports: SipTransportKind[];
  tls?: TlsOptions;
  onMessage(message: SipMessage, source: SipEndpoint): void;
  onDrop?(reason: string, source?: SipEndpoint): void;
  /** Stream connections idle this long are closed (default 5 minutes; 0 = never). */
  idleTimeoutMs?: number;
  /** Override of the §18.1.1 size threshold (tests). */
  mtuThreshold?: number;
}

interface Connection {
  kind: 'tcp' | 'tls';
  key: string;
  remote: SipEndpoint;
  socket: net.Socket;
  framer: StreamFramer;
  ready: Promise<void>;
}

function endpointKey(kind: SipTransportKind, address: string, port: number): string {
  return `${kind}|${address.toLowerCase()}|${port}`;
}

/** IPv4-mapped IPv6 (::ffff:1.2.3.4) as the plain IPv4 address. */
function plainAddress(address: string | undefined): string {
  if (!address) return '';
  return address.startsWith('::ffff:') && net.isIPv4(address.slice(7)) ? address.slice(7) : address;
}

function isWildcard(address: string): boolean {
  return address === '0.0.0.0' || address === '::' || address === '';
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class SipTransportLayer {
  private udp?: dgram.Socket;
  private tcpServer?: net.Server;
  private tlsServer?: tls.Server;
  private readonly connections = new Map<string, Connection>();
  private readonly ports: Partial<Record<SipTransportKind, number>> = {};
  private droppedCount = 0;
  private closed = false;
  private readonly bindAddress: string;

  private constructor(private readonly options: TransportOptions) {
    this.bindAddress = options.bindAddress ?? '0.0.0.0';
  }

  static async open(options: TransportOptions): Promise<SipTransportLayer> {
    const layer = new SipTransportLayer(options);
    try {
      await layer.listen();
    } catch (error) {
      await layer.close();
      throw error;
    }
    return layer;
  }

  /** Messages (and stream garbage) dropped: malformed, oversized, without Via, or refused. */
  get dropped(): number {
    return this.droppedCount;
  }

  /** Open stream connections (for tests and diagnostics). */
  get connectionCount(): number {
    return this.connections.size;
  }

  has(kind: SipTransportKind): boolean {
    return this.options.transports.includes(kind);
  }

  /**
   * Where this layer can be reached over `kind`, for Via sent-by and Contact. Port 0: no listener for that kind
   * (a TLS client without a certificate), reachable only over the connections it opens.
   */
  localEndpoint(kind: SipTransportKind, towards?: SipEndpoint): SipEndpoint {
    const port = this.ports[kind] ?? 0;
    return { transport: kind, address: this.advertisedAddress(towards), port };
  }

  private advertisedAddress(towards?: SipEndpoint): string {
    if (!isWildcard(this.bindAddress)) return this.bindAddress;
    const v6 = this.bindAddress === '::' && towards !== undefined && net.isIPv6(towards.address);
    if (towards && (towards.address === '127.0.0.1' || towards.address === '::1')) return towards.address;
    for (const list of Object.values(os.networkInterfaces())) {
      for (const info of list ?? []) {
        if (!info.internal && info.family === (v6 ? 'IPv6' : 'IPv4') && !info.address.startsWith('fe80')) return info.address;
      }
    }
    return v6 ? '::1' : '127.0.0.1';
  }

  private async listen(): Promise<void> {
    const host = this.bindAddress;
    let port = this.options.port ?? 0;
    if (this.has('udp')) {
      const socket = dgram.createSocket({ type: host.includes(':') ? 'udp6' : 'udp4', reuseAddr: false });
      this.udp = socket;
      socket.on('error', (error) => this.drop(`udp socket error: ${errorText(error)}`));
      socket.on('message', (data, rinfo) => {
        const source: SipEndpoint = { transport: 'udp', address: plainAddress(rinfo.address), port: rinfo.port };
        // A lone CRLF (or CRLFCRLF) is a keep-alive, not a message.
        if (data.length <= 4 && data.every((b) => b === 0x0d || b === 0x0a)) return;
        const result = parseMessage(data);
        if (result.ok) this.incoming(result.message, source);
        else this.drop(result.reason, source);
      });
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind(port, host, () => {
          socket.off('error', reject);
          resolve();
        });
      });
      this.ports.udp = socket.address().port;
      if (port === 0) port = this.ports.udp;
    }
    if (this.has('tcp')) {
      const server = net.createServer((socket) => this.accept('tcp', socket));
      this.tcpServer = server;
      this.ports.tcp = await listenOn(server, port, host, this.options.port === 0 || this.options.port === undefined);
      server.on('error', (error) => this.drop(`tcp server error: ${errorText(error)}`));
    }
    const t = this.options.tls;
    if (this.has('tls') && t?.cert && t.key) {
      const server = tls.createServer({ cert: t.cert, key: t.key, ca: t.ca }, (socket) => this.accept('tls', socket));
      this.tlsServer = server;
      server.on('tlsClientError', (error) => this.drop(`tls handshake failed: ${errorText(error)}`));
      this.ports.tls = await listenOn(server, t.port ?? 0, host, true);
      server.on('error', (error) => this.drop(`tls server error: ${errorText(error)}`));
    }
  }

  private accept(kind: 'tcp' | 'tls', socket: net.Socket): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    const remote: SipEndpoint = { transport: kind, address: plainAddress(socket.remoteAddress), port: socket.remotePort ?? 0 };
    this.adopt(kind, socket, remote, Promise.resolve());
  }

  private adopt(kind: 'tcp' | 'tls', socket: net.Socket, remote: SipEndpoint, ready: Promise<void>): Connection {
    const key = endpointKey(kind, remote.address, remote.port);
    const connection: Connection = { kind, key, remote, socket, framer: new StreamFramer(SIP_LIMITS.maxMessageBytes), ready };
    const previous = this.connections.get(key);
    if (previous && previous.socket !== socket) previous.socket.destroy();
    this.connections.set(key, connection);
    const idle = this.options.idleTimeoutMs ?? 300_000;
    if (idle > 0) {
      socket.setTimeout(idle, () => socket.destroy());
    }
    socket.on('error', (error) => this.drop(`${kind} connection error: ${errorText(error)}`, remote));
    socket.on('close', () => {
      if (this.connections.get(key) === connection) this.connections.delete(key);
    });
    socket.on('data', (chunk: Buffer) => {
      for (const result of connection.framer.push(chunk)) {
        if (result.ok) this.incoming(result.message, remote);
        else this.drop(result.reason, remote);
      }
      if (connection.framer.broken) socket.destroy(); // out of sync: the stream cannot be trusted any more
    });
    return connection;
  }

  private drop(reason: string, source?: SipEndpoint): void {
    this.droppedCount++;
    try {
      this.options.onDrop?.(reason, source);
    } catch {
      // a failing observer must not take the socket handler down
    }
  }

  private incoming(message: SipMessage, source: SipEndpoint): void {
    const vias = message.headers.filter((h) => h.name === 'via');
    if (vias.length === 0) return this.drop(`${message.kind} without Via`, source);
    if (message.kind === 'response' && vias.length > 1) return this.drop('response with more than one Via (§18.1.2)', source);
    if (message.kind === 'request') {
      const top = vias[0];
      const via = parseVia(top.value);
      if (!via) return this.drop('request with a malformed Via', source);
      // RFC 3261 §18.2.1 / RFC 3581 §4: record where it really came from.
      if (via.host !== source.address || 'rport' in via.params) via.params.received = source.address;
      if ('rport' in via.params) via.params.rport = String(source.port);
      top.value = formatVia(via);
    }
    try {
      this.options.onMessage(message, source);
    } catch (error) {
      this.drop(`message handler failed: ${errorText(error)}`, source);
    }
  }

  /**
   * Sends a message; resolves with the endpoint actually used (a UDP request over 1300 bytes goes over TCP when TCP
   * is enabled; its top Via is rewritten to say so). Rejects on a serialising or transport error.
   */
  async send(message: SipMessage, destination: SipEndpoint): Promise<SipEndpoint> {
    if (this.closed) throw new Error('SIP transport is closed');
    let target = destination;
    let data = serializeMessage(message);
    if (
      message.kind === 'request' &&
      target.transport === 'udp' &&
      data.length > (this.options.mtuThreshold ?? UDP_MTU_THRESHOLD) &&
      this.has('tcp')
    ) {
      target = { ...target, transport: 'tcp' };
      const top = message.headers.find((h) => h.name === 'via');
      const via = top && parseVia(top.value);
      if (top && via && via.transport === 'UDP') {
        via.transport = 'TCP';
        via.port = this.ports.tcp;
        top.value = formatVia(via);
        data = serializeMessage(message);
      }
    }
    if (target.transport === 'udp') await this.sendUdp(data, target);
    else await this.sendStream(data, target);
    return target;
  }

  /**
   * Sends a response the way §18.2.2 says: over the connection the request came on (streams; a new connection to
   * the Via's received/sent-by if it has closed), or to the top Via's received address and rport (UDP).
   */
  async sendResponse(response: SipResponse, requestSource: SipEndpoint): Promise<SipEndpoint> {
    const top = response.headers.find((h) => h.name === 'via');
    const via: SipVia | undefined = top ? parseVia(top.value) : undefined;
    if (requestSource.transport !== 'udp') {
      const existing = this.connections.get(endpointKey(requestSource.transport, requestSource.address, requestSource.port));
      if (existing && !existing.socket.destroyed) return this.send(response, requestSource);
      if (!via) return this.send(response, requestSource);
      const address = via.params.received ?? via.host;
      return this.send(response, { transport: requestSource.transport, address, port: via.port ?? DEFAULT_PORTS[requestSource.transport] });
    }
    if (!via) return this.send(response, requestSource);
    const address = via.params.received ?? (net.isIP(via.host) ? via.host : requestSource.address);
    const rport = via.params.rport ? Number(via.params.rport) : NaN;
    const port = Number.isInteger(rport) && rport > 0 ? rport : (via.port ?? DEFAULT_PORTS.udp);
    return this.send(response, { transport: 'udp', address, port });
  }

  private sendUdp(data: Buffer, target: SipEndpoint): Promise<void> {
    const socket = this.udp;
    if (!socket) return Promise.reject(new Error('UDP is not enabled on this SIP transport'));
    return new Promise((resolve, reject) => {
      socket.send(data, target.port, target.address, (error) => (error ? reject(error) : resolve()));
    });
  }

  private async sendStream(data: Buffer, target: SipEndpoint): Promise<void> {
    const kind = target.transport as 'tcp' | 'tls';
    if (!this.has(kind)) throw new Error(`${kind.toUpperCase()} is not enabled on this SIP transport`);
    const key = endpointKey(kind, target.address, target.port);
    let connection = this.connections.get(key);
    if (!connection || connection.socket.destroyed) connection = this.connect(kind, target);
    await connection.ready;
    const socket = connection.socket;
    await new Promise<void>((resolve, reject) => {
      if (socket.destroyed) return reject(new Error(`${kind} connection to ${target.address}:${target.port} is closed`));
      socket.write(data, (error) => (error ? reject(error) : resolve()));
    });
  }

  private connect(kind: 'tcp' | 'tls', target: SipEndpoint): Connection {
    let socket: net.Socket;
    let event: string;
    if (kind === 'tls') {
      const t = this.options.tls ?? { rejectUnauthorized: true };
      const servername = target.hostname ?? t.servername;
      socket = tls.connect({
        host: target.address,
        port: target.port,
        ca: t.ca,
        rejectUnauthorized: t.rejectUnauthorized,
        // SNI and the identity check use the name when there is one; an IP literal is checked against the IP SANs.
        servername: servername && !net.isIP(servername) ? servername : undefined,
        checkServerIdentity: (host, cert) => tls.checkServerIdentity(servername ?? host, cert),
      });
      event = 'secureConnect';
    } else {
      socket = net.connect({ host: target.address, port: target.port });
      event = 'connect';
    }
    socket.setNoDelay(true);
    const ready = new Promise<void>((resolve, reject) => {
      const fail = (error: Error) => {
        socket.destroy();
        reject(error);
      };
      socket.once('error', fail);
      socket.once(event, () => {
        socket.off('error', fail);
        resolve();
      });
    });
    ready.catch(() => undefined); // observed by the sender; never unhandled
    return this.adopt(kind, socket, { transport: kind, address: target.address, port: target.port, hostname: target.hostname }, ready);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const connection of this.connections.values()) connection.socket.destroy();
    this.connections.clear();
    const waits: Promise<void>[] = [];
    if (this.udp) {
      const socket = this.udp;
      waits.push(new Promise((resolve) => socket.close(() => resolve())));
    }
    for (const server of [this.tcpServer, this.tlsServer]) {
      if (server?.listening) waits.push(new Promise((resolve) => server.close(() => resolve())));
    }
    await Promise.all(waits);
  }
}

function listenOn(server: net.Server, port: number, host: string, fallbackToAny: boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      if (fallbackToAny && port !== 0 && error.code === 'EADDRINUSE') {
        server.listen(0, host);
        return;
      }
      server.off('listening', onListening);
      reject(error);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve((server.address() as net.AddressInfo).port);
    };
    server.on('error', onError);
    server.once('listening', onListening);
    server.once('listening', () => server.off('error', onError));
    server.listen(port, host);
  });
}
