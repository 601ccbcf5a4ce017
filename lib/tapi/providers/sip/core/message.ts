// RFC 3261 §7 message parsing and serialising. The parser is the boundary to the network: it never throws and
// every input is bounded (message, header count, header line, body). The serialiser is the boundary the other
// way: a CR, LF or NUL in anything it writes would let a value smuggle in a header, so it refuses them.
import type { SipHeader, SipMessage } from './types';

export const SIP_LIMITS = { maxMessageBytes: 65535, maxHeaders: 200, maxHeaderLineBytes: 8192, maxBodyBytes: 60000 };

export type ParseResult = { ok: true; message: SipMessage } | { ok: false; reason: string };

/** Thrown by the serialiser (and the header helpers) for text that cannot be written safely. */
export class SipSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SipSyntaxError';
  }
}

/** RFC 3261 §7.3.3 and later RFCs' compact forms, to the lower-case long name. */
export const COMPACT_FORMS: Readonly<Record<string, string>> = {
  a: 'accept-contact',
  b: 'referred-by',
  c: 'content-type',
  d: 'request-disposition',
  e: 'content-encoding',
  f: 'from',
  i: 'call-id',
  j: 'reject-contact',
  k: 'supported',
  l: 'content-length',
  m: 'contact',
  n: 'identity-info',
  o: 'event',
  r: 'refer-to',
  s: 'subject',
  t: 'to',
  u: 'allow-events',
  v: 'via',
  x: 'session-expires',
  y: 'identity',
};

/**
 * Headers whose grammar is a comma-separated list (RFC 3261 §7.3.1): split into one entry per value. Every other
 * header is kept whole — WWW-Authenticate, Authorization, Proxy-*, Date, User-Agent and unknown headers contain
 * commas that are not separators.
 */
const LIST_HEADERS = new Set([
  'via',
  'contact',
  'route',
  'record-route',
  'path',
  'service-route',
  'allow',
  'allow-events',
  'supported',
  'require',
  'proxy-require',
  'unsupported',
  'accept',
  'accept-encoding',
  'accept-language',
  'content-encoding',
  'content-language',
  'in-reply-to',
  'alert-info',
  'call-info',
  'error-info',
  'p-asserted-identity',
  'p-preferred-identity',
  'reason',
]);

/** Canonical spelling for serialising; other names are written with each word capitalised. */
const CANONICAL_NAMES: Readonly<Record<string, string>> = {
  'call-id': 'Call-ID',
  cseq: 'CSeq',
  'www-authenticate': 'WWW-Authenticate',
  'mime-version': 'MIME-Version',
  'p-asserted-identity': 'P-Asserted-Identity',
  'p-preferred-identity': 'P-Preferred-Identity',
  'p-called-party-id': 'P-Called-Party-ID',
  rseq: 'RSeq',
  rack: 'RAck',
};

/** The lower-case long form of a header name (compact forms expanded). */
export function normalizeHeaderName(name: string): string {
  const lower = name.trim().toLowerCase();
  return lower.length === 1 ? (COMPACT_FORMS[lower] ?? lower) : lower;
}

export function canonicalHeaderName(name: string): string {
  const long = normalizeHeaderName(name);
  const known = CANONICAL_NAMES[long];
  if (known) return known;
  return long
    .split('-')
    .map((word) => (word ? word[0].toUpperCase() + word.slice(1) : word))
    .join('-');
}

export function isListHeader(name: string): boolean {
  return LIST_HEADERS.has(normalizeHeaderName(name));
}

// RFC 3261 §25.1 token characters: alphanum and -.!%*_+`'~
function isTokenChar(code: number): boolean {
  return (
    (code >= 0x30 && code <= 0x39) ||
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x61 && code <= 0x7a) ||
    code === 0x2d ||
    code === 0x2e ||
    code === 0x21 ||
    code === 0x25 ||
    code === 0x2a ||
    code === 0x5f ||
    code === 0x2b ||
    code === 0x60 ||
    code === 0x27 ||
    code === 0x7e
  );
}

export function isToken(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) if (!isTokenChar(text.charCodeAt(i))) return false;
  return true;
}

/** True when the text holds CR, LF or NUL — the characters that would end a header line or a C string. */
export function hasLineBreakOrNul(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x0d || code === 0x0a || code === 0x00) return true;
  }
  return false;
}

