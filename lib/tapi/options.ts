// Checks of the option objects and arguments the public surface takes, so that a null or a wrong type is a
// named error (TapiValidationError, code ERR_TAPI_VALIDATION) rather than a TypeError from deep inside.
import { TapiValidationError } from './errors';

/** `value` as an options object: undefined gives `{}`; null, arrays and primitives are refused. */
export function optionsObject<T extends object>(value: unknown, what: string): Partial<T> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TapiValidationError(`${what} must be an object (or left out); got ${describeValue(value)}`);
  }
  return value as Partial<T>;
}

/** A list of call-state names for waitFor: a non-empty array of strings. */
export function stateList(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every((s) => typeof s === 'string')) {
    throw new TapiValidationError(`waitFor takes a non-empty array of state names; got ${describeValue(value)}`);
  }
  return value as string[];
}

/** A timeout in ms: a finite number >= 0 (0 = none). */
export function timeoutMs(value: unknown, what: string): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new TapiValidationError(`${what} must be a number of milliseconds >= 0; got ${describeValue(value)}`);
  }
  return value;
}

/** User-user information: absent or a Uint8Array. */
export function userUserInfo(value: unknown, operation: string): Uint8Array | undefined {
  if (value === undefined || value === null) return undefined;
  if (!(value instanceof Uint8Array)) throw new TapiValidationError(`${operation}: user-user information must be a Uint8Array`);
  return value;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}
