// CallParamsOptions (friendly names) -> LineCallParams (the LINECALLPARAMS model handed to a provider).
import { LINEADDRESSMODE, LINEBEARERMODE, LINECALLPARAMFLAGS, LINEMEDIAMODE, type ConstantTable } from './constants';
import { TapiError } from './errors';
import type { LineCallParams } from './provider';
import type { CallParamsOptions } from './types';

const OPERATION = 'lineMakeCall';

function lookup(table: ConstantTable, value: string | number, code: 'INVALBEARERMODE' | 'INVALMEDIAMODE', what: string): number {
  if (typeof value === 'number') {
    const known = Object.values(table).includes(value);
    if (!Number.isInteger(value) || !known) throw TapiError.of(code, OPERATION, `${what} ${value} is not one ${what}`);
    return value;
  }
  const v = table[String(value).trim().toUpperCase()];
  if (v === undefined) throw TapiError.of(code, OPERATION, `unknown ${what} "${value}"`);
  return v;
}

function dword(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw TapiError.of('INVALCALLPARAMS', OPERATION, `${field} must be an integer from 0 to 4294967295`);
  }
  return value;
}

function text(value: unknown, field: string, maxChars = 256): string {
  if (typeof value !== 'string') throw TapiError.of('INVALCALLPARAMS', OPERATION, `${field} must be a string`);
  if (value.length > maxChars) throw TapiError.of('INVALCALLPARAMS', OPERATION, `${field} is longer than ${maxChars} characters`);
  if (value.includes('\u0000')) throw TapiError.of('INVALCALLPARAMS', OPERATION, `${field} contains a NUL character`);
  return value;
}

function bytes(value: unknown, field: string): Uint8Array {
  if (typeof value === 'string') return new Uint8Array(Buffer.from(value, 'utf8'));
  if (value instanceof Uint8Array) return value;
  throw TapiError.of('INVALCALLPARAMS', OPERATION, `${field} must be a string or bytes`);
}

/** Returns null when no option is given, so the provider passes NULL (TAPI's 3.1 kHz voice default). */
export function toLineCallParams(options: CallParamsOptions | undefined | null): LineCallParams | null {
  if (options === undefined || options === null) return null;
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw TapiError.of('INVALCALLPARAMS', OPERATION, 'params must be an object');
  }
  const p: LineCallParams = {};
  let flags = 0;
  let any = false;
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined || value === null || value === '') continue;
    any = true;
    switch (key) {
      case 'bearerMode':
        p.bearerMode = lookup(LINEBEARERMODE, value, 'INVALBEARERMODE', 'bearer mode');
        break;
      case 'mediaMode':
        p.mediaMode = lookup(LINEMEDIAMODE, value, 'INVALMEDIAMODE', 'media mode');
        break;
      case 'minRate':
      case 'maxRate':
      case 'noAnswerTimeout':
        p[key] = dword(value, key);
        break;
      case 'addressId':
        p.addressMode = LINEADDRESSMODE.ADDRESSID;
        p.addressId = dword(value, key);
        break;
      case 'origAddress':
        p.addressMode = LINEADDRESSMODE.DIALABLEADDR;
        p.origAddress = text(value, key, 80);
        break;
      case 'blockId':
        if (value) flags |= LINECALLPARAMFLAGS.BLOCKID;
        break;
      case 'secure':
        if (value) flags |= LINECALLPARAMFLAGS.SECURE;
        break;
      case 'idle':
        if (value) flags |= LINECALLPARAMFLAGS.IDLE;
        break;
      case 'displayableAddress':
      case 'calledParty':
      case 'comment':
      case 'callingPartyId':
        p[key] = text(value, key);
        break;
      case 'userUserInfo':
        p.userUserInfo = bytes(value, key);
        break;
      case 'dialParams': {
        if (typeof value !== 'object') throw TapiError.of('INVALDIALPARAMS', OPERATION, 'dialParams must be an object');
        const d = value as Record<string, unknown>;
        p.dialParams = {};
        for (const k of ['dialPause', 'dialSpeed', 'digitDuration', 'waitForDialtone'] as const) {
          if (d[k] !== undefined) p.dialParams[k] = dword(d[k], `dialParams.${k}`);
        }
        break;
      }
      default:
        throw TapiError.of('INVALCALLPARAMS', OPERATION, `unknown call parameter "${key}"`);
    }
  }
  if (p.addressMode === undefined && any) {
    p.addressMode = LINEADDRESSMODE.ADDRESSID;
    p.addressId = 0;
  }
  if (options.origAddress && options.addressId !== undefined) {
    throw TapiError.of('INVALCALLPARAMS', OPERATION, 'give either origAddress or addressId, not both');
  }
  if (!any) return null;
  // Spell out TAPI's defaults rather than leave zeros: some providers reject a zero bearer or media mode.
  p.bearerMode ??= LINEBEARERMODE.VOICE;
  p.mediaMode ??= LINEMEDIAMODE.INTERACTIVEVOICE;
  if (flags) p.callParamFlags = flags;
  return p;
}