function hasControlOrSpace(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code <= 0x20 || code === 0x7f) return true;
  }
  return false;
}

/**
 * Splits a list header's value on commas outside double quotes and angle brackets. Empty items are dropped,
 * except that an empty value stays one empty entry.
 */
export function splitHeaderList(value: string): string[] {
  const items: string[] = [];
  let quoted = false;
  let angle = false;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (quoted) {
      if (ch === '\\') i++;
      else if (ch === '"') quoted = false;
    } else if (ch === '"') quoted = true;
    else if (ch === '<') angle = true;
    else if (ch === '>') angle = false;
    else if (ch === ',' && !angle) {
      items.push(value.slice(start, i).trim());
      start = i + 1;
    }
  }
  items.push(value.slice(start).trim());
  const nonEmpty = items.filter((item) => item.length > 0);
  return nonEmpty.length > 0 ? nonEmpty : [''];
}

/** Index just past the blank line that ends the head (CRLFCRLF, or LFLF from lax peers), or -1. */
export function findHeadEnd(data: Buffer, from = 0): { headEnd: number; bodyStart: number } | undefined {
  for (let i = from; i < data.length; i++) {
    if (data[i] !== 0x0a) continue;
    if (data[i + 1] === 0x0a) return { headEnd: i, bodyStart: i + 2 };
    if (data[i + 1] === 0x0d && data[i + 2] === 0x0a) return { headEnd: i, bodyStart: i + 3 };
  }
  return undefined;
}

// A CR is only allowed as part of CRLF; a lone one would survive into a value and break a later serialise.
function hasBareCr(head: Buffer): boolean {
  for (let i = head.indexOf(0x0d); i >= 0; i = head.indexOf(0x0d, i + 1)) {
    if (head[i + 1] !== 0x0a && i !== head.length - 1) return true;
  }
  return false;
}

function skipLeadingLineBreaks(data: Buffer): number {
  let i = 0;
  while (i < data.length && (data[i] === 0x0d || data[i] === 0x0a)) i++;
  return i;
}

interface ParsedHead {
  startLine: string;
  headers: SipHeader[];
}

