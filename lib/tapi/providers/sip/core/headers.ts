// Header access on a SipMessage and parsers for the structured headers the core reads: Via, CSeq, name-addr
// (From, To, Contact, Route, P-Asserted-Identity), generic parameters and digest challenges.
import { hasLineBreakOrNul, isListHeader, normalizeHeaderName, SipSyntaxError, splitHeaderList } from './message';
import type { SipHeader, SipMessage, SipTransportKind } from './types';

/** The first value of a header; `name` in long or compact form, any case. */
export function header(m: SipMessage, name: string): string | undefined {
  const wanted = normalizeHeaderName(name);
  for (const h of m.headers) if (h.name === wanted) return h.value;
  return undefined;
}

/** Every value of a header, in order (a comma list already split by the parser). */
export function headerValues(m: SipMessage, name: string): string[] {
  const wanted = normalizeHeaderName(name);
  const values: string[] = [];
  for (const h of m.headers) {
    if (h.name !== wanted) continue;
    // Headers built by code may still hold a comma list in one entry.
    if (isListHeader(wanted)) values.push(...splitHeaderList(h.value));
    else values.push(h.value);
  }
  return values;
}

function checked(name: string, value: string): SipHeader {
  if (hasLineBreakOrNul(name) || hasLineBreakOrNul(value)) throw new SipSyntaxError(`header ${name} contains CR, LF or NUL`);
  return { name: normalizeHeaderName(name), value };
}

/** Replaces every entry of the header by one (at the place of the first), or appends it. */
export function setHeader(m: SipMessage, name: string, value: string): void {
  const entry = checked(name, value);
  const index = m.headers.findIndex((h) => h.name === entry.name);
  if (index < 0) {
    m.headers.push(entry);
    return;
  }
  m.headers[index] = entry;
  m.headers = m.headers.filter((h, i) => i <= index || h.name !== entry.name);
}

export function addHeader(m: SipMessage, name: string, value: string): void {
  m.headers.push(checked(name, value));
}

/** Inserts the header before every other entry (a new top Via, a Route). */
export function prependHeader(m: SipMessage, name: string, value: string): void {
  m.headers.unshift(checked(name, value));
}

export function removeHeader(m: SipMessage, name: string): void {
  const wanted = normalizeHeaderName(name);
  m.headers = m.headers.filter((h) => h.name !== wanted);
}

export type SipParams = Record<string, string | null>;

/** Splits on `sep` outside double quotes (and angle brackets). */
function splitOutsideQuotes(text: string, sep: string): string[] {
  const parts: string[] = [];
  let quoted = false;
  let angle = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '\\') i++;
      else if (ch === '"') quoted = false;
    } else if (ch === '"') quoted = true;
    else if (ch === '<') angle = true;
    else if (ch === '>') angle = false;
    else if (ch === sep && !angle) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

export function unquote(text: string): string {
  const t = text.trim();
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) {
    return t.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  return t;
}

