// The parts of a sip: / sips: URI that the provider needs (RFC 3261 §19.1.1): scheme, user, host, port, and
// whether it carries a password or headers. A small local reader; the core's uri.ts parses URIs on the wire.
import { hasControl } from './sip-text';

export interface UriParts {
  scheme: 'sip' | 'sips';
  user?: string;
  password?: string;
  /** As written (an IPv6 reference keeps its brackets). */
  host: string;
  port?: number;
  /** `;name=value` parameters, names lower-cased. */
  params: Record<string, string | null>;
  /** The URI has a `?headers` part. */
  hasHeaders: boolean;
}

const HOST = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)$/;
const FORBIDDEN = /[\s<>"{}|\\^`]/;

/** The parts of `text`, or undefined when it is not a sip:/sips: URI with a host. */
export function uriParts(text: string): UriParts | undefined {
  if (typeof text !== 'string' || text.length > 512 || hasControl(text) || FORBIDDEN.test(text)) return undefined;
  const colon = text.indexOf(':');
  const scheme = text.slice(0, colon).toLowerCase();
  if (colon < 0 || (scheme !== 'sip' && scheme !== 'sips')) return undefined;
  let rest = text.slice(colon + 1);
  const q = rest.indexOf('?');
  const hasHeaders = q >= 0;
  if (hasHeaders) rest = rest.slice(0, q);
  const at = rest.lastIndexOf('@');
  let user: string | undefined;
  let password: string | undefined;
  if (at >= 0) {
    const userinfo = rest.slice(0, at);
    rest = rest.slice(at + 1);
    const pc = userinfo.indexOf(':');
    user = pc >= 0 ? userinfo.slice(0, pc) : userinfo;
    if (pc >= 0) password = userinfo.slice(pc + 1);
    if (user === '') return undefined;
  }
  const [hostport, ...paramList] = rest.split(';');
  const m = /^(\[[^\]]*\]|[^:]*)(?::(\d{1,5}))?$/.exec(hostport);
  if (!m || !HOST.test(m[1])) return undefined;
  const port = m[2] === undefined ? undefined : Number(m[2]);
  if (port !== undefined && (port < 1 || port > 65535)) return undefined;
  const params: Record<string, string | null> = {};
  for (const p of paramList) {
    if (p === '') return undefined;
    const eq = p.indexOf('=');
    params[(eq >= 0 ? p.slice(0, eq) : p).toLowerCase()] = eq >= 0 ? p.slice(eq + 1) : null;
  }
  return { scheme, user, password, host: m[1], port, params, hasHeaders };
}

/** host[:port] of a URI, as written. */
export function hostPort(parts: Pick<UriParts, 'host' | 'port'>): string {
  return parts.port === undefined ? parts.host : `${parts.host}:${parts.port}`;
}

/** `%XX` escapes decoded (malformed escapes are kept as written). */
export function unescapeUser(user: string): string {
  return user.replace(/%([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}
