// The simulated exchange at the seam: exact message sequences, request ids, errors, cleanup, test controls.
import assert from 'node:assert/strict';
import {
  LINEBEARERMODE,
  LINEBUSYMODE,
  LINECALLFEATURE,
  LINECALLORIGIN,
  LINECALLPARAMFLAGS,
  LINECALLPARTYID,
  LINECALLPRIVILEGE,
  LINECALLREASON,
  LINECALLSTATE,
  LINECONNECTEDMODE,
  LINEDEVCAPFLAGS,
  LINEDEVSTATE,
  LINEDIALTONEMODE,
  LINEDISCONNECTMODE,
  LINEFEATURE,
  LINEMEDIAMODE,
  LINEOFFERINGMODE,
  LINEOPENOPTION,
  LINESPECIALINFO,
  LINE_MESSAGE,
  LINEMAPPER,
} from '../lib/tapi/constants';
import { TapiError, TapiValidationError } from '../lib/tapi/errors';
import type { LineMessage } from '../lib/tapi/provider';
import { SimulatorProvider } from '../lib/tapi/providers/simulator';
import { HandleCounter, RequestIds } from '../lib/tapi/providers/simulator/ids';
import { Scheduler } from '../lib/tapi/providers/simulator/scheduler';
import { captureWarnings } from './helpers/capture-warnings';

const OWNER = LINECALLPRIVILEGE.OWNER;
const MONITOR = LINECALLPRIVILEGE.MONITOR;
const NONE = LINECALLPRIVILEGE.NONE;
const VOICE = LINEMEDIAMODE.INTERACTIVEVOICE;
const S = LINECALLSTATE;
const V1_3 = 0x00010003;
const V2_2 = 0x00020002;

interface Rig {
  p: SimulatorProvider;
  log: LineMessage[];
}

function rig(options: ConstructorParameters<typeof SimulatorProvider>[0] = {}): Rig {
  const p = new SimulatorProvider({ timeScale: 0, ...options });
  const log: LineMessage[] = [];
  p.initialize('simulator test', (m) => log.push(m));
  return { p, log };
}

function openLine(
  p: SimulatorProvider,
  deviceId = 0,
  privileges: number = OWNER,
  mediaModes: number = VOICE,
  cb = 77,
  range: [number, number] = [0x00010004, V2_2],
): number {
  const version = p.negotiateApiVersion(deviceId, range[0], range[1]);
  return p.open(deviceId, version, cb, privileges, mediaModes);
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Let the exchange run until nothing is pending (timers and queue empty). */
async function settle(p: SimulatorProvider, limit = 5000): Promise<void> {
  for (let i = 0; i < limit; i++) {
    const o = p.outstanding();
    if (o.timers === 0 && o.queued === 0) {
      await turn();
      return;
    }
    await turn();
  }
  assert.fail(`the exchange did not settle: ${JSON.stringify(p.outstanding())}`);
}

async function until(predicate: () => boolean, limit = 5000): Promise<void> {
  for (let i = 0; i < limit && !predicate(); i++) await turn();
  assert.ok(predicate(), 'condition not reached');
}

/** A message as a compact, exactly comparable tuple. */
type Row = [string, number, number, number, number];
function rows(log: LineMessage[]): Row[] {
  return log.map((m) => {
    const name = Object.entries(LINE_MESSAGE).find(([, v]) => v === m.messageId)?.[0] ?? String(m.messageId);
    return [name.replace(/^LINE_/, ''), m.hDevice, m.param1, m.param2, m.param3];
  });
}
const cs = (h: number, state: number, mode = 0, privilege = 0): Row => ['CALLSTATE', h, state, mode, privilege];
const reply = (id: number, result = 0): Row => ['REPLY', 0, id, result, 0];

function throwsCode(fn: () => unknown, code: string, operation?: string): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof TapiError, `expected TapiError ${code}, got ${String(error)}`);
    assert.equal(error.code, code);
    if (operation) assert.equal(error.operation, operation);
    return true;
  });
}

const ZERO = { lines: 0, calls: 0, requests: 0, timers: 0, queued: 0 };

/** Place a call and return its request id and HCALL once the reply arrived. */
async function place(r: Rig, hLine: number, address: string | null, params: Parameters<SimulatorProvider['makeCall']>[3] = null) {
  const id = r.p.makeCall(hLine, address, 0, params);
  await until(() => r.log.some((m) => m.messageId === LINE_MESSAGE.LINE_REPLY && m.param1 === id));
  const m = r.log.find((x) => x.messageId === LINE_MESSAGE.LINE_REPLY && x.param1 === id)!;
  return { id, hCall: m.newCall ?? 0 };
}

