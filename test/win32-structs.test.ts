// Every layout of tapi-reference.md §3 as the win32 provider declares it: koffi.pack sizes/offsets of
// the pointer-bearing structures, the offsets tables of the DWORD structures (checked against a
// koffi.pack built from them and against values copied from the reference), per-version fixed sizes,
// and the LINECALLPARAMS encoder's shape.
import assert from 'node:assert/strict';
import * as S from '../lib/tapi/providers/win32/structs';
import * as B from '../lib/tapi/providers/win32/bindings';
import * as CS from '../lib/tapi/providers/win32/call-structs';
import { encodeCallParams } from '../lib/tapi/providers/win32/callparams';
import { TAPI_VERSION } from '../lib/tapi/constants';
import { TapiError } from '../lib/tapi/errors';

const koffi = require('koffi') as typeof import('koffi');
const T = S.packedTypes(koffi);

/** A koffi.pack() of a DWORD structure from its offsets table (16-byte members as byte arrays). */
function packOf(table: Record<string, number>, total: number) {
  const entries = Object.entries(table).sort((a, b) => a[1] - b[1]);
  const def: Record<string, unknown> = {};
  entries.forEach(([name, offset], i) => {
    const next = i + 1 < entries.length ? entries[i + 1][1] : total;
    const size = next - offset;
    def[name] = size === 4 ? 'uint32_t' : koffi.array('uint8_t', size);
  });
  return koffi.pack(def as Record<string, string>);
}