export function quote(text: string): string {
  return '"' + text.replace(/(["\\])/g, '\\$1') + '"';
}

/** `;a=b;c;d="x y"` (a leading `;` optional) → { a: 'b', c: null, d: 'x y' }; names lower-cased. */
export function parseParams(text: string): SipParams {
  const params: SipParams = {};
  for (const part of splitOutsideQuotes(text, ';')) {
    const p = part.trim();
    if (!p) continue;
    const eq = p.indexOf('=');
    if (eq < 0) params[p.toLowerCase()] = null;
    else params[p.slice(0, eq).trim().toLowerCase()] = unquote(p.slice(eq + 1));
  }
  return params;
}

/** Params back to text, each with a leading `;`; values that are not tokens-with-colons are quoted. */
export function formatParams(params: SipParams): string {
  let out = '';
  for (const [name, value] of Object.entries(params)) {
    if (value === null || value === undefined) out += `;${name}`;
    else out += `;${name}=${/^[\w.!%*+`'~:[\]-]*$/.test(value) ? value : quote(value)}`;
  }
  return out;
}

export interface SipVia {
  transport: string;
  host: string;
  port?: number;
  params: SipParams;
}

/** `SIP/2.0/UDP host[:port];branch=z9hG4bK…;rport;received=…` */
export function parseVia(value: string): SipVia | undefined {
  const match = /^\s*SIP\s*\/\s*2\.0\s*\/\s*([A-Za-z0-9-]+)\s+([^;\s]+)\s*(;.*)?$/.exec(value);
  if (!match) return undefined;
  const hostPort = splitHostPort(match[2]);
  if (!hostPort) return undefined;
  return { transport: match[1].toUpperCase(), host: hostPort.host, port: hostPort.port, params: parseParams(match[3] ?? '') };
}

export function formatVia(via: SipVia): string {
  return `SIP/2.0/${via.transport.toUpperCase()} ${formatHostPort(via.host, via.port)}${formatParams(via.params)}`;
}

/** The Via transport token for a transport kind. */
export function viaTransport(kind: SipTransportKind): string {
  return kind.toUpperCase();
}

/** `host`, `host:port`, `[v6]`, `[v6]:port`; the host without brackets. */
export function splitHostPort(text: string): { host: string; port?: number } | undefined {
  let host: string;
  let rest: string;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) return undefined;
    host = text.slice(1, close);
    rest = text.slice(close + 1);
  } else {
    const colon = text.indexOf(':');
    host = colon < 0 ? text : text.slice(0, colon);
    rest = colon < 0 ? '' : text.slice(colon);
  }
  if (!host) return undefined;
  if (rest === '') return { host };
  const portMatch = /^:(\d{1,5})$/.exec(rest);
  if (!portMatch) return undefined;
  const port = Number(portMatch[1]);
  if (port < 1 || port > 65535) return undefined;
  return { host, port };
}

export function formatHostPort(host: string, port?: number): string {
  const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return port === undefined ? h : `${h}:${port}`;
}

export interface SipCSeq {
  seq: number;
  method: string;
}

export function parseCSeq(value: string): SipCSeq | undefined {
  const match = /^\s*(\d{1,10})\s+([A-Za-z0-9.!%*_+`'~-]+)\s*$/.exec(value);
  if (!match) return undefined;
  const seq = Number(match[1]);
  if (seq > 0xffffffff) return undefined;
  return { seq, method: match[2] };
}

export interface SipNameAddr {
  displayName?: string;
  uri: string;
  params: SipParams;
}

/**
 * `"Name" <sip:a@b>;tag=x`, `Name <sip:a@b>`, `<sip:a@b>` or `sip:a@b;tag=x` (without brackets the parameters
 * belong to the header, RFC 3261 §20.10). Undefined when malformed.
 */
export function parseNameAddr(value: string): SipNameAddr | undefined {
  const text = value.trim();
  if (!text) return undefined;
  let displayName: string | undefined;
  let rest = text;
  if (rest.startsWith('"')) {
    let i = 1;
    for (; i < rest.length; i++) {
      if (rest[i] === '\\') i++;
      else if (rest[i] === '"') break;
    }
    if (i >= rest.length) return undefined;
    displayName = unquote(rest.slice(0, i + 1));
    rest = rest.slice(i + 1).trim();
    if (!rest.startsWith('<')) return undefined;
  }
  const open = rest.indexOf('<');
  if (open >= 0) {
    const close = rest.indexOf('>', open);
    if (close < 0) return undefined;
    if (displayName === undefined) {
      const name = rest.slice(0, open).trim();
      if (name) displayName = name;
    }
    const uri = rest.slice(open + 1, close).trim();
    if (!uri) return undefined;
    return { displayName, uri, params: parseParams(rest.slice(close + 1)) };
  }
  if (rest === '*') return { uri: '*', params: {} };
  const semi = rest.indexOf(';');
  const uri = (semi < 0 ? rest : rest.slice(0, semi)).trim();
  if (!uri || /\s/.test(uri) || !uri.includes(':')) return undefined;
  return { uri, params: semi < 0 ? {} : parseParams(rest.slice(semi)) };
}

export function formatNameAddr(na: SipNameAddr): string {
  if (na.uri === '*') return '*';
  const name = na.displayName ? `${quote(na.displayName)} ` : '';
  return `${name}<${na.uri}>${formatParams(na.params)}`;
}

export interface SipAuthChallenge {
  scheme: string;
  params: Record<string, string>;
}

/** `Digest realm="x", nonce="y", qop="auth,auth-int", algorithm=MD5` — param names lower-cased, values unquoted. */
export function parseAuthChallenge(value: string): SipAuthChallenge | undefined {
  const match = /^\s*([A-Za-z0-9-]+)\s+(.*)$/s.exec(value);
  if (!match) return undefined;
  const params: Record<string, string> = {};
  for (const part of splitOutsideQuotes(match[2], ',')) {
    const p = part.trim();
    if (!p) continue;
    const eq = p.indexOf('=');
    if (eq <= 0) continue;
    params[p.slice(0, eq).trim().toLowerCase()] = unquote(p.slice(eq + 1));
  }
  const scheme = match[1].toLowerCase() === 'digest' ? 'Digest' : match[1];
  return { scheme, params };
}
