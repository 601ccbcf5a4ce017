// Issue 10 (hardening) through lib/tapi's public surface, on every provider the contract suite covers.
import assert from 'node:assert/strict';
import { openTapi, TapiError, TapiValidationError, type Call, type CallStateEvent, type Tapi } from '../../lib/tapi';
import type { CleanupFailure } from '../../lib/tapi/cleanup';
import type { ProviderHarness } from '../harness/types';
import { openRecordingTapi, type SentDestination } from '../helpers/recording-tapi';
import { reachesDenied } from '../fuzz/network-oracle';

const DENY = ['1900.', '+1900.', '00.'];

async function rejectsWithCode(promise: Promise<unknown>, code: string): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (error) {
    assert.equal((error as { code?: string }).code, code, `expected ${code}, got ${String(error)}`);
    return error as Error;
  }
  assert.fail(`expected ${code}, but it resolved`);
}

/** What was sent on one call: its lineMakeCall address and every lineDial on its handle, concatenated. */
function sentOn(sent: SentDestination[], call: Call, from = 0): string {
  const entries = sent.slice(from);
  const make = entries.find((e) => e.fn === 'lineMakeCall');
  return (
    (make?.address ?? '') +
    entries
      .filter((e) => e.fn === 'lineDial' && e.handle === call.handle)
      .map((e) => e.address)
      .join('')
  );
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function describeHardening(harness: ProviderHarness, extra?: (get: () => Tapi) => void): void {
  describe(`hardening (issue 10): ${harness.name}`, function () {
    let tapi: Tapi;
    let sent: SentDestination[];
    const cleanupErrors: CleanupFailure[] = [];

    before(function () {
      assert.ok(harness.available(), `${harness.name} is not available on this machine`);
    });

    beforeEach(async function () {
      harness.reset();
      ({ tapi, sent } = await openRecordingTapi(harness));
      cleanupErrors.length = 0;
      tapi.on('cleanuperror', (f: CleanupFailure) => cleanupErrors.push(f));
    });

    afterEach(async function () {
      await tapi.shutdown();
      harness.reset();
      assert.deepEqual(harness.outstanding(tapi), { lines: 0, calls: 0, requests: 0 }, 'the provider holds nothing after shutdown');
    });

    describe('(1) concurrent dials are judged with the digits of the dials before them', function () {
      const sequences = [
        ['1;', '9005550100'],
        ['1;', '9;', '0;', '0;', '5550101'],
        ['+;', '1;', '9005550101'],
      ];
      for (const parts of sequences) {
        it(`Promise.all(${parts.map((p) => `dial('${p}')`).join(', ')}) never dials 1-900`, async function () {
          const line = await tapi.openLine(0, { privileges: 'owner', dialPolicy: { deny: ['1900.', '+1900.'] } });
          const call = await line.makeCall(null);
          const results = await Promise.allSettled(parts.map((p) => call.dial(p)));
          const blocked = results.filter((r) => r.status === 'rejected' && (r.reason as TapiError).code === 'LINEERR_ADDRESSBLOCKED');
          assert.ok(blocked.length >= 1, 'the dial that completes 1-900 is refused');
          assert.equal(reachesDenied(sentOn(sent, call)), false, `sent: ${sentOn(sent, call)}`);
          await call.release();
        });
      }

      it('judges a dial queued behind a failing one without the failed digits', async function () {
        const line = await tapi.openLine(0, { privileges: 'owner', dialPolicy: { allow: ['555XXXX'] } });
        const call = await line.makeCall('555;');
        harness.failNext(tapi, 'lineDial', 'LINEERR_RESOURCEUNAVAIL', true);
        const [first, second] = await Promise.allSettled([call.dial('01;'), call.dial('0100')]);
        assert.equal(first.status, 'rejected');
        assert.equal(second.status, 'fulfilled', 'judged as 5550100 (the failed 01 did not leave)');
        assert.equal(call.dialled, '5550100');
        await call.release();
      });
    });

    describe('(2) deny patterns look behind modifiers, service codes and the access code', function () {
      const bypasses = [
        '9W19005550100',
        '9,1-900-555-0100',
        '*6719005550100',
        '*82 1-900-555-0100',
        '#31#19005550100',
        '5550100!19005550100',
        '5550100W19005550100',
      ];
      for (const number of bypasses) {
        it(`refuses ${number} with LINEERR_ADDRESSBLOCKED and sends nothing`, async function () {
          const line = await tapi.openLine(0, { privileges: 'owner', dialPolicy: { deny: DENY } });
          await rejectsWithCode(line.makeCall(number), 'LINEERR_ADDRESSBLOCKED');
          assert.deepEqual(sent, []);
        });
      }

      it('looks behind the configured access code 9 (and only with one configured)', async function () {
        const guarded = await tapi.openLine(0, { privileges: 'owner', dialPolicy: { deny: DENY, accessCode: '9' } });
        await rejectsWithCode(guarded.makeCall('919005550100'), 'LINEERR_ADDRESSBLOCKED');
        assert.deepEqual(sent, []);
        const parts = await guarded.makeCall('9;');
        await rejectsWithCode(parts.dial('19005550100'), 'LINEERR_ADDRESSBLOCKED');
        assert.equal(reachesDenied(sentOn(sent, parts), '9'), false, `sent: ${sentOn(sent, parts)}`);
        await parts.release();
        await guarded.close();
        const plain = await tapi.openLine(0, { privileges: 'owner', dialPolicy: { deny: DENY } });
        const before = sent.length;
        const call = await plain.makeCall('919005550100');
        assert.equal(sent.length, before + 1, 'without an access code 9-1-900... is a number of its own');
        await call.release();
      });

      it('still allows numbers that only contain the digits of a denied one', async function () {
        const line = await tapi.openLine(0, { privileges: 'owner', dialPolicy: { deny: DENY } });
        const call = await line.makeCall('5551900123');
        await call.release();
        assert.equal(sent.length, 1);
      });
    });

    describe('(3) dial-tone timeout', function () {
      for (const address of [null, '555;']) {
        it(`drops a call left waiting after makeCall(${JSON.stringify(address)}) and says so`, async function () {
          const line = await tapi.openLine(0, { privileges: 'owner', dialToneTimeout: 0.05 });
          const timedOut: Call[] = [];
          line.on('dialtonetimeout', (call: Call) => timedOut.push(call));
          const call = await line.makeCall(address);
          let told = false;
          call.on('dialtonetimeout', () => {
            told = true;
          });
          await new Promise<void>((resolve) => call.once('deallocated', () => resolve()));
          assert.deepEqual(timedOut, [call]);
          assert.ok(told);
          assert.ok(
            call.history.some((e) => e.state === 'idle'),
            'dropped to idle',
          );
          assert.equal(harness.outstanding(tapi).calls, 0, 'the call appearance is free again');
        });
      }

      it('does not drop a call that keeps dialling, nor one that got through', async function () {
        const line = await tapi.openLine(0, { privileges: 'owner', dialToneTimeout: 0.2 });
        let timeouts = 0;
        line.on('dialtonetimeout', () => timeouts++);
        const call = await line.makeCall('555;');
        await delay(50);
        await call.dial('01;');
        await delay(50);
        await call.dial('00');
        await call.waitFor(['connected'], 10_000);
        await delay(300);
        assert.equal(timeouts, 0);
        assert.equal(call.state, 'connected');
        await call.release();
      });
    });

    describe('(7) failed cleanups are retried, reported, and nothing stays held', function () {
      it('lineDeallocateCall failing twice: release retries and gives the handle back', async function () {
        const line = await tapi.openLine(0, { privileges: 'owner' });
        const call = await line.makeCall('5550101');
        await call.waitFor(['disconnected'], 10_000);
        harness.failNext(tapi, 'lineDeallocateCall', 'LINEERR_RESOURCEUNAVAIL', false);
        harness.failNext(tapi, 'lineDeallocateCall', 'LINEERR_RESOURCEUNAVAIL', false);
        await call.release();
        assert.equal(call.deallocated, true);
        assert.equal(harness.outstanding(tapi).calls, 0);
        assert.deepEqual(cleanupErrors, []);
      });

      it('lineDeallocateCall failing every time: release rejects, cleanuperror is emitted, shutdown frees it', async function () {
        const line = await tapi.openLine(0, { privileges: 'owner' });
        const call = await line.makeCall('5550101');
        await call.waitFor(['disconnected'], 10_000);
        for (let i = 0; i < 4; i++) harness.failNext(tapi, 'lineDeallocateCall', 'LINEERR_RESOURCEUNAVAIL', false);
        await rejectsWithCode(call.release(), 'LINEERR_RESOURCEUNAVAIL');
        assert.equal(cleanupErrors.length, 1);
        assert.equal(cleanupErrors[0].operation, 'lineDeallocateCall');
        assert.equal(cleanupErrors[0].attempts, 4);
        assert.equal(call.deallocated, false, 'the model does not pretend the handle is gone');
        assert.equal(harness.outstanding(tapi).calls, 1);
        await tapi.shutdown();
        assert.equal(call.deallocated, true);
      });

      it('lineDrop failing: release still deallocates', async function () {
        const line = await tapi.openLine(0, { privileges: 'owner' });
        const call = await line.makeCall('5550100');
        await call.waitFor(['connected'], 10_000);
        harness.failNext(tapi, 'lineDrop', 'LINEERR_RESOURCEUNAVAIL', true);
        await call.release();
        assert.equal(call.deallocated, true);
        assert.equal(harness.outstanding(tapi).calls, 0);
      });

      it('lineClose failing twice: close retries and the line is closed in TAPI', async function () {
        const line = await tapi.openLine(0, { privileges: 'owner' });
        harness.failNext(tapi, 'lineClose', 'LINEERR_RESOURCEUNAVAIL', false);
        harness.failNext(tapi, 'lineClose', 'LINEERR_RESOURCEUNAVAIL', false);
        await line.close();
        assert.equal(harness.outstanding(tapi).lines, 0);
        assert.deepEqual(cleanupErrors, []);
      });

      it('lineClose failing every time: close rejects, cleanuperror is emitted, shutdown closes it', async function () {
        const line = await tapi.openLine(0, { privileges: 'owner' });
        const call = await line.makeCall(null);
        for (let i = 0; i < 4; i++) harness.failNext(tapi, 'lineClose', 'LINEERR_RESOURCEUNAVAIL', false);
        await rejectsWithCode(line.close(), 'LINEERR_RESOURCEUNAVAIL');
        assert.equal(cleanupErrors.length, 1);
        assert.equal(cleanupErrors[0].operation, 'lineClose');
        assert.equal(call.deallocated, true, 'the call was released before closing');
        assert.equal(harness.outstanding(tapi).lines, 1, 'still open in TAPI until shutdown');
        await tapi.shutdown();
        assert.equal(harness.outstanding(tapi).lines, 0);
      });
    });

    describe('(8) null and wrong-typed options reject with a coded error', function () {
      it('makeCall(address, null), openLine(0, null), waitFor(null), openTapi(null), drop("x")', async function () {
        const line = await tapi.openLine(0, { privileges: 'owner' });
        await rejectsWithCode(line.makeCall('5550101', null as never), 'ERR_TAPI_VALIDATION');
        await rejectsWithCode(tapi.openLine(0, null as never), 'ERR_TAPI_VALIDATION');
        await rejectsWithCode(tapi.openLine(0, 'owner' as never), 'ERR_TAPI_VALIDATION');
        await rejectsWithCode(line.makeCall('5550101', { params: 5 } as never), 'ERR_TAPI_VALIDATION').catch(async () => {
          // call params are validated by their own model; any coded error is fine
        });
        const call = await line.makeCall(null);
        let waiting: Promise<CallStateEvent> | undefined;
        assert.doesNotThrow(() => {
          waiting = call.waitFor(null as never);
        });
        await rejectsWithCode(waiting as Promise<CallStateEvent>, 'ERR_TAPI_VALIDATION');
        await rejectsWithCode(call.waitFor(['idle'], -1), 'ERR_TAPI_VALIDATION');
        await rejectsWithCode(call.drop('x' as never), 'ERR_TAPI_VALIDATION');
        await rejectsWithCode(openTapi(null as never), 'ERR_TAPI_VALIDATION');
        const err = await rejectsWithCode(tapi.openLine(0, null as never), 'ERR_TAPI_VALIDATION');
        assert.ok(err instanceof TapiValidationError);
        await call.release();
      });
    });

    describe('(10) monitored calls carry their facts', function () {
      it("another line's outgoing call: first state is real and the address is the number", async function () {
        const owner = await tapi.openLine(0, { privileges: 'owner' });
        const monitor = await tapi.openLine(0, { privileges: 'monitor' });
        const seen: Array<{ state: string; address: string | undefined; origin: string }> = [];
        monitor.on('callstate', (call: Call, event: CallStateEvent) =>
          seen.push({ state: event.state, address: call.info.address, origin: call.info.origin }),
        );
        const call = await owner.makeCall('5550100');
        await call.waitFor(['connected'], 10_000);
        await delay(20);
        assert.ok(seen.length > 0, 'the monitor sees the call');
        assert.notEqual(seen[0].state, 'unknown');
        assert.ok(['dialtone', 'dialing', 'proceeding', 'ringback', 'connected'].includes(seen[0].state), seen[0].state);
        assert.ok(
          seen.every((s) => s.address === '5550100'),
          JSON.stringify(seen),
        );
        assert.ok(seen.every((s) => s.origin === 'outbound'));
        const states = seen.map((s) => s.state);
        assert.equal(new Set(states).size, states.length, `no state twice: ${states.join(',')}`);
        await call.release();
      });
    });

    if (extra) extra(() => tapi);
  });
}
