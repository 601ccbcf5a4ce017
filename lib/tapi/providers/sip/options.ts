// The SIP provider's options: `openTapi({ provider: 'sip', sip: { accounts: [...] } })`, checked once with
// errors that name the field (TapiValidationError). A value is never echoed into a message: the URI may be
// fine to show, a password never is, so every message names the field and what it must be.
import { isIP } from 'node:net';
import { TapiValidationError } from '../../errors';
import type { SipClock, SipTransportKind } from './core/types';
import type { SipAccount } from './core/ua-types';
import { hasControl } from './sip-text';
import { uriParts } from './uri-parts';

export type { SipAccount };

/** How the account appears as a line device. */
export interface SipLineOptions {
  /** The line's name (tapi.lines, the editor's picker); default "SIP user@domain". */
  name: string;
  /** Calls at once (LINEDEVCAPS.dwMaxNumActiveCalls). */
  maxCalls: number;
}

export interface SipOptions {
  accounts: SipAccount[];
  /** One per account, same order. */
  lines: SipLineOptions[];
  rtp: { portRange?: [number, number] };
  /** The clock of the user agents (tests pass a manual one). */
  clock?: SipClock;
  /** User-Agent header. */
  userAgent?: string;
}

export const SIP_DEFAULTS = { transport: 'udp' as SipTransportKind, expires: 600, maxCalls: 4, maxAccounts: 16 };

const ACCOUNT_KEYS = new Set([
  'uri',
  'authUser',
  'password',
  'displayName',
  'registrar',
  'outboundProxy',
  'transport',
  'localPort',
  'bindAddress',
  'register',
  'expires',
  'acceptOnlyFromRegistrar',
  'tls',
  'srv',
  'name',
  'maxCalls',
]);
const TOP_KEYS = new Set(['accounts', 'rtp', 'clock', 'userAgent']);
const HOSTPORT = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)(?::(\d{1,5}))?$/;

function fail(message: string): never {
  throw new TapiValidationError(message);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function unknownKeys(value: Record<string, unknown>, allowed: Set<string>, where: string): void {
  for (const key of Object.keys(value)) {
    if (value[key] !== undefined && !allowed.has(key)) fail(`${where}.${key} is not a SIP option`);
  }
}

function text(value: unknown, where: string, options: { max?: number; empty?: boolean } = {}): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') fail(`${where} must be a string`);
  if (!options.empty && value === '') fail(`${where} must not be empty`);
  if (hasControl(value)) fail(`${where} must not contain control characters (CR, LF, NUL, ...)`);
  if (value.length > (options.max ?? 256)) fail(`${where} must be at most ${options.max ?? 256} characters`);
  return value;
}

function integer(value: unknown, where: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(`${where} must be an integer from ${min} to ${max}`);
  }
  return value;
}

function flag(value: unknown, where: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') fail(`${where} must be true or false`);
  return value;
}

function hostPort(value: unknown, where: string): string | undefined {
  const v = text(value, where);
  if (v === undefined) return undefined;
  const bare = v.replace(/^sips?:/i, '');
  const m = HOSTPORT.exec(bare);
  if (!m || (m[1] !== undefined && (Number(m[1]) < 1 || Number(m[1]) > 65535))) {
    fail(`${where} must be host or host:port (e.g. "fritz.box" or "192.168.178.1:5060")`);
  }
  return v;
}

