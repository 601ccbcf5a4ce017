// What a call can do now (LINECALLSTATUS dwCallFeatures / dwCallFeatures2) and the refusal of an operation it
// cannot do, before anything is sent, with the LINEERR TAPI would give (tapi-reference.md §14.2).
import { LINECALLFEATURE, LINECALLFEATURE2, flagNames } from './constants';
import { TapiError } from './errors';
import { stateName } from './state-event';
import type { Call } from './call';
import type { LineAddressCaps, LineCallStatus, LineProvider } from './provider';

export type CallFeatureName = Lowercase<keyof typeof LINECALLFEATURE>;

/** Lower-case LINECALLFEATURE names of a mask ('answer', 'drop', 'hold', ...). */
export function callFeatureNames(mask: number): string[] {
  return flagNames(LINECALLFEATURE, mask).map((n) => n.toLowerCase());
}

/** Lower-case LINECALLFEATURE2 names of a mask ('transfernorm', 'transferconf', ...). */
export function callFeature2Names(mask: number): string[] {
  return flagNames(LINECALLFEATURE2, mask).map((n) => n.toLowerCase());
}

/** The bit of a feature name ('hold' -> LINECALLFEATURE_HOLD), or undefined. */
export function callFeatureBit(name: string): number | undefined {
  return (LINECALLFEATURE as Record<string, number>)[String(name).toUpperCase()];
}

/** When an operation may be sent: TAPI's function name, its feature bit, the states, and whether it needs an owner. */
export interface OperationRule {
  operation: string;
  feature: keyof typeof LINECALLFEATURE;
  /** Call states (lower-case names) in which TAPI accepts it; undefined = any state but `notIn`. */
  states?: readonly string[];
  notIn?: readonly string[];
  owner: boolean;
}

const HELD = ['onhold', 'onholdpendtransfer', 'onholdpendconf'] as const;

export const RULES = {
  accept: { operation: 'lineAccept', feature: 'ACCEPT', states: ['offering'], owner: true },
  redirect: { operation: 'lineRedirect', feature: 'REDIRECT', states: ['offering'], owner: true },
  blindTransfer: { operation: 'lineBlindTransfer', feature: 'BLINDTRANSFER', states: ['connected'], owner: true },
  setupTransfer: { operation: 'lineSetupTransfer', feature: 'SETUPTRANSFER', states: ['connected'], owner: true },
  completeTransfer: { operation: 'lineCompleteTransfer', feature: 'COMPLETETRANSF', states: ['onhold', 'onholdpendtransfer'], owner: true },
  hold: { operation: 'lineHold', feature: 'HOLD', states: ['connected'], owner: true },
  unhold: { operation: 'lineUnhold', feature: 'UNHOLD', states: HELD, owner: true },
  swapHold: { operation: 'lineSwapHold', feature: 'SWAPHOLD', states: ['connected'], owner: true },
  generateDigits: { operation: 'lineGenerateDigits', feature: 'GENERATEDIGITS', notIn: ['idle'], owner: true },
  generateTone: { operation: 'lineGenerateTone', feature: 'GENERATETONE', notIn: ['idle'], owner: true },
  gatherDigits: { operation: 'lineGatherDigits', feature: 'GATHERDIGITS', notIn: ['idle'], owner: true },
  monitorDigits: { operation: 'lineMonitorDigits', feature: 'MONITORDIGITS', notIn: ['idle', 'disconnected'], owner: false },
  monitorTones: { operation: 'lineMonitorTones', feature: 'MONITORTONES', notIn: ['idle'], owner: false },
  monitorMedia: { operation: 'lineMonitorMedia', feature: 'MONITORMEDIA', notIn: ['idle'], owner: false },
} as const satisfies Record<string, OperationRule>;

/** The states a held call of swapHold / the consultation call of completeTransfer may be in. */
export const SWAP_HELD_STATES: readonly string[] = HELD;
export const CONSULT_COMPLETE_STATES: readonly string[] = ['connected', 'ringback', 'busy', 'proceeding'];

/** Reads LINECALLSTATUS now into the call's features (call.features), and returns it. */
export function refreshFeatures(call: Call, provider: LineProvider): LineCallStatus | undefined {
  if (call.deallocated) return undefined;
  try {
    const status = provider.getCallStatus(call.handle);
    call.setFeatures(status.callFeatures, status.callFeatures2);
    return status;
  } catch {
    // The handle may be going away (its line closed); the last known features stay.
    return undefined;
  }
}

function describe(state: string, features: number): string {
  const names = callFeatureNames(features);
  return `the call is ${state}; it can now: ${names.length ? names.join(', ') : 'nothing'}`;
}

/**
 * Throws the TapiError TAPI would give for `rule` on `call` now, or returns the fresh status:
 * LINEERR_NOTOWNER (monitor handle), LINEERR_OPERATIONUNAVAIL (the address never offers it),
 * LINEERR_INVALCALLSTATE (wrong state), LINEERR_OPERATIONUNAVAIL (the state allows it, the call cannot do it now).
 */
export function refuseUnless(
  call: Call,
  rule: OperationRule,
  provider: LineProvider,
  caps: LineAddressCaps | undefined,
  role = '',
): LineCallStatus {
  const status = refreshFeatures(call, provider) ?? provider.getCallStatus(call.handle);
  const state = stateName(status.callState);
  const bit = LINECALLFEATURE[rule.feature];
  const who = role ? `${role}: ` : '';
  if (rule.owner && call.privilege !== 'owner') {
    throw TapiError.of('NOTOWNER', rule.operation, `${who}this app only monitors the call (${describe(state, status.callFeatures)})`);
  }
  if (caps && (caps.callFeatures & bit) === 0) {
    throw TapiError.of(
      'OPERATIONUNAVAIL',
      rule.operation,
      `${who}line "${call.line.device.name}" does not offer ${rule.feature.toLowerCase()} (${describe(state, status.callFeatures)})`,
    );
  }
  const allowed = 'states' in rule && rule.states ? rule.states.includes(state) : !(('notIn' in rule && rule.notIn) || []).includes(state);
  if (!allowed) throw TapiError.of('INVALCALLSTATE', rule.operation, `${who}${describe(state, status.callFeatures)}`);
  if ((status.callFeatures & bit) === 0) {
    throw TapiError.of(
      'OPERATIONUNAVAIL',
      rule.operation,
      `${who}${rule.feature.toLowerCase()} is not available now: ${describe(state, status.callFeatures)}`,
    );
  }
  return status;
}
