// LINECALLPARAMS encoder (tapi-reference.md §3.7): the fixed part for the line's version (176 bytes
// for 2.0-2.2, 112 below, 180 for 3.x) followed by the variable part. Text items are UTF-16LE with
// the NUL counted in their size; binary items are raw bytes. Every item starts 4-byte aligned,
// after the fixed part, in field order; dwTotalSize covers everything.
import { TAPI_VERSION } from '../../constants';
import { TapiError } from '../../errors';
import type { LineCallParams } from '../../provider';
import { utf16z } from './strings';
import { FIXED_SIZE, LINECALLPARAMS as P, LINEDIALPARAMS } from './structs';

type Item = { sizeField: number; since: number; text?: string; bytes?: Uint8Array; name: string };

const OPERATION = 'lineMakeCall';

function dword(name: string, value: number | undefined): number {
  if (value === undefined) return 0;
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw TapiError.of('INVALCALLPARAMS', OPERATION, `${name} must be an integer 0..0xFFFFFFFF`);
  }
  return value >>> 0;
}

/** The bytes of a LINECALLPARAMS for a line opened at `apiVersion`. */
export function encodeCallParams(params: LineCallParams, apiVersion: number): Uint8Array {
  const fixed = FIXED_SIZE.LINECALLPARAMS(apiVersion);
  const v2 = apiVersion >= TAPI_VERSION.V2_0;
  const items: Item[] = [
    { name: 'origAddress', sizeField: P.dwOrigAddressSize, since: 0, text: params.origAddress },
    { name: 'displayableAddress', sizeField: P.dwDisplayableAddressSize, since: 0, text: params.displayableAddress },
    { name: 'calledParty', sizeField: P.dwCalledPartySize, since: 0, text: params.calledParty },
    { name: 'comment', sizeField: P.dwCommentSize, since: 0, text: params.comment },
    { name: 'userUserInfo', sizeField: P.dwUserUserInfoSize, since: 0, bytes: params.userUserInfo },
    { name: 'highLevelComp', sizeField: P.dwHighLevelCompSize, since: 0, bytes: params.highLevelComp },
    { name: 'lowLevelComp', sizeField: P.dwLowLevelCompSize, since: 0, bytes: params.lowLevelComp },
    { name: 'devSpecific', sizeField: P.dwDevSpecificSize, since: 0, bytes: params.devSpecific },
    { name: 'targetAddress', sizeField: P.dwTargetAddressSize, since: TAPI_VERSION.V2_0, text: params.targetAddress },
    { name: 'deviceClass', sizeField: P.dwDeviceClassSize, since: TAPI_VERSION.V2_0, text: params.deviceClass },
    { name: 'deviceConfig', sizeField: P.dwDeviceConfigSize, since: TAPI_VERSION.V2_0, bytes: params.deviceConfig },
    { name: 'callData', sizeField: P.dwCallDataSize, since: TAPI_VERSION.V2_0, bytes: params.callData },
    { name: 'callingPartyId', sizeField: P.dwCallingPartyIDSize, since: TAPI_VERSION.V2_0, text: params.callingPartyId },
  ];
  const parts: { sizeField: number; data: Uint8Array }[] = [];
  for (const item of items) {
    const present = item.text !== undefined || item.bytes !== undefined;
    if (!present) continue;
    if (apiVersion < item.since) {
      throw TapiError.of('INVALCALLPARAMS', OPERATION, `${item.name} needs TAPI 2.0 or later on this line`);
    }
    if (item.text !== undefined) {
      if (typeof item.text !== 'string') throw TapiError.of('INVALCALLPARAMS', OPERATION, `${item.name} must be a string`);
      if (item.text === '') continue;
      parts.push({ sizeField: item.sizeField, data: utf16z(item.text, 'INVALCALLPARAMS', OPERATION, item.name) });
    } else if (item.bytes !== undefined) {
      if (!(item.bytes instanceof Uint8Array)) throw TapiError.of('INVALCALLPARAMS', OPERATION, `${item.name} must be bytes`);
      if (item.bytes.length === 0) continue;
      parts.push({ sizeField: item.sizeField, data: item.bytes });
    }
  }
  const v2only: [string, number | undefined][] = [
    ['predictiveAutoTransferStates', params.predictiveAutoTransferStates],
    ['noAnswerTimeout', params.noAnswerTimeout],
  ];
  if (!v2) {
    for (const [name, value] of v2only) {
      if (value) throw TapiError.of('INVALCALLPARAMS', OPERATION, `${name} needs TAPI 2.0 or later on this line`);
    }
  }

  let total = fixed;
  const placed: { sizeField: number; offset: number; data: Uint8Array }[] = [];
  for (const part of parts) {
    total = (total + 3) & ~3;
    placed.push({ ...part, offset: total });
    total += part.data.length;
  }
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  const put = (offset: number, value: number) => view.setUint32(offset, value >>> 0, true);
  put(P.dwTotalSize, total);
  put(P.dwBearerMode, dword('bearerMode', params.bearerMode));
  put(P.dwMinRate, dword('minRate', params.minRate));
  put(P.dwMaxRate, dword('maxRate', params.maxRate));
  put(P.dwMediaMode, dword('mediaMode', params.mediaMode));
  put(P.dwCallParamFlags, dword('callParamFlags', params.callParamFlags));
  put(P.dwAddressMode, dword('addressMode', params.addressMode));
  put(P.dwAddressID, dword('addressId', params.addressId));
  const dp = params.dialParams ?? {};
  put(P.DialParams + LINEDIALPARAMS.dwDialPause, dword('dialParams.dialPause', dp.dialPause));
  put(P.DialParams + LINEDIALPARAMS.dwDialSpeed, dword('dialParams.dialSpeed', dp.dialSpeed));
  put(P.DialParams + LINEDIALPARAMS.dwDigitDuration, dword('dialParams.digitDuration', dp.digitDuration));
  put(P.DialParams + LINEDIALPARAMS.dwWaitForDialtone, dword('dialParams.waitForDialtone', dp.waitForDialtone));
  if (v2) {
    put(P.dwPredictiveAutoTransferStates, dword('predictiveAutoTransferStates', params.predictiveAutoTransferStates));
    put(P.dwNoAnswerTimeout, dword('noAnswerTimeout', params.noAnswerTimeout));
  }
  for (const p of placed) {
    put(p.sizeField, p.data.length);
    put(p.sizeField + 4, p.offset);
    bytes.set(p.data, p.offset);
  }
  return bytes;
}
