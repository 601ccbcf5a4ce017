// SIP, SIPS and tel URIs (RFC 3261 §19.1, RFC 3966). The user part is kept as written (escaped), so a URI
// parsed and formatted again is the same text.
import { formatParams, parseParams, splitHostPort, type SipParams } from './headers';
import { hasLineBreakOrNul, SipSyntaxError } from './message';

export { formatNameAddr, parseNameAddr, type SipNameAddr } from './headers';

export interface SipUri {
  scheme: 'sip' | 'sips' | 'tel';
  user?: string;
  password?: string;
  /** Without brackets for IPv6; for tel: the number. */
  host: string;
  port?: number;
  params: SipParams;
  headers: Record<string, string>;
}

/** Undefined when the text is not a well-formed sip:, sips: or tel: URI. */
export function parseSipUri(text: string): SipUri | undefined {
  if (typeof text !== 'string' || text.length === 0 || text.length > 8192) return undefined;
  if (hasLineBreakOrNul(text) || /\s/.test(text)) return undefined;
  const colon = text.indexOf(':');
  if (colon <= 0) return undefined;
  const scheme = text.slice(0, colon).toLowerCase();
  const rest = text.slice(colon + 1);
  if (scheme === 'tel') {
    const semi = rest.indexOf(';');
    const number = semi < 0 ? rest : rest.slice(0, semi);
    if (!/^\+?[\d().\-*#A-Fa-f]+$/.test(number)) return undefined;
    return { scheme, host: number, params: semi < 0 ? {} : parseParams(rest.slice(semi)), headers: {} };
  }
  if (scheme !== 'sip' && scheme !== 'sips') return undefined;
  const q = rest.indexOf('?');
  const beforeHeaders = q < 0 ? rest : rest.slice(0, q);
  const headers: Record<string, string> = {};
  if (q >= 0) {
    for (const pair of rest.slice(q + 1).split('&')) {
      if (!pair) continue;
      const eq = pair.indexOf('=');
      headers[eq < 0 ? pair : pair.slice(0, eq)] = eq < 0 ? '' : pair.slice(eq + 1);
    }
  }
  const at = beforeHeaders.lastIndexOf('@');
  let userInfo: string | undefined;
  let hostAndParams = beforeHeaders;
  if (at >= 0) {
    userInfo = beforeHeaders.slice(0, at);
    hostAndParams = beforeHeaders.slice(at + 1);
    if (!userInfo) return undefined;
  }
  const semi = hostAndParams.indexOf(';');
  const hostPort = splitHostPort(semi < 0 ? hostAndParams : hostAndParams.slice(0, semi));
  if (!hostPort || !/^[A-Za-z0-9.\-:_]+$/.test(hostPort.host)) return undefined;
  const uri: SipUri = {
    scheme,
    host: hostPort.host,
    params: semi < 0 ? {} : parseParams(hostAndParams.slice(semi)),
    headers,
  };
  if (hostPort.port !== undefined) uri.port = hostPort.port;
  if (userInfo !== undefined) {
    const pw = userInfo.indexOf(':');
    uri.user = pw < 0 ? userInfo : userInfo.slice(0, pw);
    if (pw >= 0) uri.password = userInfo.slice(pw + 1);
  }
  return uri;
}

/** Throws SipSyntaxError when a part holds CR, LF, NUL or whitespace. */
export function formatSipUri(u: SipUri): string {
  const parts = [u.user ?? '', u.password ?? '', u.host, ...Object.keys(u.params), ...Object.keys(u.headers)];
  for (const value of [...Object.values(u.params), ...Object.values(u.headers)]) if (value) parts.push(value);
  for (const part of parts) {
    if (hasLineBreakOrNul(part) || /\s/.test(part)) throw new SipSyntaxError('URI part contains CR, LF, NUL or whitespace');
  }
  if (u.scheme === 'tel') return `tel:${u.host}${formatParams(u.params)}`;
  const host = u.host.includes(':') ? `[${u.host}]` : u.host;
  let text = `${u.scheme}:`;
  if (u.user !== undefined) text += u.password !== undefined ? `${u.user}:${u.password}@` : `${u.user}@`;
  text += host;
  if (u.port !== undefined) text += `:${u.port}`;
  text += formatParams(u.params);
  const headerPairs = Object.entries(u.headers).map(([k, v]) => `${k}=${v}`);
  if (headerPairs.length > 0) text += '?' + headerPairs.join('&');
  return text;
}

/** The URI's host and port and the transport it asks for (`;transport=`, sips → tls). */
export function uriTarget(u: SipUri): { host: string; port?: number; transport?: 'udp' | 'tcp' | 'tls' } {
  const t = u.params.transport?.toLowerCase();
  const transport = u.scheme === 'sips' || t === 'tls' ? 'tls' : t === 'tcp' ? 'tcp' : t === 'udp' ? 'udp' : undefined;
  return { host: u.host, port: u.port, transport };
}