describe('win32 struct layouts (tapi-reference.md §3)', function () {
  // Figures copied from tapi-reference.md §3.2 and §3.3, for both architectures, whatever the host.
  const REFERENCE = {
    8: {
      LINEINITIALIZEEXPARAMS: { dwTotalSize: 0, dwNeededSize: 4, dwUsedSize: 8, dwOptions: 12, hEvent: 16, dwCompletionKey: 24, size: 28 },
      LINEMESSAGE: { hDevice: 0, dwMessageID: 4, dwCallbackInstance: 8, dwParam1: 16, dwParam2: 24, dwParam3: 32, size: 40 },
    },
    4: {
      LINEINITIALIZEEXPARAMS: { dwTotalSize: 0, dwNeededSize: 4, dwUsedSize: 8, dwOptions: 12, hEvent: 16, dwCompletionKey: 20, size: 24 },
      LINEMESSAGE: { hDevice: 0, dwMessageID: 4, dwCallbackInstance: 8, dwParam1: 12, dwParam2: 16, dwParam3: 20, size: 24 },
    },
  } as const;

  it('LINEINITIALIZEEXPARAMS: pack(1), 28 bytes on x64 (key at 24), 24 on x86 (key at 20), handle at 16', function () {
    assert.deepEqual(S.lineInitializeExParamsLayout(8), REFERENCE[8].LINEINITIALIZEEXPARAMS);
    assert.deepEqual(S.lineInitializeExParamsLayout(4), REFERENCE[4].LINEINITIALIZEEXPARAMS);
  });

  it('LINEMESSAGE: 40 bytes on x64 (params at 16/24/32), 24 on x86 (params at 12/16/20)', function () {
    assert.deepEqual(S.lineMessageLayout(8), REFERENCE[8].LINEMESSAGE);
    assert.deepEqual(S.lineMessageLayout(4), REFERENCE[4].LINEMESSAGE);
  });

  it(`the host's koffi.pack types agree with the layout for its pointer size (${process.arch})`, function () {
    const p = S.pointerSizeOf(koffi);
    assert.equal(p, process.arch === 'ia32' || process.arch === 'arm' ? 4 : 8);
    const init = S.lineInitializeExParamsLayout(p);
    assert.equal(koffi.sizeof(T.LINEINITIALIZEEXPARAMS), init.size);
    const msg = S.lineMessageLayout(p);
    assert.equal(koffi.sizeof(T.LINEMESSAGE), msg.size);
    for (const [layout, type] of [
      [init, T.LINEINITIALIZEEXPARAMS],
      [msg, T.LINEMESSAGE],
    ] as const) {
      for (const [name, offset] of Object.entries(layout)) if (name !== 'size') assert.equal(koffi.offsetof(type, name), offset, name);
    }
  });

  it('every Tapi32 and kernel32 prototype, and the wait callback, is declared __stdcall (WINAPI)', function () {
    const tables = [...B.TAPI32_PROTOTYPES, ...B.KERNEL32_PROTOTYPES];
    assert.ok(B.TAPI32_PROTOTYPES.length >= 17, 'the Tapi32 table is there');
    for (const p of tables) assert.equal(p.convention, '__stdcall', `${p.name} must be __stdcall`);
    assert.equal(B.WAIT_CALLBACK_PROTOTYPE.convention, '__stdcall', 'WAITORTIMERCALLBACK is CALLBACK = __stdcall');
    // Nothing is declared outside the tables: every function of a loaded binding comes from them.
    const names = new Set(tables.map((p) => p.name));
    assert.equal(names.size, tables.length, 'no name declared twice');
  });

  it('the call-control exports (§14.1): every one in the table, W or unsuffixed as the reference says, with its x86 stack bytes', function () {
    // x86 @N from tapi-reference.md §14.1; every parameter of these is 4 bytes on x86 (handles, DWORDs, pointers).
    const REFERENCE: Record<string, number> = {
      lineAccept: 12,
      lineRedirectW: 12,
      lineBlindTransferW: 12,
      lineSetupTransferW: 12,
      lineCompleteTransfer: 16,
      lineHold: 4,
      lineUnhold: 4,
      lineSwapHold: 8,
      lineGenerateDigitsW: 16,
      lineGenerateTone: 20,
      lineMonitorDigits: 8,
      lineGatherDigitsW: 28,
      lineMonitorTones: 12,
      lineMonitorMedia: 8,
      lineSetMediaMode: 8,
      lineSetCallPrivilege: 8,
      lineHandoffW: 12,
      lineGetAddressCapsW: 24,
      lineSetAppPriorityW: 24,
    };
    const table = new Map(B.TAPI32_PROTOTYPES.map((p) => [p.name, p]));
    for (const [name, bytes] of Object.entries(REFERENCE)) {
      const p = table.get(name);
      assert.ok(p, `${name} is declared`);
      assert.equal(p.convention, '__stdcall', name);
      assert.equal(p.result, 'int32_t', `${name} returns LONG`);
      assert.equal(p.params.length * 4, bytes, `${name}@${bytes}`);
    }
    for (const ansi of [
      'lineRedirect',
      'lineBlindTransfer',
      'lineSetupTransfer',
      'lineGatherDigits',
      'lineHandoff',
      'lineGetAddressCaps',
      'lineSetAppPriority',
      'lineRedirectA',
      'lineAcceptW',
      'lineHoldW',
    ]) {
      assert.ok(!table.has(ansi), `${ansi} is never bound`);
    }
  });

  it('LINEADDRESSCAPS (§14.5): 57 DWORDs, contiguous, 228 bytes on x64 and x86; fixed part 176 / 180 / 228 by version', function () {
    const packed = packOf(CS.LINEADDRESSCAPS, CS.LINEADDRESSCAPS_FULL_SIZE);
    assert.equal(CS.LINEADDRESSCAPS_FULL_SIZE, 228);
    assert.equal(Object.keys(CS.LINEADDRESSCAPS).length, 57);
    assert.equal(koffi.sizeof(packed), 228);
    for (const [field, offset] of Object.entries(CS.LINEADDRESSCAPS)) assert.equal(koffi.offsetof(packed, field), offset, field);
    // Spot values copied from the reference (identical on both architectures: DWORDs only).
    const spots = {
      dwMaxNumOnHoldCalls: 88,
      dwMaxNumTransConf: 100,
      dwAddrCapFlags: 104,
      dwCallFeatures: 108,
      dwTransferModes: 120,
      dwAddressFeatures: 176,
      dwDeviceClassesSize: 196,
      dwCallFeatures2: 208,
      dwAvailableMediaModes: 224,
    };
    for (const [field, offset] of Object.entries(spots)) assert.equal((CS.LINEADDRESSCAPS as Record<string, number>)[field], offset, field);
    const V = TAPI_VERSION;
    assert.deepEqual(
      [V.V1_3, V.V1_4, V.V2_0, V.V2_1, V.V2_2, V.V3_0, V.V3_1].map(CS.addressCapsFixedSize),
      [176, 180, 228, 228, 228, 228, 228],
    );
  });

  it('LINEGENERATETONE is 16 bytes and LINEMONITORTONE 20, on x64 and x86 alike; the encoders write them so', function () {
    for (const [table, size] of [
      [CS.LINEGENERATETONE, CS.LINEGENERATETONE_SIZE],
      [CS.LINEMONITORTONE, CS.LINEMONITORTONE_SIZE],
    ] as const) {
      const packed = packOf(table, size);
      assert.equal(koffi.sizeof(packed), size);
      for (const [field, offset] of Object.entries(table)) assert.equal(koffi.offsetof(packed, field), offset, field);
    }
    assert.equal(CS.LINEGENERATETONE_SIZE, 16);
    assert.equal(CS.LINEMONITORTONE_SIZE, 20);
    const g = CS.encodeGenerateTones([
      { frequency: 440, cadenceOn: 100, cadenceOff: 50, volume: 0xffff },
      { frequency: 1209, cadenceOn: 1, cadenceOff: 0, volume: 1 },
    ]);
    assert.equal(g.length, 32);
    assert.deepEqual(
      [g.readUInt32LE(0), g.readUInt32LE(4), g.readUInt32LE(8), g.readUInt32LE(12), g.readUInt32LE(16)],
      [440, 100, 50, 0xffff, 1209],
    );
    const m = CS.encodeMonitorTones([{ appSpecific: 7, duration: 200, frequency1: 480, frequency2: 620, frequency3: 0 }]);
    assert.equal(m.length, 20);
    assert.deepEqual(
      [0, 4, 8, 12, 16].map((o) => m.readUInt32LE(o)),
      [7, 200, 480, 620, 0],
    );
  });

  it('LINEDIALPARAMS and LINEEXTENSIONID: 16 bytes', function () {
    assert.equal(koffi.sizeof(T.LINEDIALPARAMS), 16);
    assert.equal(koffi.sizeof(T.LINEEXTENSIONID), 16);
    for (const [name, offset] of Object.entries(S.LINEDIALPARAMS)) assert.equal(koffi.offsetof(T.LINEDIALPARAMS, name), offset, name);
    for (const [name, offset] of Object.entries(S.LINEEXTENSIONID)) assert.equal(koffi.offsetof(T.LINEEXTENSIONID, name), offset, name);
  });

  const full: [string, Record<string, number>, number][] = [
    ['LINEDIALPARAMS', S.LINEDIALPARAMS, 16],
    ['LINEEXTENSIONID', S.LINEEXTENSIONID, 16],
    ['VARSTRING', S.VARSTRING, 24],
    ['LINECALLPARAMS', S.LINECALLPARAMS, 180],
    ['LINECALLSTATUS', S.LINECALLSTATUS, 56],
    ['LINEDEVCAPS', S.LINEDEVCAPS, 292],
    ['LINECALLINFO', S.LINECALLINFO, 344],
    ['LINEDEVSTATUS', S.LINEDEVSTATUS, 88],
    ['LINETRANSLATEOUTPUT', S.LINETRANSLATEOUTPUT, 40],
  ];
  for (const [name, table, total] of full) {
    it(`${name}: ${Object.keys(table).length} fields, contiguous, sizeof ${total}; koffi.pack agrees`, function () {
      assert.equal((S.FULL_SIZE as Record<string, number>)[name], total);
      const packed = packOf(table, total);
      assert.equal(koffi.sizeof(packed), total);
      for (const [field, offset] of Object.entries(table)) assert.equal(koffi.offsetof(packed, field), offset, `${name}.${field}`);
      assert.equal(table.dwTotalSize ?? 0, 0);
    });
  }

  it('spot values copied from the reference', function () {
    assert.equal(S.LINECALLPARAMS.DialParams, 32);
    assert.equal(S.LINECALLPARAMS.dwOrigAddressSize, 48);
    assert.equal(S.LINECALLPARAMS.dwDevSpecificOffset, 108);
    assert.equal(S.LINECALLPARAMS.dwPredictiveAutoTransferStates, 112);
    assert.equal(S.LINECALLPARAMS.dwNoAnswerTimeout, 164);
    assert.equal(S.LINECALLPARAMS.dwCallingPartyIDOffset, 172);
    assert.equal(S.LINECALLPARAMS.dwAddressType, 176);
    assert.equal(S.LINECALLSTATUS.dwCallFeatures2, 36);
    assert.equal(S.LINECALLSTATUS.tStateEntryTime, 40);
    assert.equal(S.LINEDEVCAPS.dwLineNameSize, 32);
    assert.equal(S.LINEDEVCAPS.dwDevCapFlags, 112);
    assert.equal(S.LINEDEVCAPS.DefaultDialParams, 188);
    assert.equal(S.LINEDEVCAPS.dwLineFeatures, 236);
    assert.equal(S.LINEDEVCAPS.PermanentLineGuid, 252);
    assert.equal(S.LINEDEVCAPS.dwAddressTypes, 268);
    assert.equal(S.LINECALLINFO.hLine, 12);
    assert.equal(S.LINECALLINFO.DialParams, 64);
    assert.equal(S.LINECALLINFO.dwCallerIDSize, 112);
    assert.equal(S.LINECALLINFO.dwAppNameSize, 208);
    assert.equal(S.LINECALLINFO.dwDevSpecificOffset, 292);
    assert.equal(S.LINECALLINFO.dwCallTreatment, 296);
    assert.equal(S.LINECALLINFO.dwReceivingFlowspecOffset, 320);
    assert.equal(S.LINECALLINFO.dwCallerIDAddressType, 324);
    assert.equal(S.LINEDEVSTATUS.dwAvailableMediaModes, 76);
    assert.equal(S.SYSTEMTIME.wMilliseconds, 14);
  });

  it('fixed-part sizes by negotiated version (§3.1)', function () {
    const V = TAPI_VERSION;
    const rows: [keyof typeof S.FIXED_SIZE, number[]][] = [
      ['LINEDEVCAPS', [236, 240, 252, 252, 268, 292, 292]],
      ['LINECALLINFO', [296, 296, 324, 324, 324, 344, 344]],
      ['LINECALLPARAMS', [112, 112, 176, 176, 176, 180, 180]],
      ['LINECALLSTATUS', [36, 36, 56, 56, 56, 56, 56]],
      ['LINEDEVSTATUS', [76, 76, 88, 88, 88, 88, 88]],
      ['VARSTRING', [24, 24, 24, 24, 24, 24, 24]],
      ['LINETRANSLATEOUTPUT', [40, 40, 40, 40, 40, 40, 40]],
    ];
    const versions = [V.V1_3, V.V1_4, V.V2_0, V.V2_1, V.V2_2, V.V3_0, V.V3_1];
    for (const [name, sizes] of rows) {
      assert.deepEqual(
        versions.map((v) => S.FIXED_SIZE[name](v)),
        sizes,
        name,
      );
    }
  });

  it('LINECALLPARAMS encoder: the fixed part of the version, dwTotalSize, strings UTF-16LE with NUL after it', function () {
    assert.equal(encodeCallParams({}, TAPI_VERSION.V2_2).length, 176);
    assert.equal(encodeCallParams({}, TAPI_VERSION.V1_4).length, 112);
    assert.equal(encodeCallParams({}, TAPI_VERSION.V3_1).length, 180);
    const bytes = encodeCallParams({ comment: 'é', userUserInfo: new Uint8Array([1, 2, 3]), noAnswerTimeout: 9 }, TAPI_VERSION.V2_2);
    const view = new DataView(bytes.buffer);
    assert.equal(view.getUint32(0, true), bytes.length);
    assert.equal(view.getUint32(S.LINECALLPARAMS.dwCommentSize, true), 4);
    assert.equal(view.getUint32(S.LINECALLPARAMS.dwCommentOffset, true), 176);
    assert.deepEqual([...bytes.subarray(176, 180)], [0xe9, 0x00, 0x00, 0x00]);
    assert.equal(view.getUint32(S.LINECALLPARAMS.dwUserUserInfoSize, true), 3);
    assert.equal(view.getUint32(S.LINECALLPARAMS.dwUserUserInfoOffset, true), 180);
    assert.equal(view.getUint32(S.LINECALLPARAMS.dwNoAnswerTimeout, true), 9);
    assert.throws(
      () => encodeCallParams({ noAnswerTimeout: 5 }, TAPI_VERSION.V1_4),
      (e: unknown) => e instanceof TapiError && e.code === 'LINEERR_INVALCALLPARAMS',
    );
    assert.throws(
      () => encodeCallParams({ comment: 'a\uD800b' }, TAPI_VERSION.V2_2),
      (e: unknown) => e instanceof TapiError && e.code === 'LINEERR_INVALCALLPARAMS',
    );
  });
});