function parseHead(text: string): ParsedHead | string {
  const lines = text.split('\n');
  const startLine = stripCr(lines[0]);
  const headers: SipHeader[] = [];
  let current: string | undefined;
  let counted = 0;
  const flush = (): string | undefined => {
    if (current === undefined) return undefined;
    const colon = current.indexOf(':');
    if (colon <= 0) return 'header line without a name and colon';
    const rawName = current.slice(0, colon).trimEnd();
    if (!isToken(rawName)) return 'invalid header name';
    const name = normalizeHeaderName(rawName);
    const value = current.slice(colon + 1).trim();
    const values = LIST_HEADERS.has(name) ? splitHeaderList(value) : [value];
    for (const v of values) {
      headers.push({ name, value: v });
      // Content-Length is not counted: the serialiser adds one, and a message parsed must parse again.
      if (name !== 'content-length' && ++counted > SIP_LIMITS.maxHeaders) return 'too many headers';
    }
    return undefined;
  };
  for (let i = 1; i < lines.length; i++) {
    const line = stripCr(lines[i]);
    const first = line.charCodeAt(0);
    if (first === 0x20 || first === 0x09) {
      // Header folding (LWS): the line continues the previous header's value.
      if (current === undefined) return 'continuation line before any header';
      current += ' ' + line.trim();
    } else {
      const error = flush();
      if (error) return error;
      current = line;
    }
    if (current.length > SIP_LIMITS.maxHeaderLineBytes) return 'header line too long';
  }
  const error = flush();
  if (error) return error;
  return { startLine, headers };
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

function parseStartLine(
  line: string,
): { kind: 'request'; method: string; uri: string } | { kind: 'response'; status: number; reason: string } | string {
  if (line.length === 0) return 'empty start line';
  if (line.startsWith('SIP/')) {
    const match = /^SIP\/2\.0 ([1-6]\d\d)(?: (.*))?$/.exec(line);
    if (!match) return 'malformed status line';
    return { kind: 'response', status: Number(match[1]), reason: match[2] ?? '' };
  }
  const parts = line.split(' ');
  if (parts.length !== 3) return 'malformed request line';
  const [method, uri, version] = parts;
  if (!isToken(method)) return 'invalid method';
  if (version !== 'SIP/2.0') return 'unsupported SIP version';
  if (uri.length === 0 || hasControlOrSpace(uri) || uri.indexOf(':') <= 0) return 'invalid Request-URI';
  return { kind: 'request', method, uri };
}

/** Content-Length from the headers: undefined when absent, a reason string when invalid. */
export function contentLengthOf(headers: SipHeader[]): number | undefined | { invalid: string } {
  let length: number | undefined;
  for (const h of headers) {
    if (h.name !== 'content-length') continue;
    if (!/^\d{1,9}$/.test(h.value)) return { invalid: 'invalid Content-Length' };
    const n = Number(h.value);
    if (length !== undefined && length !== n) return { invalid: 'conflicting Content-Length headers' };
    length = n;
  }
  return length;
}

/**
 * Parses one datagram (or one message framed by StreamFramer). Without Content-Length the body is the rest of
 * the data (RFC 3261 §18.3, datagrams); a Content-Length larger than the data drops the message; bytes past it
 * are ignored.
 */
export function parseMessage(data: Buffer): ParseResult {
  try {
    return parseUnchecked(data);
  } catch (error) {
    // Defensive: nothing above is meant to throw, but the network must never see an exception.
    return { ok: false, reason: `parser error: ${error instanceof Error ? error.message : String(error)}` };
  }
}

function parseUnchecked(data: Buffer): ParseResult {
  if (!Buffer.isBuffer(data)) return { ok: false, reason: 'not a buffer' };
  if (data.length > SIP_LIMITS.maxMessageBytes) return { ok: false, reason: 'message too large' };
  const start = skipLeadingLineBreaks(data);
  if (start === data.length) return { ok: false, reason: 'empty message' };
  const end = findHeadEnd(data, start);
  if (!end) return { ok: false, reason: 'no blank line after the headers' };
  const head = data.subarray(start, end.headEnd);
  if (head.includes(0)) return { ok: false, reason: 'NUL in the message head' };
  if (hasBareCr(head)) return { ok: false, reason: 'CR without LF in the message head' };
  const parsed = parseHead(head.toString('utf8'));
  if (typeof parsed === 'string') return { ok: false, reason: parsed };
  const startLine = parseStartLine(parsed.startLine);
  if (typeof startLine === 'string') return { ok: false, reason: startLine };
  const available = data.length - end.bodyStart;
  const length = contentLengthOf(parsed.headers);
  if (typeof length === 'object') return { ok: false, reason: length.invalid };
  const bodyLength = length ?? available;
  if (bodyLength > SIP_LIMITS.maxBodyBytes) return { ok: false, reason: 'body too large' };
  if (bodyLength > available) return { ok: false, reason: 'Content-Length larger than the data' };
  const body = Buffer.from(data.subarray(end.bodyStart, end.bodyStart + bodyLength));
  const message: SipMessage =
    startLine.kind === 'request'
      ? { kind: 'request', method: startLine.method, uri: startLine.uri, headers: parsed.headers, body }
      : { kind: 'response', status: startLine.status, reason: startLine.reason, headers: parsed.headers, body };
  return { ok: true, message };
}

function checkValue(what: string, text: string): void {
  if (typeof text !== 'string') throw new SipSyntaxError(`${what} is not a string`);
  if (hasLineBreakOrNul(text)) throw new SipSyntaxError(`${what} contains CR, LF or NUL`);
}

/**
 * Writes a message. Content-Length is always set from the body (any given one is replaced). Throws
 * SipSyntaxError for a CR, LF or NUL in any header name or value, the method, the URI or the reason.
 */
export function serializeMessage(message: SipMessage): Buffer {
  let startLine: string;
  if (message.kind === 'request') {
    if (!isToken(message.method)) throw new SipSyntaxError('invalid method');
    checkValue('Request-URI', message.uri);
    if (message.uri.length === 0 || hasControlOrSpace(message.uri)) throw new SipSyntaxError('invalid Request-URI');
    startLine = `${message.method} ${message.uri} SIP/2.0`;
  } else {
    if (!Number.isInteger(message.status) || message.status < 100 || message.status > 699) {
      throw new SipSyntaxError('invalid status code');
    }
    checkValue('reason phrase', message.reason);
    startLine = `SIP/2.0 ${message.status} ${message.reason}`;
  }
  const body = message.body ?? Buffer.alloc(0);
  const lines = [startLine];
  for (const h of message.headers) {
    checkValue('header name', h.name);
    if (!isToken(h.name)) throw new SipSyntaxError(`invalid header name ${JSON.stringify(h.name)}`);
    checkValue(`header ${h.name}`, h.value);
    if (normalizeHeaderName(h.name) === 'content-length') continue;
    lines.push(`${canonicalHeaderName(h.name)}: ${h.value}`);
  }
  lines.push(`Content-Length: ${body.length}`);
  return Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'utf8'), body]);
}

