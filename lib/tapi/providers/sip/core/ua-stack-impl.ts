// UaStack over the transaction layer and transport of transactions.ts / transport.ts, and the resolver.
import { systemClock as sharedClock } from './clock';
import { resolveTarget } from './resolver';
import { TransactionLayer } from './transactions';
import type { UaStack, UaStackEvents, UaStackOptions } from './ua-stack';
import type { SipClock, SipEndpoint, SipTransportKind } from './types';

export function systemClock(): SipClock {
  return sharedClock;
}

export async function openUaStack(options: UaStackOptions, events: UaStackEvents): Promise<UaStack> {
  let droppedHere = 0;
  const transports: SipTransportKind[] = [options.transport];
  // TCP alongside UDP: requests over 1300 bytes go over TCP (§18.1.1), and peers may open connections to us.
  if (options.transport === 'udp') transports.push('tcp');
  const layer = await TransactionLayer.open(
    {
      bindAddress: options.bindAddress,
      port: options.port ?? 0,
      transports,
      tls: options.tls ? { rejectUnauthorized: options.tls.rejectUnauthorized, ca: options.tls.ca } : undefined,
      onDrop: () => {
        droppedHere++;
      },
      mtuThreshold: options.mtuThreshold,
    },
    {
      clock: options.clock,
      t1: options.t1,
      t2: options.t2,
      t4: options.t4,
      onRequest: (request, tx, source) => events.onRequest(request, tx, source),
      onAck: (ack, source) => events.onAck(ack, source),
      onStrayResponse: (response, source) => events.onStrayResponse(response, source),
      onDrop: () => {
        droppedHere++;
      },
    },
  );
  const transport = layer.transport;
  const kind = options.transport;
  return {
    localEndpoint: (towards?: SipEndpoint) => transport.localEndpoint(towards?.transport ?? kind, towards),
    sendRequest: (request, destination, handlers) => {
      try {
        layer.sendRequest(request, destination, handlers);
      } catch (error) {
        const e = error instanceof Error ? error : new Error(String(error));
        // Reported like a transport failure, never thrown at the caller.
        queueMicrotask(() => handlers.onTransportError(e));
      }
    },
    sendAck: (ack, destination) => {
      layer.sendAck(ack, destination).catch(() => undefined);
    },
    sendResponse: (response, requestSource) => {
      transport.sendResponse(response, requestSource).catch(() => undefined);
    },
    resolve: (host, port, transportKind) => resolveTarget(host, port, transportKind, { srv: options.srv }),
    get dropped() {
      return droppedHere;
    },
    close: () => layer.close(),
  };
}
