/**
 * SIP URIs as dial destinations (RFC 3261 §19.1), on lines whose provider declares `sipUri` in its caps.
 *
 * A flow dials whatever arrives in `msg.payload`, so a SIP URI is read strictly before the dial policy judges
 * it. What is accepted:
 *
 * ```
 * sip:**610@fritz.box     sips:+4930123456@sip.example.com:5061;transport=tls     sip:110@10.0.0.1;user=phone
 * ```
 *
 * - the scheme `sip:` or `sips:` in any case (normalised to lower case);
 * - an optional user part, %-escapes decoded; no password (`user:pw@` is refused: a secret in a dial string);
 * - a host name, an IPv4 address or an `[IPv6]` reference, an optional port 1-65535;
 * - the URI parameters `user` (phone, ip, dialstring), `transport` (udp, tcp, tls, sctp), `lr` and `ob`; any
 *   other parameter (`maddr`, `method`, ...) is refused, and so are URI headers (`?...`).
 *
 * Refused everywhere: control characters (also escaped, `%00`, `%0d%0a`), non-ASCII, whitespace, `<>` and
 * quotes (give the bare URI, not a name-addr), malformed escapes, a `;` in the user part (escaped or not:
 * tel parameters such as `;postd=` or `;phone-context=` would change what is dialled), more than one `@`.
 *
 * The user part is "a phone number" when, decoded, it is an optional leading `+` and then digits, `*`, `#`
 * and the visual separators `- . ( )` with at least one digit, `*` or `#`: the dial policy then judges it
 * exactly as a dialled number. Any other user part (`alice`, none at all) is refused by the dial policy
 * unless it sets `allowSipUris`.
 */
import { TapiError } from './errors';

export interface SipDestination {
  scheme: 'sip' | 'sips';
  /** The user part, %-decoded; '' when the URI has none. */
  user: string;
  /** The user part when it is a phone number (as decoded, separators kept); undefined otherwise. */
  number?: string;
  /** Lower case; an IPv6 reference keeps its brackets. */
  host: string;
  port?: number;
  /** Parameter names lower case; `null` for a parameter without a value (`;lr`). */
  params: Record<string, string | null>;
  /** The URI written canonically (lower-case scheme, host and parameters, the user part escaped): what to send. */
  uri: string;
}

/** The longest SIP URI accepted (the same bound as a dialable address). */
export const MAX_SIP_URI_LENGTH = 256;

