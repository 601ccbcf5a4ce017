// The provider contract: the same behaviour through lib/tapi's public surface, whatever the provider.
import assert from 'node:assert/strict';
import { openTapi, TapiError, type Call, type CallStateEvent, type Line, type Tapi } from '../../lib/tapi';
import type { ProviderHarness } from '../harness/types';
import { describeCallControlContract } from './call-control';
import { can, itWith } from './helpers';
import { describeSignalsContract } from './signals';

interface Expected {
  number: string;
  states: string[];
  modes?: Record<string, string | null>;
  /** The call stays up at the end of `states` until we drop it. */
  staysUp?: boolean;
}

const PREFIX = ['dialtone', 'dialing', 'proceeding'];

export const TEST_NUMBER_SEQUENCES: Expected[] = [
  { number: '5550100', states: [...PREFIX, 'ringback', 'connected'], modes: { connected: 'active', dialtone: 'normal' }, staysUp: true },
  { number: '5550101', states: [...PREFIX, 'busy', 'disconnected'], modes: { busy: 'station', disconnected: 'busy' } },
  { number: '5550102', states: [...PREFIX, 'ringback', 'disconnected'], modes: { disconnected: 'noanswer' } },
  { number: '5550103', states: [...PREFIX, 'ringback', 'disconnected'], modes: { disconnected: 'reject' } },
  { number: '5550104', states: [...PREFIX, 'disconnected'], modes: { disconnected: 'unreachable' } },
  {
    number: '5550105',
    states: [...PREFIX, 'specialinfo', 'disconnected'],
    modes: { specialinfo: 'custirreg', disconnected: 'badaddress' },
  },
  { number: '5550106', states: [...PREFIX, 'ringback', 'connected', 'disconnected'], modes: { disconnected: 'normal' } },
  { number: '5550107', states: [...PREFIX, 'disconnected'], modes: { disconnected: 'congestion' } },
  { number: '+1 (206) 555-1234', states: [...PREFIX, 'ringback', 'connected'], staysUp: true },
];

async function rejectsWith(promise: Promise<unknown>, code: string, operation?: string): Promise<TapiError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof TapiError, `expected a TapiError, got ${String(error)}`);
    assert.equal(error.code, code);
    if (operation) assert.equal(error.operation, operation);
    assert.ok(error.value >= 0x80000000, 'value is the unsigned LINEERR number');
    return error;
  }
  assert.fail(`expected ${code}, but it resolved`);
}

function statesOf(events: CallStateEvent[]): string[] {
  return events.map((e) => e.state);
}