/**
 * Frames a TCP/TLS byte stream into messages by Content-Length (mandatory on streams, RFC 3261 §18.3). CRLF
 * keep-alives (RFC 5626) between messages are skipped. The buffer never holds more than `limit` bytes; a message
 * that cannot fit, or a head without Content-Length, breaks the framer (`broken`): the stream is out of sync and
 * the connection should be closed.
 */
export class StreamFramer {
  private buffer: Buffer = Buffer.alloc(0);
  private scanFrom = 0;
  broken: string | undefined;

  constructor(readonly limit: number = SIP_LIMITS.maxMessageBytes) {}

  get bufferedBytes(): number {
    return this.buffer.length;
  }

  push(chunk: Buffer): ParseResult[] {
    const results: ParseResult[] = [];
    if (this.broken) return results;
    let offset = 0;
    while (offset < chunk.length && !this.broken) {
      const room = this.limit - this.buffer.length;
      if (room <= 0) {
        this.fail(results, 'stream message exceeds the buffer limit');
        break;
      }
      const take = Math.min(room, chunk.length - offset);
      this.buffer =
        this.buffer.length === 0
          ? chunk.subarray(offset, offset + take)
          : Buffer.concat([this.buffer, chunk.subarray(offset, offset + take)]);
      offset += take;
      this.extract(results);
    }
    if (!this.broken && this.buffer.length >= this.limit) this.fail(results, 'stream message exceeds the buffer limit');
    // Keep our own copy so a caller's chunk is not pinned by a small remainder.
    if (this.buffer.length > 0 && this.buffer.buffer === chunk.buffer) this.buffer = Buffer.from(this.buffer);
    return results;
  }

  private fail(results: ParseResult[], reason: string): void {
    this.broken = reason;
    this.buffer = Buffer.alloc(0);
    this.scanFrom = 0;
    results.push({ ok: false, reason });
  }

  private extract(results: ParseResult[]): void {
    for (;;) {
      const skip = skipLeadingLineBreaks(this.buffer);
      if (skip > 0) {
        this.buffer = this.buffer.subarray(skip);
        this.scanFrom = 0;
      }
      if (this.buffer.length === 0) return;
      const end = findHeadEnd(this.buffer, this.scanFrom);
      if (!end) {
        this.scanFrom = Math.max(0, this.buffer.length - 3);
        return;
      }
      const headText = this.buffer.subarray(0, end.headEnd).toString('latin1');
      const length = streamContentLength(headText);
      if (typeof length === 'string') {
        this.fail(results, length);
        return;
      }
      if (length > SIP_LIMITS.maxBodyBytes || end.bodyStart + length > this.limit) {
        this.fail(results, 'stream message exceeds the buffer limit');
        return;
      }
      if (this.buffer.length < end.bodyStart + length) {
        this.scanFrom = end.headEnd; // the head is complete; wait for the body
        return;
      }
      const frame = this.buffer.subarray(0, end.bodyStart + length);
      this.buffer = this.buffer.subarray(end.bodyStart + length);
      this.scanFrom = 0;
      results.push(parseMessage(frame));
    }
  }
}

function streamContentLength(head: string): number | string {
  let found: number | undefined;
  for (const raw of head.split('\n')) {
    const colon = raw.indexOf(':');
    if (colon <= 0) continue;
    const name = normalizeHeaderName(raw.slice(0, colon));
    if (name !== 'content-length') continue;
    const value = raw.slice(colon + 1).trim();
    if (!/^\d{1,9}$/.test(value)) return 'invalid Content-Length';
    const n = Number(value);
    if (found !== undefined && found !== n) return 'conflicting Content-Length headers';
    found = n;
  }
  return found ?? 'stream message without Content-Length';
}