function validateAccount(raw: unknown, i: number): { account: SipAccount; line: SipLineOptions } {
  const where = `sip.accounts[${i}]`;
  if (!isObject(raw)) fail(`${where} must be an object`);
  unknownKeys(raw, ACCOUNT_KEYS, where);
  const uri = text(raw.uri, `${where}.uri`);
  if (uri === undefined) fail(`${where}.uri is required (sip:user@domain)`);
  const parts = uriParts(uri);
  if (!parts || parts.user === undefined) fail(`${where}.uri must be sip:user@domain or sips:user@domain`);
  if (parts.password !== undefined || parts.hasHeaders) fail(`${where}.uri must not carry a password or ?headers: use password`);
  const transport = raw.transport ?? (parts.scheme === 'sips' ? 'tls' : SIP_DEFAULTS.transport);
  if (transport !== 'udp' && transport !== 'tcp' && transport !== 'tls') fail(`${where}.transport must be "udp", "tcp" or "tls"`);
  const password = text(raw.password, `${where}.password`, { empty: true, max: 1024 });
  const bindAddress = text(raw.bindAddress, `${where}.bindAddress`);
  if (bindAddress !== undefined && isIP(bindAddress) === 0) fail(`${where}.bindAddress must be an IPv4 or IPv6 address`);
  const register = flag(raw.register, `${where}.register`) ?? true;
  const tlsRaw = raw.tls;
  let tls: SipAccount['tls'];
  if (tlsRaw !== undefined) {
    if (!isObject(tlsRaw)) fail(`${where}.tls must be an object`);
    unknownKeys(tlsRaw, new Set(['rejectUnauthorized', 'ca']), `${where}.tls`);
    tls = { rejectUnauthorized: flag(tlsRaw.rejectUnauthorized, `${where}.tls.rejectUnauthorized`) ?? true };
    if (tlsRaw.ca !== undefined) {
      if (typeof tlsRaw.ca !== 'string' || tlsRaw.ca === '') fail(`${where}.tls.ca must be a PEM string`);
      tls.ca = tlsRaw.ca;
    }
  } else if (transport === 'tls') {
    tls = { rejectUnauthorized: true };
  }
  const account: SipAccount = {
    uri,
    transport,
    register,
    expires: integer(raw.expires, `${where}.expires`, 10, 86_400) ?? SIP_DEFAULTS.expires,
    acceptOnlyFromRegistrar: flag(raw.acceptOnlyFromRegistrar, `${where}.acceptOnlyFromRegistrar`) ?? register,
  };
  const optional: Partial<SipAccount> = {
    authUser: text(raw.authUser, `${where}.authUser`),
    password,
    displayName: text(raw.displayName, `${where}.displayName`, { max: 64 }),
    registrar: hostPort(raw.registrar, `${where}.registrar`),
    outboundProxy: hostPort(raw.outboundProxy, `${where}.outboundProxy`),
    localPort: integer(raw.localPort, `${where}.localPort`, 0, 65_535),
    bindAddress,
    tls,
    srv: flag(raw.srv, `${where}.srv`),
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) (account as unknown as Record<string, unknown>)[key] = value;
  }
  if (account.displayName !== undefined && account.displayName.includes('"')) fail(`${where}.displayName must not contain '"'`);
  const name = text(raw.name, `${where}.name`, { max: 64 }) ?? `SIP ${parts.user}@${parts.host}`;
  const maxCalls = integer(raw.maxCalls, `${where}.maxCalls`, 1, 64) ?? SIP_DEFAULTS.maxCalls;
  return { account, line: { name, maxCalls } };
}

/** Checks `raw` (the `sip` object of openTapi's options) and fills in the defaults. */
export function validateSipOptions(raw: unknown): SipOptions {
  if (!isObject(raw)) fail('sip options must be an object with accounts: [{ uri: "sip:user@domain", ... }]');
  unknownKeys(raw, TOP_KEYS, 'sip');
  const accounts = raw.accounts;
  if (!Array.isArray(accounts) || accounts.length === 0) fail('sip.accounts must be a non-empty array');
  if (accounts.length > SIP_DEFAULTS.maxAccounts) fail(`sip.accounts may hold at most ${SIP_DEFAULTS.maxAccounts} accounts`);
  const checked = accounts.map((a, i) => validateAccount(a, i));
  const names = new Set<string>();
  checked.forEach(({ line }, i) => {
    if (names.has(line.name)) fail(`sip.accounts[${i}].name "${line.name}" is already the name of another line`);
    names.add(line.name);
  });
  const options: SipOptions = { accounts: checked.map((c) => c.account), lines: checked.map((c) => c.line), rtp: {} };
  if (raw.rtp !== undefined) {
    if (!isObject(raw.rtp)) fail('sip.rtp must be an object');
    unknownKeys(raw.rtp, new Set(['portRange']), 'sip.rtp');
    const range = raw.rtp.portRange;
    if (range !== undefined) {
      const ok =
        Array.isArray(range) &&
        range.length === 2 &&
        range.every((p) => Number.isInteger(p) && p >= 1024 && p <= 65_535) &&
        range[0] <= range[1] &&
        range[1] - range[0] >= 1;
      if (!ok) fail('sip.rtp.portRange must be [low, high], ports 1024..65535, low < high');
      options.rtp.portRange = [range[0] as number, range[1] as number];
    }
  }
  if (raw.clock !== undefined) {
    const c = raw.clock as Partial<SipClock>;
    if (!isObject(c) || typeof c.now !== 'function' || typeof c.setTimeout !== 'function' || typeof c.clearTimeout !== 'function') {
      fail('sip.clock must have now(), setTimeout() and clearTimeout()');
    }
    options.clock = c as SipClock;
  }
  const ua = text(raw.userAgent, 'sip.userAgent', { max: 128 });
  if (ua !== undefined) options.userAgent = ua;
  return options;
}
