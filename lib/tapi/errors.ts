import { LINEERR, nameOf } from './constants';

export type LineErrName = `LINEERR_${keyof typeof LINEERR}`;

/**
 * A failure reported by TAPI (or by this package on TAPI's behalf), named by its LINEERR code.
 * `value` is the 0x8000xxxx DWORD read as unsigned; `operation` the TAPI function ('lineMakeCall').
 */
export class TapiError extends Error {
  readonly code: string;
  readonly value: number;
  readonly operation: string;

  constructor(value: number, operation: string, detail?: string) {
    const unsigned = value >>> 0;
    const name = nameOf(LINEERR, unsigned);
    const code = name ? `LINEERR_${name}` : unknownCode(unsigned);
    super(`${operation} failed: ${code}${detail ? ` (${detail})` : ''}`);
    this.name = 'TapiError';
    this.code = code;
    this.value = unsigned;
    this.operation = operation;
  }

  /** Build from a LINEERR name without its prefix or with it: `TapiError.of('INVALADDRESS', 'lineMakeCall')`. */
  static of(code: keyof typeof LINEERR | LineErrName, operation: string, detail?: string): TapiError {
    const bare = (code.startsWith('LINEERR_') ? code.slice(8) : code) as keyof typeof LINEERR;
    return new TapiError(LINEERR[bare], operation, detail);
  }
}

function unknownCode(value: number): string {
  // 0xC0000000 and above are device-specific; anything else unassigned is reported as OPERATIONFAILED would be,
  // but keeps its own number so nothing is hidden.
  const hex = value.toString(16).toUpperCase().padStart(8, '0');
  return value >= 0xc0000000 ? `LINEERR_DEVSPECIFIC_0x${hex}` : `LINEERR_UNKNOWN_0x${hex}`;
}

/** True for a TAPI return value that is an error (negative when read as LONG). */
export function isLineErr(result: number): boolean {
  return (result | 0) < 0;
}

/** Throw a TapiError when a TAPI return value is negative; return it otherwise. */
export function check(result: number, operation: string): number {
  if ((result | 0) < 0) throw new TapiError(result, operation);
  return result;
}

/** A validation error for bad input that never reached TAPI (wrong types, out-of-range options). */
export class TapiValidationError extends TypeError {
  readonly code = 'ERR_TAPI_VALIDATION';
  constructor(message: string) {
    super(message);
    this.name = 'TapiValidationError';
  }
}
