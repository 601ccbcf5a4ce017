// The SIP account of a tapi-line node: its settings (node properties) and its secrets (Node-RED credentials:
// user, auth user, password, display name) -> one account of openTapi's `sip.accounts`. A flow saved before
// SIP existed has none of the properties: every one falls back to the editor's default. Errors name the
// field, never its value (a password must not reach a log or a status).
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { TapiValidationError } from '../../lib/tapi';

/** What Node-RED keeps in the credentials file for a SIP line. */
export interface SipLineCredentials {
  sipUser?: string;
  sipAuthUser?: string;
  sipPassword?: string;
  sipDisplayName?: string;
}

export type SipTransportChoice = 'udp' | 'tcp' | 'tls';

/** One account as openTapi's `sip.accounts[i]` takes it (see lib/tapi/providers/sip/options.ts). */
export interface SipLineAccount {
  uri: string;
  authUser?: string;
  password?: string;
  displayName?: string;
  registrar: string;
  outboundProxy?: string;
  transport: SipTransportChoice;
  localPort?: number;
  bindAddress?: string;
  register: boolean;
  expires: number;
  acceptOnlyFromRegistrar: boolean;
  tls?: { rejectUnauthorized: boolean };
}

/** Editor defaults of the SIP properties (nodes/tapi-line.html). */
export const SIP_LINE_DEFAULTS = {
  sipRegistrar: '',
  sipOutboundProxy: '',
  sipTransport: 'udp' as SipTransportChoice,
  sipLocalPort: '',
  sipBindAddress: '',
  sipRegister: true,
  sipExpires: 600,
  sipAcceptOnlyFromRegistrar: true,
  sipTlsVerify: true,
  allowSipUris: false,
};

const HOSTPORT = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)(?::(\d{1,5}))?$/;
/** Written as they are in the user part of the account's URI; anything else is %-escaped. */
const USER_PLAIN = /^[A-Za-z0-9\-_.!~*'()&=+$,]$/;

function fail(message: string): never {
  throw new TapiValidationError(`tapi-line (SIP): ${message}`);
}

function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** A property as trimmed text ('' when absent). */
function textProp(value: unknown, what: string, max = 256): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string' && typeof value !== 'number') fail(`${what} must be text`);
  const text = String(value).trim();
  if (hasControl(text)) fail(`${what} must not contain control characters`);
  if (text.length > max) fail(`${what} must be at most ${max} characters`);
  return text;
}

/** A checkbox: true / false (or their text, from a hand-written flow); absent = the default. */
function flagProp(value: unknown, fallback: boolean, what: string): boolean {
  if (value === undefined || value === null || value === '') return fallback;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  return fail(`${what} must be true or false`);
}

function integerProp(value: unknown, what: string, low: number, high: number): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const text = String(value).trim();
  if (!/^\d{1,6}$/.test(text) || Number(text) < low || Number(text) > high) fail(`${what} must be a whole number from ${low} to ${high}`);
  return Number(text);
}

/** host[:port] (a leading sip: is tolerated); '' when absent. */
function hostPortProp(value: unknown, what: string): string {
  const text = textProp(value, what).replace(/^sips?:/i, '');
  if (text === '') return '';
  const m = HOSTPORT.exec(text);
  if (!m || (m[1] !== undefined && (Number(m[1]) < 1 || Number(m[1]) > 65535))) {
    fail(`${what} must be host or host:port (e.g. fritz.box or 192.168.178.1:5060)`);
  }
  return text;
}

function hostOf(hostPort: string): string {
  return hostPort.startsWith('[') ? hostPort.slice(0, hostPort.indexOf(']') + 1) : hostPort.replace(/:\d+$/, '');
}

function escapeUser(user: string): string {
  let out = '';
  for (const c of user) out += USER_PLAIN.test(c) ? c : encodeURIComponent(c);
  return out;
}

function credentialProp(value: unknown, what: string, max: number): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') fail(`${what} must be text`);
  if (hasControl(value)) fail(`${what} must not contain control characters`);
  if (value.length > max) fail(`${what} must be at most ${max} characters`);
  return value;
}

/**
 * The account of a tapi-line node whose provider is SIP. `user` may be `name` (on the registrar's domain) or
 * `name@domain`. Throws TapiValidationError naming the field.
 */
export function sipLineAccount(def: Record<string, unknown>, credentials: SipLineCredentials | undefined): SipLineAccount {
  const creds = credentials ?? {};
  const registrar = hostPortProp(def.sipRegistrar, 'the registrar');
  if (registrar === '') fail('the registrar (or domain) is required');
  const outboundProxy = hostPortProp(def.sipOutboundProxy, 'the outbound proxy');
  const transport = (textProp(def.sipTransport, 'the transport') || SIP_LINE_DEFAULTS.sipTransport).toLowerCase();
  if (transport !== 'udp' && transport !== 'tcp' && transport !== 'tls') fail('the transport must be udp, tcp or tls');
  const localPort = integerProp(def.sipLocalPort, 'the local port', 0, 65535);
  const bindAddress = textProp(def.sipBindAddress, 'the local address', 64);
  if (bindAddress !== '' && isIP(bindAddress) === 0) fail('the local address must be an IPv4 or IPv6 address (or empty for any)');
  const register = flagProp(def.sipRegister, SIP_LINE_DEFAULTS.sipRegister, 'register');
  const expires = integerProp(def.sipExpires, 'the register expiry', 10, 86400) ?? SIP_LINE_DEFAULTS.sipExpires;
  const acceptOnly = flagProp(def.sipAcceptOnlyFromRegistrar, register, 'accept only from the registrar');
  const tlsVerify = flagProp(def.sipTlsVerify, SIP_LINE_DEFAULTS.sipTlsVerify, 'verify the TLS certificate');

  const userText = credentialProp(creds.sipUser, 'the user', 256).trim();
  if (userText === '') fail('the user is required');
  const at = userText.lastIndexOf('@');
  const user = at < 0 ? userText : userText.slice(0, at);
  const domain = at < 0 ? hostOf(registrar) : hostPortProp(userText.slice(at + 1), "the user's domain");
  if (user === '' || domain === '') fail('the user must be name or name@domain');
  if (/\s/.test(user)) fail('the user must not contain spaces');
  const authUser = credentialProp(creds.sipAuthUser, 'the auth user', 256).trim();
  const password = credentialProp(creds.sipPassword, 'the password', 1024);
  const displayName = credentialProp(creds.sipDisplayName, 'the display name', 64).trim();
  if (displayName.includes('"')) fail('the display name must not contain "');

  const account: SipLineAccount = {
    uri: `sip:${escapeUser(user)}@${domain}`,
    registrar,
    transport,
    register,
    expires,
    acceptOnlyFromRegistrar: acceptOnly,
  };
  if (authUser) account.authUser = authUser;
  if (password) account.password = password;
  if (displayName) account.displayName = displayName;
  if (outboundProxy) account.outboundProxy = outboundProxy;
  if (localPort !== undefined) account.localPort = localPort;
  if (bindAddress) account.bindAddress = bindAddress;
  if (transport === 'tls') account.tls = { rejectUnauthorized: tlsVerify };
  return account;
}

/**
 * A digest of the account, secrets included, so that equal accounts share one Tapi and different ones do not,
 * while the key (shown by registrySnapshot) holds no secret.
 */
export function sipAccountKey(account: SipLineAccount): string {
  const fields = Object.keys(account)
    .sort()
    .map((k) => [k, (account as unknown as Record<string, unknown>)[k]]);
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex').slice(0, 32);
}
