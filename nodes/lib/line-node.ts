// What a tapi-line config node offers the nodes that use it, and how it reads its properties.
import type { PrivilegeName } from '../../lib/tapi';
import type { Node } from './node-red';
import { numberProp, parseLines } from './messages';
import type { LineStatusEvent, SharedLine, SharedLineConfig } from './shared-line';
import { SIP_LINE_DEFAULTS, sipLineAccount, type SipLineCredentials } from './sip-line';
import type { ProviderChoice } from './tapi-registry';

/** A node that uses a line: told about every change of the line's state. */
export interface LineUser extends Node {
  onLineStatus?(event: LineStatusEvent): void;
}

export interface TapiLineNode extends Node {
  shared: SharedLine;
  /** Users by id (the runtime routes the config node's errors to their Catch nodes through this). */
  users: Record<string, LineUser>;
  register(user: LineUser): void;
  deregister(user: LineUser, done?: () => void): Promise<void>;
}

/** Editor defaults; the runtime falls back to exactly these for properties a flow leaves out. */
export const LINE_DEFAULTS = {
  provider: 'auto' as ProviderChoice,
  line: '',
  privileges: 'monitor',
  dialPolicyAllow: '',
  dialPolicyDeny: '',
  countryCode: '',
  accessCode: '',
  dialToneTimeout: 30,
  simulatorTimeScale: 1,
};

const PROVIDERS: readonly ProviderChoice[] = ['auto', 'simulator', 'win32', 'sip'];

export function parsePrivileges(value: unknown): PrivilegeName[] {
  const list = Array.isArray(value) ? value : String(value ?? '').split(/[\s,|+]+/);
  const names = list.map((v) => String(v).trim().toLowerCase()).filter(Boolean);
  return (names.length ? names : [LINE_DEFAULTS.privileges]) as PrivilegeName[];
}

/**
 * A tapi-line node definition (as saved by the editor, or written by hand) and its credentials to a SharedLine
 * configuration. A SIP line whose settings are wrong gets `invalid`: opening it fails with that error (a red
 * status naming the field), and nothing is thrown here.
 */
export function lineConfig(def: Record<string, unknown>, credentials?: SipLineCredentials): SharedLineConfig {
  const provider = PROVIDERS.includes(def.provider as ProviderChoice) ? (def.provider as ProviderChoice) : LINE_DEFAULTS.provider;
  const line = def.line === undefined || def.line === null ? LINE_DEFAULTS.line : String(def.line);
  const config = {
    provider,
    line,
    privileges: parsePrivileges(def.privileges ?? LINE_DEFAULTS.privileges),
    dialPolicy: {
      allow: parseLines(def.dialPolicyAllow),
      deny: parseLines(def.dialPolicyDeny),
      accessCode: def.accessCode === undefined || def.accessCode === null ? LINE_DEFAULTS.accessCode : String(def.accessCode).trim(),
    },
    countryCode: Math.floor(numberProp(def.countryCode, 0)),
    dialToneTimeout: numberProp(def.dialToneTimeout, LINE_DEFAULTS.dialToneTimeout),
    simulatorTimeScale: numberProp(def.simulatorTimeScale, LINE_DEFAULTS.simulatorTimeScale),
  } as SharedLineConfig;
  if (provider === 'sip') {
    try {
      config.sip = { accounts: [sipLineAccount(def, credentials)] };
    } catch (err) {
      config.invalid = err as Error;
    }
    const allowSipUris =
      def.allowSipUris === undefined ? SIP_LINE_DEFAULTS.allowSipUris : def.allowSipUris === true || def.allowSipUris === 'true';
    config.dialPolicy.allowSipUris = allowSipUris;
  }
  return config;
}