export function describeContract(harness: ProviderHarness): void {
  describe(`provider contract: ${harness.name}`, function () {
    let tapi: Tapi;

    before(function () {
      assert.ok(harness.available(), `${harness.name} is not available on this machine`);
    });

    beforeEach(async function () {
      harness.reset();
      tapi = await openTapi(harness.tapiOptions());
    });

    afterEach(async function () {
      await tapi.shutdown();
      const left = harness.outstanding(tapi);
      assert.deepEqual(left, { lines: 0, calls: 0, requests: 0 }, 'the provider holds nothing after shutdown');
    });

    itWith(harness, ['simulatedLines'], 'lists the two line devices with their dialling capabilities', function () {
      assert.equal(tapi.lines.length, 2);
      const [full, analog] = tapi.lines;
      assert.equal(full.deviceId, 0);
      assert.equal(full.name, 'Simulated Line 1');
      assert.deepEqual(full.capabilities, {
        dialBilling: true,
        dialQuiet: true,
        dialDialtone: true,
        partialDial: full.capabilities.partialDial,
      });
      assert.equal(analog.name, 'Simulated Analog Line');
      assert.equal(analog.capabilities.dialBilling, false);
      assert.equal(analog.capabilities.dialQuiet, false);
      assert.equal(analog.capabilities.dialDialtone, false);
      assert.ok(full.apiVersion >= 0x00010004 && full.apiVersion <= 0x00020002);
      assert.ok(full.bearerModes.includes('voice'));
      assert.ok(full.mediaModes.includes('interactivevoice'));
    });

    for (const expected of TEST_NUMBER_SEQUENCES) {
      // 5550104 (unreachable: no answer at all) and 5550105 (special information tone) have no SIP far-end script.
      const scripted = expected.number === '5550104' || expected.number === '5550105';
      itWith(
        harness,
        scripted ? ['scriptedFailures'] : [],
        `${expected.number}: ${expected.states.slice(3).join(' -> ')}, then drop -> idle`,
        async function () {
          const line = await tapi.openLine(0);
          const seen: CallStateEvent[] = [];
          line.on('callstate', (_call: Call, event: CallStateEvent) => seen.push(event));
          const call = await line.makeCall(expected.number);
          assert.equal(call.info.origin, 'outbound');
          assert.equal(call.privilege, 'owner');
          const last = expected.states[expected.states.length - 1];
          await call.waitFor([last], 10_000);
          if (expected.staysUp) {
            // Nothing else happens to a call that stays up.
            await new Promise((r) => setTimeout(r, 50));
            assert.equal(call.state, last);
          }
          await call.drop();
          await call.waitFor(['idle'], 10_000);
          await new Promise((r) => setImmediate(r));
          assert.deepEqual(statesOf(seen), [...expected.states, 'idle']);
          assert.deepEqual(statesOf(call.history), [...expected.states, 'idle']);
          for (const [state, mode] of Object.entries(expected.modes ?? {})) {
            assert.equal(call.history.find((e) => e.state === state)?.mode, mode, `mode of ${state}`);
          }
          assert.equal(call.history[0].previous, null);
          assert.equal(call.history[1].previous, call.history[0].state);
          assert.equal(call.history[0].privilege, 'owner');
          call.deallocate();
          assert.equal(call.deallocated, true);
          assert.equal(line.calls.length, 0);
          await line.close();
          assert.deepEqual(harness.outstanding(tapi), { lines: 0, calls: 0, requests: 0 });
        },
      );
    }

    it('delivers every state to a listener attached after makeCall resolves', async function () {
      const line = await tapi.openLine(0);
      const call = await line.makeCall('5550101');
      const seen: string[] = [];
      call.on('state', (e: CallStateEvent) => seen.push(e.state));
      await call.waitFor(['disconnected'], 10_000);
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(seen, ['dialtone', 'dialing', 'proceeding', 'busy', 'disconnected']);
      await call.release();
      assert.equal(call.deallocated, true);
    });

    itWith(harness, ['replyBeforeReturn'], 'matches a LINE_REPLY delivered before the request id was returned', async function () {
      const line = await tapi.openLine(0);
      harness.replyBeforeReturn(tapi);
      const call = await line.makeCall('5550101');
      await call.waitFor(['disconnected'], 10_000);
      assert.deepEqual(statesOf(call.history), ['dialtone', 'dialing', 'proceeding', 'busy', 'disconnected']);
      await call.release();
    });

    it('refuses 12?3 with LINEERR_DIALPROMPT, synchronously, before anything is dialled', async function () {
      const line = await tapi.openLine(0);
      await rejectsWith(line.makeCall('12?3'), 'LINEERR_DIALPROMPT', 'lineMakeCall');
      assert.equal(line.calls.length, 0);
      assert.equal(tapi.pendingRequests, 0);
    });

    itWith(
      harness,
      ['simulatedLines'],
      'refuses $ @ W on the analog line with the first offending modifier, and accepts them on line 0',
      async function () {
        const analog = await tapi.openLine(1);
        await rejectsWith(analog.makeCall('5551234$99'), 'LINEERR_DIALBILLING');
        await rejectsWith(analog.makeCall('555@1234'), 'LINEERR_DIALQUIET');
        await rejectsWith(analog.makeCall('9W5551234'), 'LINEERR_DIALDIALTONE');
        await rejectsWith(analog.makeCall('9W555$1234'), 'LINEERR_DIALDIALTONE');
        await rejectsWith(analog.makeCall('555xyz'), 'LINEERR_INVALADDRESS');
        const full = await tapi.openLine('Simulated Line 1');
        const call = await full.makeCall('9W5551234$99');
        await call.waitFor(['connected'], 10_000);
        await call.release();
      },
    );

    it('blocks a denied number with LINEERR_ADDRESSBLOCKED and lets others through', async function () {
      const line = await tapi.openLine(0, { dialPolicy: { deny: ['1900XXXXXXX', '+1900.'] } });
      await rejectsWith(line.makeCall('19005551234'), 'LINEERR_ADDRESSBLOCKED', 'lineMakeCall');
      await rejectsWith(line.makeCall('+1 (900) 555-1234'), 'LINEERR_ADDRESSBLOCKED', 'lineMakeCall');
      const call = await line.makeCall('5550101');
      await call.release();
    });

    it('enforces an allow list, also across partial dialling', async function () {
      const line = await tapi.openLine(0, { dialPolicy: { allow: ['555010X'] } });
      await rejectsWith(line.makeCall('5550199'), 'LINEERR_ADDRESSBLOCKED');
      const call = await line.makeCall('555;');
      await call.waitFor(['dialing'], 10_000);
      await rejectsWith(call.dial('0199'), 'LINEERR_ADDRESSBLOCKED', 'lineDial');
      await call.dial('0101');
      await call.waitFor(['disconnected'], 10_000);
      assert.equal(call.mode, 'busy');
      await call.release();
    });

    it('gives a dial tone for a null address, and continues with call.dial()', async function () {
      const line = await tapi.openLine(0);
      const call = await line.makeCall(null);
      await call.waitFor(['dialtone'], 10_000);
      await new Promise((r) => setTimeout(r, 20));
      assert.equal(call.state, 'dialtone');
      await call.dial('5550101');
      await call.waitFor(['disconnected'], 10_000);
      assert.deepEqual(statesOf(call.history), ['dialtone', 'dialing', 'proceeding', 'busy', 'disconnected']);
      await call.release();
      assert.equal(call.state, 'idle');
    });

    it('dials in pieces with a trailing ;', async function () {
      const line = await tapi.openLine(0);
      const call = await line.makeCall('555;');
      await call.waitFor(['dialing'], 10_000);
      await call.dial('01;');
      await call.dial('00');
      await call.waitFor(['connected'], 10_000);
      assert.equal(call.dialled, '5550100');
      await call.release();
    });

    it('refuses dial() once the call is past dialling, with LINEERR_INVALCALLSTATE', async function () {
      const line = await tapi.openLine(0);
      const call = await line.makeCall('5550100');
      await call.waitFor(['connected'], 10_000);
      await rejectsWith(call.dial('1'), 'LINEERR_INVALCALLSTATE', 'lineDial');
      await call.release();
    });

    it('reports errors by name: unknown line, bad privileges, dropped twice, deallocated twice', async function () {
      await rejectsWith(tapi.openLine(7), 'LINEERR_BADDEVICEID', 'lineOpen');
      await rejectsWith(tapi.openLine('No such line'), 'LINEERR_BADDEVICEID', 'lineOpen');
      await rejectsWith(tapi.openLine(0, { privileges: ['none', 'owner'] }), 'LINEERR_INVALPRIVSELECT', 'lineOpen');
      const line = await tapi.openLine(0);
      const call = await line.makeCall('5550101');
      await call.waitFor(['disconnected'], 10_000);
      await call.drop();
      await call.waitFor(['idle'], 10_000);
      await rejectsWith(call.drop(), 'LINEERR_INVALCALLSTATE', 'lineDrop');
      call.deallocate();
      assert.throws(
        () => call.deallocate(),
        (e: unknown) => e instanceof TapiError && e.code === 'LINEERR_INVALCALLHANDLE',
      );
    });

    itWith(harness, ['failNext'], 'rejects a makeCall whose LINE_REPLY fails, and one refused synchronously', async function () {
      const line = await tapi.openLine(0);
      harness.failNext(tapi, 'lineMakeCall', 'LINEERR_RESOURCEUNAVAIL', true);
      await rejectsWith(line.makeCall('5550100'), 'LINEERR_RESOURCEUNAVAIL', 'lineMakeCall');
      harness.failNext(tapi, 'lineMakeCall', 'LINEERR_CALLUNAVAIL', false);
      await rejectsWith(line.makeCall('5550100'), 'LINEERR_CALLUNAVAIL', 'lineMakeCall');
      assert.equal(line.calls.length, 0);
      assert.equal(tapi.pendingRequests, 0);
    });

    it('applies noAnswerTimeout from the call parameters', async function () {
      const line = await tapi.openLine(0);
      const call = await line.makeCall('5550102', { params: { noAnswerTimeout: 1 } });
      const end = await call.waitFor(['disconnected'], 10_000);
      assert.equal(end.mode, 'noanswer');
      await call.release();
    });

    it('presents an incoming call to the owner: call event, offering, answer, drop, idle', async function () {
      const line = await tapi.openLine(0, { privileges: ['owner', 'monitor'] });
      const announced = new Promise<Call>((resolve) => line.once('call', resolve));
      harness.presentIncomingCall(tapi, { deviceId: 0, callerId: '+1 (206) 555-0199', callerIdName: 'Front door', calledId: '100' });
      const call = await announced;
      await call.waitFor(['offering'], 10_000);
      assert.equal(call.info.origin, 'inbound');
      // SIP carries the caller's digits, not their formatting.
      assert.equal(call.info.callerId, can(harness, 'formattedCallerIds') ? '+1 (206) 555-0199' : '+12065550199');
      assert.equal(call.info.callerIdName, 'Front door');
      assert.equal(call.privilege, 'owner');
      assert.equal(call.history[0].privilege, 'owner');
      await call.answer();
      await call.waitFor(['connected'], 10_000);
      await call.release();
      assert.deepEqual(statesOf(call.history), ['offering', 'connected', 'idle']);
    });

    it('gives a monitor a handle it cannot drop (LINEERR_NOTOWNER)', async function () {
      const line = await tapi.openLine(0, { privileges: 'monitor' });
      const announced = new Promise<Call>((resolve) => line.once('call', resolve));
      harness.presentIncomingCall(tapi, { deviceId: 0, callerId: '5550123' });
      const call = await announced;
      await call.waitFor(['offering'], 10_000);
      assert.equal(call.privilege, 'monitor');
      await rejectsWith(call.drop(), 'LINEERR_NOTOWNER', 'lineDrop');
      call.deallocate();
    });

    it('sees the far end hang up a connected call, with the mode', async function () {
      const line = await tapi.openLine(0);
      const call = await line.makeCall('5550100');
      await call.waitFor(['connected'], 10_000);
      harness.remoteHangup(tapi, call, 'NORMAL');
      const end = await call.waitFor(['disconnected'], 10_000);
      assert.equal(end.mode, 'normal');
      await call.release();
    });

    it('settles a pending makeCall when the line is closed first', async function () {
      const line = await tapi.openLine(0);
      const pending = line.makeCall('5550100');
      const closing = line.close();
      await rejectsWith(pending, 'LINEERR_INVALLINEHANDLE', 'lineMakeCall');
      await closing;
      assert.equal(line.isOpen, false);
      await rejectsWith(line.makeCall('5550100'), 'LINEERR_INVALLINEHANDLE');
    });

    itWith(
      harness,
      ['reinit'],
      're-initialises on LINEDEVSTATE_REINIT: the line closes, comes back, and places calls again',
      async function () {
        const line = await tapi.openLine(0);
        const up = await line.makeCall('5550100');
        await up.waitFor(['connected'], 10_000);
        const events: string[] = [];
        line.on('close', (why: string) => events.push(`close:${why}`));
        const reopened = new Promise<void>((resolve) => line.once('reopen', () => resolve()));
        harness.triggerReinit(tapi);
        await reopened;
        assert.deepEqual(events, ['close:reinit']);
        assert.equal(up.deallocated, true, 'the call was dropped and released before TAPI was shut down');
        assert.equal(up.history[up.history.length - 1].state, 'idle');
        assert.equal(line.isOpen, true);
        const call = await line.makeCall('5550101');
        await call.waitFor(['disconnected'], 10_000);
        assert.equal(call.mode, 'busy');
        await call.release();
      },
    );

    itWith(
      harness,
      ['forceLineClose'],
      'LINE_CLOSE from the provider voids the line and its calls, and settles their requests',
      async function () {
        const line = await tapi.openLine(0);
        const call = await line.makeCall('5550100');
        await call.waitFor(['connected'], 10_000);
        const closed = new Promise<string>((resolve) => line.once('close', resolve));
        harness.forceLineClose(tapi, line.hLine);
        assert.equal(await closed, 'provider');
        assert.equal(line.isOpen, false);
        assert.equal(call.deallocated, true);
        assert.equal(tapi.callCount, 0);
        await rejectsWith(line.makeCall('5550100'), 'LINEERR_INVALLINEHANDLE');
        await line.close();
      },
    );

    it('shuts down with live calls: drops and deallocates them, settles pending requests', async function () {
      const line = await tapi.openLine(0);
      const up = await line.makeCall('5550100');
      await up.waitFor(['connected'], 10_000);
      const ringing = await line.makeCall('5550102');
      const pending = line.makeCall('5550100');
      await tapi.shutdown();
      // Either its reply beat the close (the call was then dropped with the line) or it was settled by the close.
      const outcome = await pending.then(
        (c) => c,
        (e: unknown) => e,
      );
      if (outcome instanceof TapiError) assert.equal(outcome.code, 'LINEERR_INVALLINEHANDLE');
      else assert.equal((outcome as Call).deallocated, true);
      assert.equal(up.deallocated, true);
      assert.equal(ringing.deallocated, true);
      assert.equal(up.history[up.history.length - 1].state, 'idle');
      assert.equal(tapi.pendingRequests, 0);
      assert.equal(tapi.callCount, 0);
      await rejectsWith(line.makeCall('5550100'), 'LINEERR_UNINITIALIZED');
    });

    describeCallControlContract(harness, () => tapi);
    describeSignalsContract(harness, () => tapi);
  });
}

export type { Line };
