// Turning LINE_CALLSTATE parameters into named, user-facing state events.
import { CALLSTATE_MODE_TABLE, LINECALLPRIVILEGE, LINECALLSTATE, LINECALLSTATE_MASK, nameOf } from './constants';
import type { CallStateEvent, PrivilegeName } from './types';

/** 'connected' for LINECALLSTATE_CONNECTED; 'unknown' for a value that is not exactly one state bit. */
export function stateName(stateValue: number): string {
  return (nameOf(LINECALLSTATE, stateValue & LINECALLSTATE_MASK) ?? 'UNKNOWN').toLowerCase();
}

/** The lower-case name of a state's mode parameter ('busy', 'noanswer', 'station'), or null where it has none. */
export function modeName(stateValue: number, modeValue: number): string | null {
  const state = nameOf(LINECALLSTATE, stateValue & LINECALLSTATE_MASK) as keyof typeof LINECALLSTATE | undefined;
  const table = state ? CALLSTATE_MODE_TABLE[state] : undefined;
  if (!table || modeValue === 0) {
    // TAPI: a CONNECTED or OFFERING mode of 0 is to be read as ACTIVE.
    if (modeValue === 0 && (state === 'CONNECTED' || state === 'OFFERING')) return 'active';
    return null;
  }
  return (nameOf(table, modeValue) ?? 'unknown').toLowerCase();
}

export function privilegeName(value: number): PrivilegeName | undefined {
  const name = nameOf(LINECALLPRIVILEGE, value);
  return name ? (name.toLowerCase() as PrivilegeName) : undefined;
}

export function makeStateEvent(stateRaw: number, modeValue: number, privilegeValue: number, previous: string | null): CallStateEvent {
  const stateValue = stateRaw & LINECALLSTATE_MASK;
  const event: CallStateEvent = {
    state: stateName(stateValue),
    mode: modeName(stateValue, modeValue),
    previous,
    stateValue,
    modeValue: modeValue >>> 0,
    at: new Date(),
  };
  const privilege = privilegeValue ? privilegeName(privilegeValue) : undefined;
  if (privilege) event.privilege = privilege;
  return event;
}