describe('simulator provider', function () {
  const providers: SimulatorProvider[] = [];
  function track(r: Rig): Rig {
    providers.push(r.p);
    return r;
  }
  afterEach(function () {
    for (const p of providers.splice(0)) p.shutdown();
  });

  describe('initialisation and devices', function () {
    it('reports two devices and TAPI 3.1, and refuses a second initialize with LINEERR_INVALAPPHANDLE', function () {
      const p = new SimulatorProvider({ timeScale: 0 });
      providers.push(p);
      assert.equal(p.kind, 'simulator');
      assert.deepEqual(
        p.initialize('a', () => undefined),
        { numDevs: 2, apiVersion: 0x00030001 },
      );
      throwsCode(() => p.initialize('b', () => undefined), 'LINEERR_INVALAPPHANDLE', 'lineInitializeEx');
      p.shutdown();
      assert.deepEqual(
        p.initialize('c', () => undefined),
        { numDevs: 2, apiVersion: 0x00030001 },
      );
    });

    it('refuses every function before initialize with LINEERR_UNINITIALIZED', function () {
      const p = new SimulatorProvider({ timeScale: 0 });
      throwsCode(() => p.negotiateApiVersion(0, 0x10004, V2_2), 'LINEERR_UNINITIALIZED', 'lineNegotiateAPIVersion');
      throwsCode(() => p.getDevCaps(0, V2_2), 'LINEERR_UNINITIALIZED', 'lineGetDevCaps');
      throwsCode(() => p.open(0, V2_2, 0, OWNER, VOICE), 'LINEERR_UNINITIALIZED', 'lineOpen');
      throwsCode(() => p.makeCall(1, '5550100', 0, null), 'LINEERR_UNINITIALIZED', 'lineMakeCall');
      throwsCode(() => p.drop(1), 'LINEERR_UNINITIALIZED', 'lineDrop');
      throwsCode(() => p.close(1), 'LINEERR_UNINITIALIZED', 'lineClose');
      p.shutdown(); // harmless
    });

    it('negotiates the highest supported version inside [low, high]', function () {
      const { p } = track(rig());
      assert.equal(p.negotiateApiVersion(0, 0x00010004, V2_2), V2_2);
      assert.equal(p.negotiateApiVersion(0, 0x00010003, 0x00010004), 0x00010004);
      assert.equal(p.negotiateApiVersion(1, 0x00010000, 0x00020005), V2_2);
      assert.equal(p.negotiateApiVersion(1, 0x00020000, 0xffffffff), 0x00030001);
      throwsCode(() => p.negotiateApiVersion(0, 0x00010000, 0x00010002), 'LINEERR_INCOMPATIBLEAPIVERSION');
      throwsCode(() => p.negotiateApiVersion(0, 0x00030002, 0x00040000), 'LINEERR_INCOMPATIBLEAPIVERSION');
      throwsCode(() => p.negotiateApiVersion(0, V2_2, 0x00010004), 'LINEERR_INCOMPATIBLEAPIVERSION');
      throwsCode(() => p.negotiateApiVersion(2, 0x00010004, V2_2), 'LINEERR_BADDEVICEID');
    });

    it('describes the default lines in LINEDEVCAPS', function () {
      const { p } = track(rig());
      throwsCode(() => p.getDevCaps(0, V2_2), 'LINEERR_INCOMPATIBLEAPIVERSION', 'lineGetDevCaps');
      const v0 = p.negotiateApiVersion(0, 0x00010004, V2_2);
      const full = p.getDevCaps(0, v0);
      assert.equal(full.name, 'Simulated Line 1');
      assert.equal(full.providerInfo, 'node-red-contrib-tapi simulator');
      assert.equal(full.apiVersion, V2_2);
      assert.equal(full.numAddresses, 1);
      assert.equal(full.bearerModes, LINEBEARERMODE.VOICE | LINEBEARERMODE.SPEECH | LINEBEARERMODE.DATA);
      assert.equal(full.mediaModes, VOICE | LINEMEDIAMODE.AUTOMATEDVOICE | LINEMEDIAMODE.DATAMODEM | LINEMEDIAMODE.G3FAX);
      const dialFlags = LINEDEVCAPFLAGS.DIALBILLING | LINEDEVCAPFLAGS.DIALQUIET | LINEDEVCAPFLAGS.DIALDIALTONE;
      assert.equal(full.devCapFlags & dialFlags, dialFlags);
      assert.equal(full.partialDial, true);
      assert.equal(full.lineFeatures, LINEFEATURE.MAKECALL);
      throwsCode(() => p.getDevCaps(0, 0x00010004), 'LINEERR_INCOMPATIBLEAPIVERSION');

      const v1 = p.negotiateApiVersion(1, V1_3, V1_3);
      const analog = p.getDevCaps(1, v1);
      assert.equal(analog.name, 'Simulated Analog Line');
      assert.equal(analog.devCapFlags & dialFlags, 0);
      assert.equal(analog.partialDial, true);
      assert.equal(analog.bearerModes, LINEBEARERMODE.VOICE);
      assert.equal(analog.mediaModes, VOICE | LINEMEDIAMODE.DATAMODEM);
      assert.equal(analog.lineFeatures, 0, 'LINEFEATURE_* does not exist before 1.4');
    });

    it('builds devices from options.lines (absent flags: no $ @ W, partial dialling on)', function () {
      const { p } = track(
        rig({
          lines: [
            { name: 'PBX', dialBilling: true },
            { name: 'Plain', partialDial: false },
          ],
        }),
      );
      const caps = [0, 1].map((d) => p.getDevCaps(d, p.negotiateApiVersion(d, 0x00010004, V2_2)));
      assert.deepEqual(
        caps.map((c) => c.name),
        ['PBX', 'Plain'],
      );
      assert.equal(caps[0].devCapFlags & LINEDEVCAPFLAGS.DIALBILLING, LINEDEVCAPFLAGS.DIALBILLING);
      assert.equal(caps[0].devCapFlags & LINEDEVCAPFLAGS.DIALQUIET, 0);
      assert.equal(caps[0].partialDial, true);
      assert.equal(caps[1].partialDial, false);
      assert.throws(() => new SimulatorProvider({ lines: [{ name: '' }] }), TapiValidationError);
      assert.throws(() => new SimulatorProvider({ timeScale: -1 }), TapiValidationError);
    });

    it('refuses bad scenarios at construction', function () {
      assert.throws(
        () => new SimulatorProvider({ scenarios: [{ match: '1', description: '', steps: [{ after: 0, state: 'ringing' as never }] }] }),
        TapiValidationError,
      );
      assert.throws(
        () => new SimulatorProvider({ scenarios: [{ match: '1', description: '', steps: [{ after: -1, state: 'busy' }] }] }),
        TapiValidationError,
      );
      assert.throws(
        () => new SimulatorProvider({ scenarios: [{ match: '1', description: '', steps: [{ after: 0, state: 'busy', mode: 'LOUD' }] }] }),
        TapiValidationError,
      );
    });
  });

  describe('lineOpen', function () {
    it('returns distinct non-zero line handles, never reused', function () {
      const { p } = track(rig());
      const a = openLine(p);
      const b = openLine(p, 0, NONE, 0);
      p.close(a);
      const c = openLine(p, 1, MONITOR, 0);
      assert.ok(a > 0 && b > 0 && c > 0);
      assert.equal(new Set([a, b, c]).size, 3);
      assert.ok(a < b && b < c);
    });

    it('refuses invalid privilege combinations with LINEERR_INVALPRIVSELECT', function () {
      const { p } = track(rig());
      const v = p.negotiateApiVersion(0, 0x00010004, V2_2);
      for (const privileges of [
        0,
        NONE | OWNER,
        NONE | MONITOR,
        0x8,
        OWNER | LINEOPENOPTION.SINGLEADDRESS,
        MONITOR | LINEOPENOPTION.PROXY,
      ]) {
        throwsCode(() => p.open(0, v, 0, privileges, VOICE), 'LINEERR_INVALPRIVSELECT', 'lineOpen');
      }
      for (const privileges of [NONE, MONITOR, OWNER, OWNER | MONITOR]) assert.ok(p.open(0, v, 0, privileges, VOICE) > 0);
    });

    it('checks media modes for owners only', function () {
      const { p } = track(rig());
      const v1 = p.negotiateApiVersion(1, 0x00010004, V2_2);
      throwsCode(() => p.open(1, v1, 0, OWNER, 0), 'LINEERR_INVALMEDIAMODE');
      throwsCode(() => p.open(1, v1, 0, OWNER, LINEMEDIAMODE.G3FAX), 'LINEERR_INVALMEDIAMODE');
      throwsCode(() => p.open(1, v1, 0, OWNER, 0x1), 'LINEERR_INVALMEDIAMODE');
      assert.ok(p.open(1, v1, 0, MONITOR, LINEMEDIAMODE.G3FAX) > 0);
      assert.ok(p.open(1, v1, 0, OWNER, VOICE | LINEMEDIAMODE.DATAMODEM) > 0);
    });

    it('refuses bad device ids, LINEMAPPER and unnegotiated versions', function () {
      const { p } = track(rig());
      throwsCode(() => p.open(5, V2_2, 0, NONE, 0), 'LINEERR_BADDEVICEID');
      throwsCode(() => p.open(LINEMAPPER, V2_2, 0, NONE, 0), 'LINEERR_BADDEVICEID');
      throwsCode(() => p.open(0, V2_2, 0, NONE, 0), 'LINEERR_INCOMPATIBLEAPIVERSION');
    });

    it('checks lineSetStatusMessages masks and handles', function () {
      const { p } = track(rig());
      const h = openLine(p);
      p.setStatusMessages(h, LINEDEVSTATE.RINGING, 0);
      throwsCode(() => p.setStatusMessages(h, 0x02000000, 0), 'LINEERR_INVALLINESTATE');
      throwsCode(() => p.setStatusMessages(h, 0, 0x200), 'LINEERR_INVALADDRESSSTATE');
      throwsCode(() => p.setStatusMessages(h + 1000, 0, 0), 'LINEERR_INVALLINEHANDLE');
    });
  });

  describe('outgoing calls: exact message sequences at timeScale 0', function () {
    const D = LINEDISCONNECTMODE;
    const prefix = (h: number): Row[] => [cs(h, S.DIALTONE, LINEDIALTONEMODE.NORMAL, OWNER), cs(h, S.DIALING), cs(h, S.PROCEEDING)];
    const table: Array<[string, (h: number) => Row[], boolean]> = [
      ['5550100', (h) => [cs(h, S.RINGBACK), cs(h, S.CONNECTED, LINECONNECTEDMODE.ACTIVE)], true],
      ['5550101', (h) => [cs(h, S.BUSY, LINEBUSYMODE.STATION), cs(h, S.DISCONNECTED, D.BUSY)], false],
      ['5550102', (h) => [cs(h, S.RINGBACK), cs(h, S.DISCONNECTED, D.NOANSWER)], false],
      ['5550103', (h) => [cs(h, S.RINGBACK), cs(h, S.DISCONNECTED, D.REJECT)], false],
      ['5550104', (h) => [cs(h, S.DISCONNECTED, D.UNREACHABLE)], false],
      ['5550105', (h) => [cs(h, S.SPECIALINFO, LINESPECIALINFO.CUSTIRREG), cs(h, S.DISCONNECTED, D.BADADDRESS)], false],
      ['5550106', (h) => [cs(h, S.RINGBACK), cs(h, S.CONNECTED, LINECONNECTEDMODE.ACTIVE), cs(h, S.DISCONNECTED, D.NORMAL)], false],
      ['5550107', (h) => [cs(h, S.DISCONNECTED, D.CONGESTION)], false],
      ['+1 (206) 555-1234', (h) => [cs(h, S.RINGBACK), cs(h, S.CONNECTED, LINECONNECTEDMODE.ACTIVE)], true],
      ['9,1 (425) 555-0101', (h) => [cs(h, S.BUSY, LINEBUSYMODE.STATION), cs(h, S.DISCONNECTED, D.BUSY)], false],
    ];
    for (const [number, tail, staysUp] of table) {
      it(`${number}`, async function () {
        const r = track(rig());
        const hLine = openLine(r.p);
        const id = r.p.makeCall(hLine, number, 0, null);
        assert.ok(id > 0);
        assert.equal(r.log.length, 0, 'nothing is delivered from inside makeCall');
        await settle(r.p);
        const hCall = r.log[0].newCall ?? 0;
        assert.ok(hCall > 0);
        assert.equal(r.log[0].callbackInstance, 77);
        assert.deepEqual(rows(r.log), [reply(id), ...prefix(hCall), ...tail(hCall)]);
        for (const m of r.log.slice(1)) assert.equal(m.callbackInstance, 77);
        assert.equal(r.p.getCallStatus(hCall).callState, staysUp ? S.CONNECTED : S.DISCONNECTED);
        // Hang up: reply, then IDLE; nothing after.
        r.log.length = 0;
        const dropId = r.p.drop(hCall);
        assert.ok(dropId > id);
        await settle(r.p);
        assert.deepEqual(rows(r.log), [reply(dropId), cs(hCall, S.IDLE)]);
        r.p.deallocateCall(hCall);
        r.p.close(hLine);
        assert.deepEqual(r.p.outstanding(), ZERO);
      });
    }

    it('plays the same sequence with real (scaled) timers', async function () {
      const r = track(rig({ timeScale: 0.0005 }));
      const hLine = openLine(r.p);
      const id = r.p.makeCall(hLine, '5550106', 0, null);
      await until(() => r.log.length === 7, 1_000_000);
      const h = r.log[0].newCall ?? 0;
      assert.deepEqual(rows(r.log), [
        reply(id),
        cs(h, S.DIALTONE, LINEDIALTONEMODE.NORMAL, OWNER),
        cs(h, S.DIALING),
        cs(h, S.PROCEEDING),
        cs(h, S.RINGBACK),
        cs(h, S.CONNECTED, LINECONNECTEDMODE.ACTIVE),
        cs(h, S.DISCONNECTED, LINEDISCONNECTMODE.NORMAL),
      ]);
    });

    it('uses custom scenarios before the test numbers', async function () {
      const r = track(
        rig({ scenarios: [{ match: /^0800/, description: 'free', steps: [{ after: 1, state: 'connected', mode: 'confirmed' }] }] }),
      );
      const hLine = openLine(r.p);
      await place(r, hLine, '0800 123 456');
      await settle(r.p);
      assert.deepEqual(
        r.log.slice(1).map((m) => [m.param1, m.param2]),
        [
          [S.DIALTONE, LINEDIALTONEMODE.NORMAL],
          [S.DIALING, 0],
          [S.PROCEEDING, 0],
          [S.CONNECTED, LINECONNECTEDMODE.CONFIRMED],
        ],
      );
    });

    it('places one call for several destinations, with the first destination\u2019s scenario', async function () {
      const r = track(rig());
      const hLine = openLine(r.p);
      const { hCall } = await place(r, hLine, '5550101\r\n5550100');
      await settle(r.p);
      assert.equal(r.log.filter((m) => m.messageId === LINE_MESSAGE.LINE_REPLY).length, 1);
      assert.equal(r.p.getCallStatus(hCall).callStateMode, LINEDISCONNECTMODE.BUSY);
      assert.equal(r.p.getCallInfo(hCall).calledId, '5550101');
    });

    it('keeps several calls apart and delivers each in order', async function () {
      const r = track(rig());
      const hLine = openLine(r.p);
      const a = r.p.makeCall(hLine, '5550101', 0, null);
      const b = r.p.makeCall(hLine, '5550104', 0, null);
      assert.equal(b, a + 1);
      await settle(r.p);
      const ha = r.log.find((m) => m.param1 === a && m.messageId === LINE_MESSAGE.LINE_REPLY)!.newCall!;
      const hb = r.log.find((m) => m.param1 === b && m.messageId === LINE_MESSAGE.LINE_REPLY)!.newCall!;
      assert.notEqual(ha, hb);
      const statesOf = (h: number) => r.log.filter((m) => m.hDevice === h).map((m) => m.param1);
      assert.deepEqual(statesOf(ha), [S.DIALTONE, S.DIALING, S.PROCEEDING, S.BUSY, S.DISCONNECTED]);
      assert.deepEqual(statesOf(hb), [S.DIALTONE, S.DIALING, S.PROCEEDING, S.DISCONNECTED]);
      // Each reply precedes the first state of its call.
      const index = (pred: (m: LineMessage) => boolean) => r.log.findIndex(pred);
      assert.ok(index((m) => m.param1 === a && m.messageId === LINE_MESSAGE.LINE_REPLY) < index((m) => m.hDevice === ha));
      assert.ok(index((m) => m.param1 === b && m.messageId === LINE_MESSAGE.LINE_REPLY) < index((m) => m.hDevice === hb));
    });

    it('gives monitors on the device a handle to the call: APPNEWCALL, UNKNOWN, then the real states', async function () {
      const r = track(rig());
      const owner = openLine(r.p, 0, OWNER, VOICE, 1);
      const monitor = openLine(r.p, 0, MONITOR, 0, 2);
      openLine(r.p, 1, MONITOR, 0, 3); // another device: sees nothing
      const id = r.p.makeCall(owner, '5550104', 0, null);
      await settle(r.p);
      const h = r.log[0].newCall!;
      const hm = r.log[1].param2;
      assert.notEqual(hm, h);
      assert.deepEqual(rows(r.log), [
        reply(id),
        ['APPNEWCALL', monitor, 0, hm, MONITOR],
        cs(hm, S.UNKNOWN, 0, MONITOR),
        cs(h, S.DIALTONE, LINEDIALTONEMODE.NORMAL, OWNER),
        cs(hm, S.DIALTONE, LINEDIALTONEMODE.NORMAL),
        cs(h, S.DIALING),
        cs(hm, S.DIALING),
        cs(h, S.PROCEEDING),
        cs(hm, S.PROCEEDING),
        cs(h, S.DISCONNECTED, LINEDISCONNECTMODE.UNREACHABLE),
        cs(hm, S.DISCONNECTED, LINEDISCONNECTMODE.UNREACHABLE),
      ]);
      assert.equal(r.log[1].callbackInstance, 2);
      throwsCode(() => r.p.drop(hm), 'LINEERR_NOTOWNER', 'lineDrop');
      assert.equal(r.p.getCallInfo(hm).numMonitors, 1);
      assert.equal(r.p.getCallInfo(hm).numOwners, 1);
      // A monitor may only watch; a disconnected call still reports media and tones, no longer digits.
      assert.equal(r.p.getCallStatus(hm).callFeatures, LINECALLFEATURE.MONITORMEDIA | LINECALLFEATURE.MONITORTONES);
    });
  });

  describe('request ids and handles', function () {
    it('returns positive, increasing request ids', function () {
      const { p } = track(rig());
      const h = openLine(p);
      const ids = [p.makeCall(h, '5550100', 0, null), p.makeCall(h, '5550101', 0, null), p.makeCall(h, null, 0, null)];
      assert.ok(ids[0] > 0);
      assert.deepEqual(ids, [ids[0], ids[0] + 1, ids[0] + 2]);
    });

    it('wraps request ids before 0x80000000 and never returns 0', function () {
      const ids = new RequestIds(0x7ffffffe);
      assert.deepEqual([ids.take(), ids.take(), ids.take()], [0x7ffffffe, 0x7fffffff, 1]);
    });

    it('hands out non-zero 32-bit handles that wrap past zero', function () {
      const counter = new HandleCounter(0xfffffffe);
      assert.deepEqual([counter.take(), counter.take(), counter.take()], [0xfffffffe, 0xffffffff, 0xfffffffe]);
    });

    it('keeps handles and request ids unique across shutdown and initialize', async function () {
      const r = track(rig());
      const h1 = openLine(r.p);
      const c1 = await place(r, h1, '5550100');
      r.p.shutdown();
      r.log.length = 0;
      r.p.initialize('again', (m) => r.log.push(m));
      const h2 = openLine(r.p);
      assert.ok(h2 > h1);
      const c2 = await place(r, h2, '5550100');
      assert.ok(c2.id > c1.id);
      assert.ok(c2.hCall > c1.hCall);
    });
  });

  describe('synchronous errors', function () {
    it('names bad handles and refuses work on them', function () {
      const { p } = track(rig());
      const h = openLine(p);
      throwsCode(() => p.makeCall(h + 999, '5550100', 0, null), 'LINEERR_INVALLINEHANDLE', 'lineMakeCall');
      throwsCode(() => p.close(h + 999), 'LINEERR_INVALLINEHANDLE', 'lineClose');
      for (const [fn, op] of [
        [() => p.dial(12345, '1', 0), 'lineDial'],
        [() => p.drop(12345), 'lineDrop'],
        [() => p.answer(12345), 'lineAnswer'],
        [() => p.deallocateCall(12345), 'lineDeallocateCall'],
        [() => p.getCallInfo(12345), 'lineGetCallInfo'],
        [() => p.getCallStatus(12345), 'lineGetCallStatus'],
        [() => p.drop(h), 'lineDrop'],
      ] as Array<[() => unknown, string]>) {
        throwsCode(fn, 'LINEERR_INVALCALLHANDLE', op);
      }
    });

    it('validates the dial string with the line\u2019s capabilities, first offender first', function () {
      const { p } = track(rig());
      const analog = openLine(p, 1);
      throwsCode(() => p.makeCall(analog, '5551234$99', 0, null), 'LINEERR_DIALBILLING', 'lineMakeCall');
      throwsCode(() => p.makeCall(analog, '555@1234', 0, null), 'LINEERR_DIALQUIET');
      throwsCode(() => p.makeCall(analog, '9W555$1234', 0, null), 'LINEERR_DIALDIALTONE');
      throwsCode(() => p.makeCall(analog, '12?3', 0, null), 'LINEERR_DIALPROMPT');
      throwsCode(() => p.makeCall(analog, '12:3', 0, null), 'LINEERR_DIALVOICEDETECT');
      throwsCode(() => p.makeCall(analog, '555xyz', 0, null), 'LINEERR_INVALADDRESS');
      const full = openLine(p, 0);
      assert.ok(p.makeCall(full, '9W5551234$99@', 0, null) > 0);
      assert.deepEqual({ ...p.outstanding(), timers: 0, queued: 0 }, { lines: 2, calls: 1, requests: 1, timers: 0, queued: 0 });
    });

    it('refuses a trailing ";" on a line without partial dialling', function () {
      const { p } = track(rig({ lines: [{ name: 'No partial', partialDial: false }] }));
      const h = openLine(p);
      throwsCode(() => p.makeCall(h, '555;', 0, null), 'LINEERR_INVALADDRESS');
      throwsCode(() => p.makeCall(h, ';', 0, null), 'LINEERR_INVALADDRESS');
    });

    it('checks the country code and the call parameters', function () {
      const { p } = track(rig());
      const h = openLine(p);
      const analog = openLine(p, 1);
      throwsCode(() => p.makeCall(h, '5550100', 1000, null), 'LINEERR_INVALCOUNTRYCODE');
      throwsCode(() => p.makeCall(h, '5550100', -1, null), 'LINEERR_INVALCOUNTRYCODE');
      throwsCode(() => p.makeCall(h, '5550100', 0, { bearerMode: 0x100 }), 'LINEERR_INVALBEARERMODE');
      throwsCode(() => p.makeCall(h, '5550100', 0, { bearerMode: 0x3 }), 'LINEERR_INVALBEARERMODE');
      throwsCode(() => p.makeCall(analog, '5550100', 0, { bearerMode: LINEBEARERMODE.DATA }), 'LINEERR_BEARERMODEUNAVAIL');
      throwsCode(() => p.makeCall(h, '5550100', 0, { mediaMode: VOICE | LINEMEDIAMODE.DATAMODEM }), 'LINEERR_INVALMEDIAMODE');
      throwsCode(() => p.makeCall(h, '5550100', 0, { mediaMode: 0x10000 }), 'LINEERR_INVALMEDIAMODE');
      throwsCode(() => p.makeCall(analog, '5550100', 0, { mediaMode: LINEMEDIAMODE.G3FAX }), 'LINEERR_INVALMEDIAMODE');
      throwsCode(() => p.makeCall(h, '5550100', 0, { addressId: 1 }), 'LINEERR_INVALADDRESSID');
      throwsCode(() => p.makeCall(h, '5550100', 0, { addressMode: 7 }), 'LINEERR_INVALADDRESSMODE');
      throwsCode(() => p.makeCall(h, '5550100', 0, { addressMode: 2, origAddress: '5551111' }), 'LINEERR_INVALADDRESS');
      throwsCode(() => p.makeCall(h, '5550100', 0, { callParamFlags: 0x100 }), 'LINEERR_INVALCALLPARAMS');
      throwsCode(() => p.makeCall(h, '5550100', 0, { noAnswerTimeout: -1 }), 'LINEERR_INVALCALLPARAMS');
      throwsCode(() => p.makeCall(h, '5550100', 0, { minRate: 9000, maxRate: 100 }), 'LINEERR_INVALRATE');
      throwsCode(() => p.makeCall(h, '5550100', 0, { userUserInfo: new Uint8Array(129) }), 'LINEERR_USERUSERINFOTOOBIG');
      throwsCode(() => p.makeCall(analog, '5550100', 0, { userUserInfo: new Uint8Array(1) }), 'LINEERR_USERUSERINFOTOOBIG');
      assert.deepEqual(p.outstanding(), { ...ZERO, lines: 2 });
    });

    it('refuses a call when every call appearance is busy (LINEERR_CALLUNAVAIL)', async function () {
      const r = track(rig());
      const analog = openLine(r.p, 1);
      const { hCall } = await place(r, analog, '5550100');
      throwsCode(() => r.p.makeCall(analog, '5550101', 0, null), 'LINEERR_CALLUNAVAIL');
      r.p.drop(hCall);
      await settle(r.p);
      assert.ok(r.p.makeCall(analog, '5550101', 0, null) > 0, 'an idle call frees the appearance');
    });

    it('gives a configured line its own number of call appearances (maxActiveCalls)', async function () {
      const r = track(rig({ lines: [{ name: 'Trunk', maxActiveCalls: 3 }] }));
      const h = openLine(r.p, 0);
      for (let i = 0; i < 3; i++) await place(r, h, '5550100');
      throwsCode(() => r.p.makeCall(h, '5550100', 0, null), 'LINEERR_CALLUNAVAIL');
      assert.equal(r.p.getDevCaps(0, V2_2).maxNumActiveCalls, 3);
      assert.throws(() => new SimulatorProvider({ lines: [{ name: 'x', maxActiveCalls: 0 }] }), TapiValidationError);
    });

    it('queues nothing for a refused request', async function () {
      const r = track(rig());
      const h = openLine(r.p);
      throwsCode(() => r.p.makeCall(h, '12?3', 0, null), 'LINEERR_DIALPROMPT');
      await settle(r.p);
      assert.equal(r.log.length, 0);
    });
  });

  describe('dial tone and partial dialling', function () {
    it('waits in DIALTONE for a NULL address, then dial() continues', async function () {
      const r = track(rig());
      const hLine = openLine(r.p);
      const { id, hCall } = await place(r, hLine, null);
      await settle(r.p);
      assert.deepEqual(rows(r.log), [reply(id), cs(hCall, S.DIALTONE, LINEDIALTONEMODE.NORMAL, OWNER)]);
      const status = r.p.getCallStatus(hCall);
      assert.equal(status.callState, S.DIALTONE);
      assert.equal(
        status.callFeatures,
        LINECALLFEATURE.DIAL |
          LINECALLFEATURE.DROP |
          LINECALLFEATURE.MONITORDIGITS |
          LINECALLFEATURE.MONITORMEDIA |
          LINECALLFEATURE.MONITORTONES,
      );
      assert.ok(status.stateEntryTime instanceof Date);
      throwsCode(() => r.p.dial(hCall, '', 0), 'LINEERR_INVALADDRESS', 'lineDial');
      r.log.length = 0;
      const dialId = r.p.dial(hCall, '5550101', 0);
      assert.equal(r.log.length, 0);
      await settle(r.p);
      assert.deepEqual(rows(r.log), [
        reply(dialId),
        cs(hCall, S.DIALING),
        cs(hCall, S.PROCEEDING),
        cs(hCall, S.BUSY, LINEBUSYMODE.STATION),
        cs(hCall, S.DISCONNECTED, LINEDISCONNECTMODE.BUSY),
      ]);
    });

    it('treats an empty address and a lone ";" like NULL', async function () {
      for (const address of ['', ';']) {
        const r = track(rig());
        const { id, hCall } = await place(r, openLine(r.p), address);
        await settle(r.p);
        assert.deepEqual(rows(r.log), [reply(id), cs(hCall, S.DIALTONE, LINEDIALTONEMODE.NORMAL, OWNER)]);
      }
    });

    it('dials in pieces: 555; -> DIALTONE, DIALING; 01; -> reply only; 00 -> PROCEEDING and the scenario', async function () {
      const r = track(rig());
      const hLine = openLine(r.p);
      const { id, hCall } = await place(r, hLine, '555;');
      await settle(r.p);
      assert.deepEqual(rows(r.log), [reply(id), cs(hCall, S.DIALTONE, LINEDIALTONEMODE.NORMAL, OWNER), cs(hCall, S.DIALING)]);
      assert.equal(r.p.getCallInfo(hCall).calledIdFlags, LINECALLPARTYID.ADDRESS | LINECALLPARTYID.PARTIAL);
      r.log.length = 0;
      const d1 = r.p.dial(hCall, '01;', 0);
      await settle(r.p);
      assert.deepEqual(rows(r.log), [reply(d1)]);
      r.log.length = 0;
      const d2 = r.p.dial(hCall, '00', 0);
      await settle(r.p);
      assert.deepEqual(rows(r.log), [
        reply(d2),
        cs(hCall, S.PROCEEDING),
        cs(hCall, S.RINGBACK),
        cs(hCall, S.CONNECTED, LINECONNECTEDMODE.ACTIVE),
      ]);
      const info = r.p.getCallInfo(hCall);
      assert.equal(info.calledId, '5550100');
      assert.equal(info.calledIdFlags, LINECALLPARTYID.ADDRESS);
      assert.equal(info.connectedId, '5550100');
      throwsCode(() => r.p.dial(hCall, '1', 0), 'LINEERR_INVALCALLSTATE', 'lineDial');
    });

    it('finishes with an empty dial() after pieces that ended in ";"', async function () {
      const r = track(rig());
      const { hCall } = await place(r, openLine(r.p), '5550101;');
      await settle(r.p);
      r.log.length = 0;
      const d = r.p.dial(hCall, '', 0);
      await settle(r.p);
      assert.deepEqual(rows(r.log), [
        reply(d),
        cs(hCall, S.PROCEEDING),
        cs(hCall, S.BUSY, LINEBUSYMODE.STATION),
        cs(hCall, S.DISCONNECTED, LINEDISCONNECTMODE.BUSY),
      ]);
    });

    it('refuses dial() once dialling is complete, even before PROCEEDING', async function () {
      const r = track(rig());
      const { hCall } = await place(r, openLine(r.p), '5550100');
      throwsCode(() => r.p.dial(hCall, '1', 0), 'LINEERR_INVALCALLSTATE', 'lineDial');
    });

    it('validates dial() strings with the line\u2019s capabilities and the country code', async function () {
      const r = track(rig());
      const { hCall } = await place(r, openLine(r.p, 1), '555;');
      throwsCode(() => r.p.dial(hCall, '0$1', 0), 'LINEERR_DIALBILLING', 'lineDial');
      throwsCode(() => r.p.dial(hCall, '0?1', 0), 'LINEERR_DIALPROMPT', 'lineDial');
      throwsCode(() => r.p.dial(hCall, '01', 1000), 'LINEERR_INVALCOUNTRYCODE', 'lineDial');
    });
  });

  describe('drop, deallocate, close, shutdown', function () {
    it('drop cancels the far end: nothing follows IDLE', async function () {
      // At timeScale 0 the 30 simulated seconds of ringing pass at once, so hang up from inside the handler,
      // as soon as RINGBACK arrives (what an app reacting to the state does).
      const p = new SimulatorProvider({ timeScale: 0 });
      providers.push(p);
      const log: LineMessage[] = [];
      let timersAtDrop = -1;
      let dropId = 0;
      p.initialize('dropper', (m) => {
        log.push(m);
        if (m.messageId === LINE_MESSAGE.LINE_CALLSTATE && m.param1 === S.RINGBACK) {
          assert.ok(p.outstanding().timers > 0, 'the far end still has something to do');
          dropId = p.drop(m.hDevice);
          timersAtDrop = p.outstanding().timers;
        }
      });
      const hLine = openLine(p);
      p.makeCall(hLine, '5550102', 0, null);
      await settle(p);
      const hCall = log[0].newCall!;
      assert.equal(timersAtDrop, 0);
      assert.deepEqual(rows(log).slice(-3), [cs(hCall, S.RINGBACK), reply(dropId), cs(hCall, S.IDLE)]);
      assert.ok(!log.some((m) => m.param1 === S.DISCONNECTED));
      throwsCode(() => p.drop(hCall), 'LINEERR_INVALCALLSTATE', 'lineDrop');
      assert.equal(p.getCallInfo(hCall).callId > 0, true, 'an idle call keeps its handle until deallocated');
      p.deallocateCall(hCall);
      throwsCode(() => p.getCallInfo(hCall), 'LINEERR_INVALCALLHANDLE');
      throwsCode(() => p.deallocateCall(hCall), 'LINEERR_INVALCALLHANDLE');
      p.close(hLine);
      assert.deepEqual(p.outstanding(), ZERO);
    });

    it('deallocating a live sole-owned call: no more messages for the handle, nothing left behind', async function () {
      const r = track(rig());
      const hLine = openLine(r.p);
      const { hCall } = await place(r, hLine, '5550106');
      r.p.deallocateCall(hCall);
      const seen = r.log.length;
      await settle(r.p);
      assert.equal(r.log.length, seen);
      assert.deepEqual(r.p.outstanding(), { ...ZERO, lines: 1 });
      throwsCode(() => r.p.drop(hCall), 'LINEERR_INVALCALLHANDLE');
    });

    it('refuses to deallocate a live owned call below TAPI 2.0', async function () {
      const r = track(rig());
      const hLine = openLine(r.p, 0, OWNER, VOICE, 1, [V1_3, V1_3]);
      const { hCall } = await place(r, hLine, '5550100');
      throwsCode(() => r.p.deallocateCall(hCall), 'LINEERR_INVALCALLSTATE', 'lineDeallocateCall');
      r.p.drop(hCall);
      await settle(r.p);
      r.p.deallocateCall(hCall);
    });

    it('does not suppress a pending LINE_REPLY when the call is deallocated', async function () {
      const r = track(rig());
      const { hCall } = await place(r, openLine(r.p), '5550100');
      await settle(r.p);
      r.log.length = 0;
      const d = r.p.drop(hCall);
      r.p.deallocateCall(hCall);
      await settle(r.p);
      assert.deepEqual(rows(r.log), [reply(d)]);
    });

    it('close suppresses the line\u2019s outstanding replies and drops its calls silently', async function () {
      const r = track(rig());
      const hLine = openLine(r.p);
      const other = openLine(r.p, 1);
      const { hCall } = await place(r, hLine, '5550100');
      r.log.length = 0;
      const pending = r.p.makeCall(hLine, '5550101', 0, null);
      const kept = r.p.makeCall(other, '5550104', 0, null);
      assert.ok(pending > 0);
      r.p.close(hLine);
      throwsCode(() => r.p.getCallStatus(hCall), 'LINEERR_INVALCALLHANDLE');
      throwsCode(() => r.p.makeCall(hLine, '5550100', 0, null), 'LINEERR_INVALLINEHANDLE');
      await settle(r.p);
      assert.ok(!r.log.some((m) => m.messageId === LINE_MESSAGE.LINE_REPLY && m.param1 === pending));
      assert.ok(!r.log.some((m) => m.hDevice === hCall));
      assert.equal(r.log[0].param1, kept, 'the other line is untouched');
      assert.equal(r.log.length, 5);
      r.p.close(other);
      assert.deepEqual(r.p.outstanding(), ZERO);
    });

    it('close of the owner line makes monitors on other lines see IDLE', async function () {
      const r = track(rig());
      const owner = openLine(r.p);
      const monitor = openLine(r.p, 0, MONITOR, 0);
      await place(r, owner, '5550100');
      await settle(r.p);
      const hm = r.log.find((m) => m.messageId === LINE_MESSAGE.LINE_APPNEWCALL)!.param2;
      r.log.length = 0;
      r.p.close(owner);
      await settle(r.p);
      assert.deepEqual(rows(r.log), [cs(hm, S.IDLE)]);
      r.p.deallocateCall(hm);
      r.p.close(monitor);
      assert.deepEqual(r.p.outstanding(), ZERO);
    });

    it('shutdown cancels everything: nothing is delivered afterwards, nothing is left, twice is fine', async function () {
      const r = track(rig());
      const hLine = openLine(r.p);
      r.p.setStatusMessages(hLine, LINEDEVSTATE.RINGING, 0);
      await place(r, hLine, '5550106');
      r.p.makeCall(hLine, '5550102', 0, null);
      r.p.presentIncomingCall({ callerId: '5550199' });
      assert.ok(r.p.outstanding().timers > 0 && r.p.outstanding().queued > 0);
      const seen = r.log.length;
      r.p.shutdown();
      assert.deepEqual(r.p.outstanding(), ZERO);
      r.p.shutdown();
      for (let i = 0; i < 50; i++) await turn();
      assert.equal(r.log.length, seen);
      throwsCode(() => r.p.makeCall(hLine, '5550100', 0, null), 'LINEERR_UNINITIALIZED');
    });
  });

  describe('test controls', function () {
    it('replyBeforeReturn delivers the LINE_REPLY inside makeCall; the states still come later', async function () {
      const r = track(rig());
      const hLine = openLine(r.p);
      r.p.replyBeforeReturn(true);
      const id = r.p.makeCall(hLine, '5550101', 0, null);
      assert.equal(r.log.length, 1);
      assert.equal(r.log[0].messageId, LINE_MESSAGE.LINE_REPLY);
      assert.equal(r.log[0].param1, id);
      const hCall = r.log[0].newCall!;
      await settle(r.p);
      assert.equal(r.log[1].hDevice, hCall);
      assert.equal(r.log[1].param1, S.DIALTONE);
      // One-shot: the next call replies asynchronously again.
      const before = r.log.length;
      r.p.drop(hCall);
      assert.equal(r.log.length, before);
      await settle(r.p);
      assert.equal(r.p.outstanding().requests, 0);
    });

    it('replyBeforeReturn keeps the order: earlier queued messages are delivered first', function () {
      const r = track(rig());
      const hLine = openLine(r.p);
      const first = r.p.makeCall(hLine, '5550101', 0, null);
      r.p.replyBeforeReturn();
      const second = r.p.makeCall(hLine, '5550100', 0, null);
      assert.deepEqual(
        r.log.map((m) => [m.messageId, m.param1]),
        [
          [LINE_MESSAGE.LINE_REPLY, first],
          [LINE_MESSAGE.LINE_CALLSTATE, S.DIALTONE],
          [LINE_MESSAGE.LINE_REPLY, second],
        ],
      );
    });

    it('failNext throws synchronously, or fails in the LINE_REPLY', async function () {
      const r = track(rig());
      const hLine = openLine(r.p);
      r.p.failNext('lineMakeCall', 'LINEERR_CALLUNAVAIL');
      throwsCode(() => r.p.makeCall(hLine, '5550100', 0, null), 'LINEERR_CALLUNAVAIL', 'lineMakeCall');
      r.p.failNext('lineMakeCall', 'RESOURCEUNAVAIL', { async: true });
      const id = r.p.makeCall(hLine, '5550100', 0, null);
      assert.ok(id > 0);
      await settle(r.p);
      assert.deepEqual(rows(r.log), [reply(id, 0x8000004b)]);
      assert.equal(r.log[0].newCall, undefined);
      assert.deepEqual(r.p.outstanding(), { ...ZERO, lines: 1 });
      r.log.length = 0;
      await place(r, hLine, '5550100'); // consumed: works again
      r.p.failNext('lineOpen', 'LINEERR_RESOURCEUNAVAIL');
      throwsCode(() => openLine(r.p), 'LINEERR_RESOURCEUNAVAIL', 'lineOpen');
      assert.ok(openLine(r.p) > 0);
    });

    it('failNext does not replace argument errors', function () {
      const { p } = track(rig());
      const h = openLine(p);
      p.failNext('lineMakeCall', 'LINEERR_NOMEM');
      throwsCode(() => p.makeCall(h, '1?', 0, null), 'LINEERR_DIALPROMPT');
      throwsCode(() => p.makeCall(h, '1', 0, null), 'LINEERR_NOMEM');
    });

    it('failNext refuses unknown functions and errors, and async on synchronous functions', function () {
      const { p } = track(rig());
      assert.throws(() => p.failNext('lineFly', 'LINEERR_NOMEM'), TapiValidationError);
      assert.throws(() => p.failNext('lineMakeCall', 'LINEERR_TOOLOUD'), TapiValidationError);
      assert.throws(() => p.failNext('lineOpen', 'LINEERR_NOMEM', { async: true }), TapiValidationError);
    });

    it('reinit delivers LINE_LINEDEVSTATE(REINIT) with hDevice 0 and param2 0', async function () {
      const r = track(rig());
      r.p.reinit();
      assert.equal(r.log.length, 0);
      await settle(r.p);
      assert.deepEqual(rows(r.log), [['LINEDEVSTATE', 0, LINEDEVSTATE.REINIT, 0, 0]]);
      assert.equal(r.log[0].callbackInstance, 0);
    });

    it('forceClose delivers LINE_CLOSE and voids the line and its calls at once', async function () {
      const r = track(rig());
      const hLine = openLine(r.p, 0, OWNER, VOICE, 9);
      const { hCall } = await place(r, hLine, '5550100');
      r.log.length = 0;
      const pending = r.p.makeCall(hLine, '5550101', 0, null);
      r.p.forceClose(hLine);
      throwsCode(() => r.p.getCallInfo(hCall), 'LINEERR_INVALCALLHANDLE');
      await settle(r.p);
      assert.deepEqual(rows(r.log), [['CLOSE', hLine, 0, 0, 0]]);
      assert.equal(r.log[0].callbackInstance, 9);
      assert.ok(pending > 0);
      assert.deepEqual(r.p.outstanding(), ZERO);
    });

    it('remoteHangup disconnects a connected call with the given mode, by handle or call id', async function () {
      const r = track(rig());
      const hLine = openLine(r.p);
      const a = await place(r, hLine, '5550100');
      const b = await place(r, hLine, '5550100');
      await settle(r.p);
      r.log.length = 0;
      assert.equal(r.p.remoteHangup(a.hCall), true);
      assert.equal(r.p.remoteHangup(r.p.getCallInfo(b.hCall).callId, 'busy'), true);
      await settle(r.p);
      assert.deepEqual(rows(r.log), [
        cs(a.hCall, S.DISCONNECTED, LINEDISCONNECTMODE.NORMAL),
        cs(b.hCall, S.DISCONNECTED, LINEDISCONNECTMODE.BUSY),
      ]);
      assert.equal(r.p.remoteHangup(a.hCall), false, 'already disconnected');
      assert.throws(() => r.p.remoteHangup(a.hCall, 'SHOUTING'), TapiValidationError);
      assert.throws(() => r.p.remoteHangup(424242), TapiValidationError);
    });
  });

  describe('incoming calls', function () {
    it('announces to the first owner and to monitors: APPNEWCALL then OFFERING, with privileges', async function () {
      const r = track(rig());
      const owner = openLine(r.p, 0, OWNER | MONITOR, VOICE, 1);
      const second = openLine(r.p, 0, OWNER | MONITOR, VOICE, 2);
      const ownerOnly = openLine(r.p, 0, OWNER, VOICE, 3);
      openLine(r.p, 0, NONE, 0, 4);
      // ringSeconds 0: the caller never gives up (at timeScale 0, 30 simulated seconds pass at once).
      const callId = r.p.presentIncomingCall({
        deviceId: 0,
        callerId: '+1 (206) 555-0199',
        callerIdName: 'Front door',
        calledId: '100',
        ringSeconds: 0,
      });
      assert.ok(callId > 0);
      assert.equal(r.log.length, 0);
      await settle(r.p);
      const h1 = r.log[0].param2;
      const h2 = r.log[1].param2;
      assert.deepEqual(rows(r.log), [
        ['APPNEWCALL', owner, 0, h1, OWNER],
        ['APPNEWCALL', second, 0, h2, MONITOR],
        cs(h1, S.OFFERING, LINEOFFERINGMODE.ACTIVE, OWNER),
        cs(h2, S.OFFERING, LINEOFFERINGMODE.ACTIVE, MONITOR),
      ]);
      assert.ok(!r.log.some((m) => m.hDevice === ownerOnly));
      const info = r.p.getCallInfo(h1);
      assert.equal(info.origin, LINECALLORIGIN.EXTERNAL);
      assert.equal(info.reason, LINECALLREASON.DIRECT);
      assert.equal(info.callId, callId);
      assert.equal(info.callerId, '+1 (206) 555-0199');
      assert.equal(info.callerIdName, 'Front door');
      assert.equal(info.callerIdFlags, LINECALLPARTYID.ADDRESS | LINECALLPARTYID.NAME);
      assert.equal(info.calledId, '100');
      assert.equal(info.hLine, owner);
      assert.equal(info.numOwners, 1);
      assert.equal(info.numMonitors, 1);
      assert.equal(r.p.getCallInfo(h2).hLine, second);
      assert.equal(
        r.p.getCallStatus(h1).callFeatures,
        LINECALLFEATURE.ACCEPT |
          LINECALLFEATURE.ANSWER |
          LINECALLFEATURE.REDIRECT |
          LINECALLFEATURE.DROP |
          LINECALLFEATURE.MONITORDIGITS |
          LINECALLFEATURE.MONITORMEDIA |
          LINECALLFEATURE.MONITORTONES,
      );
      // Answer: reply, then CONNECTED to both handles.
      throwsCode(() => r.p.answer(h2), 'LINEERR_NOTOWNER', 'lineAnswer');
      r.log.length = 0;
      const a = r.p.answer(h1);
      await settle(r.p);
      assert.deepEqual(rows(r.log), [
        reply(a),
        cs(h1, S.CONNECTED, LINECONNECTEDMODE.ACTIVE),
        cs(h2, S.CONNECTED, LINECONNECTEDMODE.ACTIVE),
      ]);
      assert.equal(r.p.getCallInfo(h1).appName, 'simulator test');
      throwsCode(() => r.p.answer(h1), 'LINEERR_INVALCALLSTATE', 'lineAnswer');
      // The caller hangs up; the owner drops.
      r.log.length = 0;
      r.p.remoteHangup(h1);
      const d = r.p.drop(h1);
      await settle(r.p);
      assert.deepEqual(rows(r.log), [
        cs(h1, S.DISCONNECTED, LINEDISCONNECTMODE.NORMAL),
        cs(h2, S.DISCONNECTED, LINEDISCONNECTMODE.NORMAL),
        reply(d),
        cs(h1, S.IDLE),
        cs(h2, S.IDLE),
      ]);
    });

    it('gives ownership only to a line whose media modes match', async function () {
      const r = track(rig());
      openLine(r.p, 0, OWNER, LINEMEDIAMODE.G3FAX, 1);
      const voice = openLine(r.p, 0, OWNER, VOICE, 2);
      r.p.presentIncomingCall({ callerId: '5550199', ringSeconds: 0 });
      await settle(r.p);
      assert.deepEqual(
        rows(r.log).map((row) => row.slice(0, 2)),
        [
          ['APPNEWCALL', voice],
          ['CALLSTATE', r.log[0].param2],
        ],
      );
      assert.equal(r.p.presentIncomingCall({ mediaMode: LINEMEDIAMODE.DATAMODEM }), 0, 'nobody takes a data call');
    });

    it('reports a withheld caller id as BLOCKED', async function () {
      const r = track(rig());
      openLine(r.p);
      r.p.presentIncomingCall({ callerId: '5550199', callerIdName: 'Secret', blocked: true, ringSeconds: 0 });
      await settle(r.p);
      const info = r.p.getCallInfo(r.log[0].param2);
      assert.equal(info.callerIdFlags, LINECALLPARTYID.BLOCKED);
      assert.equal(info.callerId, '');
      assert.equal(info.callerIdName, '');
      assert.equal(info.calledId, '+1 (555) 010-0000', 'defaults to the line\u2019s own number');
    });

    it('rings (LINEDEVSTATE_RINGING) every 6 s when enabled, then the caller gives up: DISCONNECTED(NORMAL)', async function () {
      const r = track(rig());
      const hLine = openLine(r.p);
      r.p.setStatusMessages(hLine, LINEDEVSTATE.RINGING, 0);
      r.p.presentIncomingCall({ callerId: '5550199' });
      await settle(r.p);
      const h = r.log[0].param2;
      assert.deepEqual(rows(r.log), [
        ['APPNEWCALL', hLine, 0, h, OWNER],
        cs(h, S.OFFERING, LINEOFFERINGMODE.ACTIVE, OWNER),
        ...[0, 1, 2, 3, 4].map((n): Row => ['LINEDEVSTATE', hLine, LINEDEVSTATE.RINGING, 1, n]),
        cs(h, S.DISCONNECTED, LINEDISCONNECTMODE.NORMAL),
      ]);
      r.log.length = 0;
      const d = r.p.drop(h);
      await settle(r.p);
      assert.deepEqual(rows(r.log), [reply(d), cs(h, S.IDLE)]);
    });

    it('does not ring without lineSetStatusMessages, and honours ringSeconds', async function () {
      const r = track(rig());
      openLine(r.p);
      r.p.presentIncomingCall({ ringSeconds: 2 });
      await settle(r.p);
      assert.deepEqual(
        r.log.map((m) => m.messageId),
        [LINE_MESSAGE.LINE_APPNEWCALL, LINE_MESSAGE.LINE_CALLSTATE, LINE_MESSAGE.LINE_CALLSTATE],
      );
      assert.equal(r.log[2].param1, S.DISCONNECTED);
    });

    it('a call nobody owns goes IDLE for its monitors after the caller gives up', async function () {
      const r = track(rig());
      openLine(r.p, 0, MONITOR, 0);
      r.p.presentIncomingCall({ ringSeconds: 1 });
      await settle(r.p);
      const h = r.log[0].param2;
      assert.deepEqual(rows(r.log).slice(1), [
        cs(h, S.OFFERING, LINEOFFERINGMODE.ACTIVE, MONITOR),
        cs(h, S.DISCONNECTED, LINEDISCONNECTMODE.NORMAL),
        cs(h, S.IDLE),
      ]);
    });

    it('sends no LINE_APPNEWCALL to a line opened below TAPI 2.0 (the privilege is on the first state)', async function () {
      const r = track(rig());
      const hLine = openLine(r.p, 0, OWNER, VOICE, 1, [V1_3, 0x00010004]);
      r.p.presentIncomingCall({ ringSeconds: 0 });
      await settle(r.p);
      assert.equal(r.log.length, 1);
      assert.equal(r.log[0].messageId, LINE_MESSAGE.LINE_CALLSTATE);
      assert.equal(r.log[0].param3, OWNER);
      assert.equal(r.p.getCallInfo(r.log[0].hDevice).hLine, hLine);
    });

    it('lets the owner reject an offering call with drop', async function () {
      const r = track(rig());
      openLine(r.p);
      r.p.presentIncomingCall({ ringSeconds: 0 });
      await settle(r.p);
      const h = r.log[0].param2;
      r.log.length = 0;
      const d = r.p.drop(h);
      await settle(r.p);
      assert.deepEqual(rows(r.log), [reply(d), cs(h, S.IDLE)]);
      assert.equal(r.p.outstanding().timers, 0);
    });
  });

  describe('call information', function () {
    it('describes an outbound call from its parameters', async function () {
      const r = track(rig());
      const hLine = openLine(r.p);
      const { hCall } = await place(r, hLine, '+1 (206) 555-0100^Alice', {
        bearerMode: LINEBEARERMODE.SPEECH,
        mediaMode: LINEMEDIAMODE.AUTOMATEDVOICE,
        callParamFlags: LINECALLPARAMFLAGS.SECURE,
        comment: 'hello',
        calledParty: 'Alice',
      });
      const info = r.p.getCallInfo(hCall);
      assert.equal(info.origin, LINECALLORIGIN.OUTBOUND);
      assert.equal(info.hLine, hLine);
      assert.equal(info.lineDeviceId, 0);
      assert.equal(info.bearerMode, LINEBEARERMODE.SPEECH);
      assert.equal(info.mediaMode, LINEMEDIAMODE.AUTOMATEDVOICE);
      assert.equal(info.callParamFlags, LINECALLPARAMFLAGS.SECURE);
      assert.equal(info.calledId, '+1 (206) 555-0100');
      assert.equal(info.calledIdName, 'Alice');
      assert.equal(info.callerId, '+1 (555) 010-0000');
      assert.equal(info.callerIdFlags & LINECALLPARTYID.ADDRESS, LINECALLPARTYID.ADDRESS);
      assert.equal(info.numOwners, 1);
      assert.equal(info.numMonitors, 0);
      assert.equal(info.comment, 'hello');
      assert.equal(info.calledParty, 'Alice');
      assert.equal(info.appName, 'simulator test');
      assert.ok(info.callId > 0);
      assert.equal(info.callStates & S.CONNECTED, S.CONNECTED);
    });

    it('hides the caller id with LINECALLPARAMFLAGS_BLOCKID', async function () {
      const r = track(rig());
      const { hCall } = await place(r, openLine(r.p), '5550100', { callParamFlags: LINECALLPARAMFLAGS.BLOCKID });
      const info = r.p.getCallInfo(hCall);
      assert.equal(info.callerIdFlags, LINECALLPARTYID.BLOCKED);
      assert.equal(info.callerId, '');
    });

    it('reports status features by state and privilege', async function () {
      const r = track(rig());
      const { hCall } = await place(r, openLine(r.p), '5550101');
      await settle(r.p);
      const status = r.p.getCallStatus(hCall);
      assert.equal(status.callState, S.DISCONNECTED);
      assert.equal(status.callStateMode, LINEDISCONNECTMODE.BUSY);
      assert.equal(status.callPrivilege, OWNER);
      assert.equal(status.callFeatures, LINECALLFEATURE.DROP | LINECALLFEATURE.MONITORMEDIA | LINECALLFEATURE.MONITORTONES);
      r.p.drop(hCall);
      await settle(r.p);
      assert.equal(r.p.getCallStatus(hCall).callFeatures, 0);
    });
  });

  describe('noAnswerTimeout', function () {
    it('ends a call still ringing with DISCONNECTED(NOANSWER)', async function () {
      const r = track(rig());
      const { id, hCall } = await place(r, openLine(r.p), '5550100', { noAnswerTimeout: 1 });
      await settle(r.p);
      assert.deepEqual(rows(r.log), [
        reply(id),
        cs(hCall, S.DIALTONE, LINEDIALTONEMODE.NORMAL, OWNER),
        cs(hCall, S.DIALING),
        cs(hCall, S.PROCEEDING),
        cs(hCall, S.RINGBACK),
        cs(hCall, S.DISCONNECTED, LINEDISCONNECTMODE.NOANSWER),
      ]);
    });

    it('is cancelled when the call is answered in time', async function () {
      const r = track(rig());
      const { hCall } = await place(r, openLine(r.p), '5550100', { noAnswerTimeout: 10 });
      await settle(r.p);
      assert.equal(r.p.getCallStatus(hCall).callState, S.CONNECTED);
      assert.equal(r.p.outstanding().timers, 0);
    });

    it('also applies after partial dialling', async function () {
      const r = track(rig());
      const { hCall } = await place(r, openLine(r.p), '555;', { noAnswerTimeout: 2 });
      await settle(r.p);
      r.p.dial(hCall, '0102', 0);
      await settle(r.p);
      assert.equal(r.p.getCallStatus(hCall).callStateMode, LINEDISCONNECTMODE.NOANSWER);
    });
  });

  describe('delivery', function () {
    it('keeps delivering when the handler throws', async function () {
      const p = new SimulatorProvider({ timeScale: 0 });
      providers.push(p);
      const seen: number[] = [];
      const { warnings } = await captureWarnings(async () => {
        p.initialize('thrower', (m) => {
          seen.push(m.messageId);
          if (seen.length === 1) throw new Error('listener bug');
        });
        const h = p.open(0, p.negotiateApiVersion(0, 0x10004, V2_2), 0, OWNER, VOICE);
        p.makeCall(h, '5550104', 0, null);
        await settle(p);
        await turn();
      });
      assert.equal(seen.length, 5);
      assert.deepEqual(
        warnings.map((w) => w.message.split('\n')[0]),
        ['tapi simulator: the message handler threw: Error: listener bug'],
      );
    });
  });

  describe('scheduler', function () {
    it('fires timers in simulated-time order at timeScale 0, whatever the scheduling order', async function () {
      const s = new Scheduler(0);
      const fired: string[] = [];
      s.schedule(5, () => fired.push('5'));
      s.schedule(1, () => {
        fired.push('1');
        s.schedule(1, () => fired.push('1+1'));
        s.schedule(10, () => fired.push('1+10'));
      });
      s.schedule(1, () => fired.push('1b'));
      const cancelled = s.schedule(3, () => fired.push('3'));
      s.cancel(cancelled);
      assert.equal(s.size, 3);
      await until(() => s.size === 0);
      assert.deepEqual(fired, ['1', '1b', '1+1', '5', '1+10']);
      assert.equal(s.now(), 11);
    });

    it('clear() stops every timer', async function () {
      const s = new Scheduler(1);
      let ran = false;
      s.schedule(0.001, () => (ran = true));
      s.clear();
      await new Promise((resolve) => setTimeout(resolve, 10));
      assert.equal(ran, false);
      assert.equal(s.size, 0);
    });
  });
});