const SCHEME = /^(sips?):/i;
/** What makes a destination a SIP URI attempt (it then gets this file's errors, not the dialable grammar's). */
const SIP_LIKE = /^[\s<"]*sips?:/i;
/** A name-addr (`"Door" <sip:...>`): refused by the reader with a reason, not by the dialable grammar. */
const NAME_ADDR = /<\s*sips?:/i;
/** Characters a user part may hold unescaped (RFC 3261 unreserved + user-unreserved, `#` as the digit). */
const USER_RAW = /^[A-Za-z0-9\-_.!~*'()&=+$,;/#%]$/;
/** Decoded characters a non-numeric user part may hold. */
const USER_WORD = /^[A-Za-z0-9\-_.!~*'()&=+$,]+$/;
/** Unreserved characters written as they are in the canonical user part. */
const USER_PLAIN = /^[A-Za-z0-9\-_.!~*'()&=+$,]$/;
const NUMERIC_USER = /^\+?[0-9*#().-]+$/;
const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;
const PARAMS: Record<string, readonly string[] | null> = {
  user: ['phone', 'ip', 'dialstring'],
  transport: ['udp', 'tcp', 'tls', 'sctp'],
  lr: null,
  ob: null,
};

/** True when `text` is meant as a SIP URI: `sip:` / `sips:` in any case, possibly behind spaces or `<`, or in a name-addr. */
export function looksLikeSipUri(text: unknown): boolean {
  return typeof text === 'string' && (SIP_LIKE.test(text) || NAME_ADDR.test(text));
}

function refused(operation: string, why: string): TapiError {
  return TapiError.of('INVALADDRESS', operation, `SIP URI refused: ${why}`);
}

function codeName(code: number): string {
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Why a character may never appear in a SIP destination, or undefined when it may. */
function forbiddenChar(c: string): string | undefined {
  const code = c.charCodeAt(0);
  if (code < 0x20 || code === 0x7f) return `control character ${codeName(code)}`;
  if (code > 0x7e) return `non-ASCII character ${codeName(code)}`;
  if (c === ' ') return 'whitespace';
  if (c === '<' || c === '>') return 'angle brackets: give the bare URI (sip:user@host), not <sip:...>';
  if (c === '"') return 'quotes: give the bare URI, not a display name';
  if (c === '?') return "URI headers ('?') are not allowed in a destination";
  return undefined;
}

/** %-decode; refuses malformed escapes and escaped control or non-ASCII bytes. */
function decode(text: string, operation: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '%') {
      out += text[i];
      continue;
    }
    const hex = text.slice(i + 1, i + 3);
    if (!/^[0-9A-Fa-f]{2}$/.test(hex)) throw refused(operation, `malformed %-escape at "${text.slice(i, i + 3)}"`);
    const code = parseInt(hex, 16);
    if (code < 0x20 || code === 0x7f) throw refused(operation, `escaped control character ${codeName(code)} (%${hex})`);
    if (code > 0x7e) throw refused(operation, `escaped non-ASCII byte %${hex}`);
    out += String.fromCharCode(code);
    i += 2;
  }
  return out;
}

// No node:net here: this file is bundled into the editor with the dial policy.
function isIPv4(text: string): boolean {
  const parts = text.split('.');
  return parts.length === 4 && parts.every((p) => /^(?:0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255);
}

function isIPv6(text: string): boolean {
  if (!/^[0-9A-Fa-f:.]{2,45}$/.test(text)) return false;
  let head = text;
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    if (lastColon < 0 || !isIPv4(tail)) return false;
    head = `${text.slice(0, lastColon + 1)}0:0`; // the dotted quad counts as two groups
  }
  const halves = head.split('::');
  if (halves.length > 2) return false;
  const groups = halves.flatMap((half) => (half === '' ? [] : half.split(':')));
  if (!groups.every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g))) return false;
  return halves.length === 2 ? groups.length <= 7 : groups.length === 8;
}

function isNumericUser(user: string): boolean {
  return NUMERIC_USER.test(user) && /[0-9*#]/.test(user);
}

function escapeUser(user: string): string {
  let out = '';
  for (const c of user) out += USER_PLAIN.test(c) ? c : `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;
  return out;
}

function parseHostPort(text: string, operation: string): { host: string; port?: number } {
  let host: string;
  let rest: string;
  if (text.startsWith('[')) {
    const end = text.indexOf(']');
    if (end < 0) throw refused(operation, "'[' without ']' in the host");
    const inner = text.slice(1, end);
    if (!isIPv6(inner)) throw refused(operation, `"${inner}" is not an IPv6 address`);
    host = `[${inner.toLowerCase()}]`;
    rest = text.slice(end + 1);
  } else {
    const colon = text.indexOf(':');
    host = colon < 0 ? text : text.slice(0, colon);
    rest = colon < 0 ? '' : text.slice(colon);
    if (host === '') throw refused(operation, 'no host');
    // A name's last label starts with a letter (RFC 3261 toplabel); all digits and dots must be IPv4.
    const numeric = /^[0-9.]+$/.test(host);
    if (numeric ? !isIPv4(host) : !HOSTNAME.test(host) || /\.[0-9][^.]*\.?$/.test(host)) {
      throw refused(operation, `"${host}" is not a host name or IPv4 address`);
    }
    host = host.toLowerCase();
  }
  if (rest === '') return { host };
  const port = /^:([0-9]{1,5})$/.exec(rest);
  if (!port || Number(port[1]) < 1 || Number(port[1]) > 65535) throw refused(operation, `bad port "${rest.slice(1)}"`);
  return { host, port: Number(port[1]) };
}

function parseParams(parts: string[], operation: string): Record<string, string | null> {
  const params: Record<string, string | null> = {};
  for (const part of parts) {
    if (part === '') throw refused(operation, "empty URI parameter (';;' or a trailing ';')");
    const eq = part.indexOf('=');
    const name = (eq < 0 ? part : part.slice(0, eq)).toLowerCase();
    const value = eq < 0 ? null : part.slice(eq + 1).toLowerCase();
    if (!Object.hasOwn(PARAMS, name)) throw refused(operation, `URI parameter ";${name}" is not allowed`);
    if (Object.hasOwn(params, name)) throw refused(operation, `URI parameter ";${name}" given twice`);
    const values = PARAMS[name];
    if (values === null ? value !== null : value === null || !values.includes(value)) {
      throw refused(operation, `bad value for URI parameter ";${name}"`);
    }
    params[name] = value;
  }
  return params;
}

/**
 * Reads a SIP URI given as a destination; throws TapiError LINEERR_INVALADDRESS (for `operation`) whose
 * message names what was refused. Whether the destination may be dialled is the dial policy's business.
 */
export function parseSipDestination(text: string, operation = 'lineMakeCall'): SipDestination {
  if (typeof text !== 'string') throw refused(operation, 'the address must be a string');
  if (text.length > MAX_SIP_URI_LENGTH) throw refused(operation, `longer than ${MAX_SIP_URI_LENGTH} characters`);
  for (const c of text) {
    const why = forbiddenChar(c);
    if (why) throw refused(operation, why);
  }
  const scheme = SCHEME.exec(text);
  if (!scheme) throw refused(operation, 'it must start with sip: or sips:');
  const rest = text.slice(scheme[0].length);
  const at = rest.split('@');
  if (at.length > 2) throw refused(operation, "more than one '@' (escape it as %40 if the user part holds one)");
  const userinfo = at.length === 2 ? at[0] : undefined;
  const hostAndParams = at.length === 2 ? at[1] : at[0];

  let user = '';
  if (userinfo !== undefined) {
    if (userinfo === '') throw refused(operation, "empty user part before '@'");
    if (userinfo.includes(':')) throw refused(operation, 'a password in the URI (user:password@) is not allowed');
    for (const c of userinfo) if (!USER_RAW.test(c)) throw refused(operation, `'${c}' is not allowed in the user part`);
    user = decode(userinfo, operation);
    if (user.includes(';')) throw refused(operation, "';' in the user part (tel parameters such as ;postd= are not dialled)");
    if (user.includes('?') || user.includes('/')) throw refused(operation, `'${user.includes('?') ? '?' : '/'}' in the user part`);
    if (!isNumericUser(user) && !USER_WORD.test(user)) throw refused(operation, 'the user part holds characters that are not allowed');
  }

  if (hostAndParams.includes('%')) throw refused(operation, "'%' in the host or parameters");
  const [hostPort, ...paramParts] = hostAndParams.split(';');
  const { host, port } = parseHostPort(hostPort, operation);
  const params = parseParams(paramParts, operation);

  const kind = scheme[1].toLowerCase() as 'sip' | 'sips';
  const paramText = Object.entries(params)
    .map(([name, value]) => (value === null ? `;${name}` : `;${name}=${value}`))
    .join('');
  const uri = `${kind}:${user ? `${escapeUser(user)}@` : ''}${host}${port !== undefined ? `:${port}` : ''}${paramText}`;
  const destination: SipDestination = { scheme: kind, user, host, params, uri };
  if (port !== undefined) destination.port = port;
  if (user && isNumericUser(user)) destination.number = user;
  return destination;
}
