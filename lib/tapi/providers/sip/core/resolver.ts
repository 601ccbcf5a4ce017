// Locating a SIP server (a NAPTR-free subset of RFC 3263): an IP literal is used as it is; a name is looked up
// with SRV (`_sip._udp.`, `_sip._tcp.`, `_sips._tcp.`) only when asked and when no port is given, else (or when
// SRV finds nothing) A/AAAA through the system resolver (dns.lookup, so /etc/hosts works). Default ports 5060/5061.
import dns from 'node:dns';
import net from 'node:net';
import { DEFAULT_PORTS } from './transport';
import type { SipEndpoint, SipTransportKind } from './types';

export interface ResolverOptions {
  srv?: boolean;
  /** Injected look-ups (tests); default: node:dns. */
  lookup?: (host: string) => Promise<{ address: string; family: number }[]>;
  resolveSrv?: (name: string) => Promise<dns.SrvRecord[]>;
}

const SRV_PREFIX: Readonly<Record<SipTransportKind, string>> = { udp: '_sip._udp.', tcp: '_sip._tcp.', tls: '_sips._tcp.' };

function systemLookup(host: string): Promise<{ address: string; family: number }[]> {
  return dns.promises.lookup(host, { all: true });
}

function systemResolveSrv(name: string): Promise<dns.SrvRecord[]> {
  return dns.promises.resolveSrv(name);
}

/** Endpoints to try, in order. Rejects when the name resolves to nothing. */
export async function resolveTarget(
  host: string,
  port?: number,
  transport: SipTransportKind = 'udp',
  options: ResolverOptions = {},
): Promise<SipEndpoint[]> {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (net.isIP(bare)) return [{ transport, address: bare, port: port ?? DEFAULT_PORTS[transport] }];
  if (!bare) throw new Error('empty host');
  const lookup = options.lookup ?? systemLookup;
  if (options.srv && port === undefined) {
    let records: dns.SrvRecord[];
    try {
      records = await (options.resolveSrv ?? systemResolveSrv)(SRV_PREFIX[transport] + bare);
    } catch {
      records = [];
    }
    // RFC 2782: lower priority first; within a priority, heavier weight first (deterministic, no random pick).
    records.sort((a, b) => a.priority - b.priority || b.weight - a.weight);
    const endpoints: SipEndpoint[] = [];
    for (const record of records) {
      if (record.name === '.' || record.name === '') continue;
      try {
        for (const a of await lookup(record.name)) {
          endpoints.push({ transport, address: a.address, port: record.port, hostname: transport === 'tls' ? bare : record.name });
        }
      } catch {
        // a target that does not resolve is skipped
      }
    }
    if (endpoints.length > 0) return endpoints;
  }
  const addresses = await lookup(bare);
  if (addresses.length === 0) throw new Error(`${bare} did not resolve`);
  return addresses.map((a) => ({ transport, address: a.address, port: port ?? DEFAULT_PORTS[transport], hostname: bare }));
}
