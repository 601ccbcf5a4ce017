// Contract: call control (issue 12) through lib/tapi's public surface, on every provider.
import assert from 'node:assert/strict';
import { TapiError, type CallStateEvent, type Tapi } from '../../lib/tapi';
import type { ProviderHarness } from '../harness/types';
import { WAIT_MS, connected, nextCall, namesStateAndFeatures, offered, rejectsWith, statesOf, throwsWith, tick, itWith } from './helpers';

export function describeCallControlContract(harness: ProviderHarness, getTapi: () => Tapi): void {
  describe('call control', function () {
    const tapi = () => getTapi();

    itWith(harness, ['simulatedLines'], 'reports features per state and the address capabilities of each line', async function () {
      const line = await tapi().openLine(0, { privileges: ['owner', 'monitor'] });
      const caps = line.addressCaps();
      assert.deepEqual(caps.transferModes, ['transfer', 'conference']);
      assert.ok(caps.maxHeldCalls >= 1);
      for (const f of ['hold', 'unhold', 'blindtransfer', 'setuptransfer', 'completetransf', 'redirect', 'accept', 'swaphold']) {
        assert.ok(caps.callFeatures.includes(f), `line 0 offers ${f}`);
      }
      const analog = (await tapi().openLine(1)).addressCaps();
      assert.deepEqual(analog.transferModes, []);
      assert.equal(analog.maxHeldCalls, 0);
      for (const f of ['hold', 'blindtransfer', 'setuptransfer', 'redirect'])
        assert.ok(!analog.callFeatures.includes(f), `analog line lacks ${f}`);
      assert.throws(
        () => line.addressCaps(5),
        (e: unknown) => e instanceof TapiError && e.code === 'LINEERR_INVALADDRESSID',
      );

      const call = await connected(line);
      for (const f of ['drop', 'hold', 'blindtransfer', 'setuptransfer', 'generatedigits', 'gatherdigits', 'monitordigits']) {
        assert.ok(call.features.includes(f), `connected call can ${f}: ${call.features.join()}`);
      }
      assert.equal(call.can('hold'), true);
      assert.equal(call.can('answer'), false);
      assert.equal(call.can('nonsense'), false);
      const incoming = await offered(harness, tapi(), line);
      assert.ok(incoming.can('answer') && incoming.can('accept') && incoming.can('redirect'), incoming.features.join());
      assert.equal(incoming.can('hold'), false);
      await incoming.release();
      await call.release();
      assert.deepEqual(call.features, [], 'an idle call can do nothing');
    });

    it('accept: offering -> accepted, then answer -> connected; refused once connected', async function () {
      const line = await tapi().openLine(0, { privileges: ['owner'] });
      const call = await offered(harness, tapi(), line);
      await call.accept();
      await call.waitFor(['accepted'], WAIT_MS);
      await call.answer();
      await call.waitFor(['connected'], WAIT_MS);
      await tick();
      const error = await rejectsWith(call.accept(), 'LINEERR_INVALCALLSTATE', 'lineAccept');
      namesStateAndFeatures(error, 'connected');
      assert.equal(tapi().pendingRequests, 0, 'nothing was sent');
      await call.release();
      assert.deepEqual(statesOf(call), ['offering', 'accepted', 'connected', 'idle']);
    });

    itWith(
      harness,
      ['simulatedLines'],
      'redirect: an offering call goes idle; refused when connected, blocked by the dial policy, unavailable on the analog line',
      async function () {
        const line = await tapi().openLine(0, { privileges: ['owner'], dialPolicy: { deny: ['1900.'] } });
        const call = await offered(harness, tapi(), line);
        await rejectsWith(call.redirect('19005551234'), 'LINEERR_ADDRESSBLOCKED', 'lineRedirect');
        await rejectsWith(call.redirect(''), 'LINEERR_INVALADDRESS', 'lineRedirect');
        assert.equal(call.state, 'offering', 'nothing was sent');
        await call.redirect('5550123');
        await call.waitFor(['idle'], WAIT_MS);
        call.deallocate();
        const up = await connected(line);
        namesStateAndFeatures(await rejectsWith(up.redirect('5550123'), 'LINEERR_INVALCALLSTATE', 'lineRedirect'), 'connected');
        await up.release();
        const analog = await tapi().openLine(1, { privileges: ['owner'] });
        const ringing = await offered(harness, tapi(), analog);
        await rejectsWith(ringing.redirect('5550123'), 'LINEERR_OPERATIONUNAVAIL', 'lineRedirect');
        await ringing.release();
      },
    );

    itWith(
      harness,
      ['simulatedLines'],
      'blindTransfer: a connected call goes idle; refused when offering, by a monitor, by the policy and on the analog line',
      async function () {
        const line = await tapi().openLine(0, { privileges: ['owner', 'monitor'], dialPolicy: { allow: ['555XXXX'] } });
        const call = await connected(line);
        await rejectsWith(call.blindTransfer('+44 20 7946 0000'), 'LINEERR_ADDRESSBLOCKED', 'lineBlindTransfer');
        await call.blindTransfer('5550123');
        await call.waitFor(['idle'], WAIT_MS);
        call.deallocate();
        const incoming = await offered(harness, tapi(), line);
        namesStateAndFeatures(
          await rejectsWith(incoming.blindTransfer('5550123'), 'LINEERR_INVALCALLSTATE', 'lineBlindTransfer'),
          'offering',
        );
        await incoming.release();
        const watcher = await tapi().openLine(0, { privileges: 'monitor' });
        const watched = nextCall(watcher);
        const placed = await connected(line);
        const monitored = await watched;
        await monitored.waitFor(['connected'], WAIT_MS);
        await rejectsWith(monitored.blindTransfer('5550123'), 'LINEERR_NOTOWNER', 'lineBlindTransfer');
        await placed.release();
        const analog = await tapi().openLine(1);
        const a = await connected(analog);
        await rejectsWith(a.blindTransfer('5550123'), 'LINEERR_OPERATIONUNAVAIL', 'lineBlindTransfer');
        await a.release();
      },
    );

    itWith(
      harness,
      ['simulatedLines'],
      'hold / unhold: connected -> onhold -> connected; each refused in the other state and on the analog line',
      async function () {
        const line = await tapi().openLine(0);
        const call = await connected(line);
        await rejectsWith(call.unhold(), 'LINEERR_INVALCALLSTATE', 'lineUnhold');
        await call.hold();
        await call.waitFor(['onhold'], WAIT_MS);
        await tick();
        assert.ok(call.can('unhold') && !call.can('hold'), call.features.join());
        namesStateAndFeatures(await rejectsWith(call.hold(), 'LINEERR_INVALCALLSTATE', 'lineHold'), 'onhold');
        await call.unhold();
        await tick();
        assert.deepEqual(statesOf(call).slice(-3), ['connected', 'onhold', 'connected']);
        await call.release();
        const analog = await tapi().openLine(1);
        const a = await connected(analog);
        const error = await rejectsWith(a.hold(), 'LINEERR_OPERATIONUNAVAIL', 'lineHold');
        assert.match(error.message, /does not offer hold/);
        await a.release();
      },
    );

    itWith(
      harness,
      ['consultationTransfer'],
      'swapHold: the held call becomes active and the active one is held; refused without a held call',
      async function () {
        const line = await tapi().openLine(0);
        const first = await connected(line);
        await rejectsWith(first.swapHold(first), 'LINEERR_INVALCALLHANDLE', 'lineSwapHold');
        await first.hold();
        await first.waitFor(['onhold'], WAIT_MS);
        const second = await connected(line);
        await second.swapHold(first);
        await tick();
        assert.equal(first.state, 'connected');
        assert.equal(second.state, 'onhold');
        const third = await connected(line);
        await rejectsWith(third.swapHold(first), 'LINEERR_INVALCALLSTATE', 'lineSwapHold');
        await Promise.all([first.release(), second.release(), third.release()]);
      },
    );

    itWith(
      harness,
      ['simulatedLines', 'consultationTransfer'],
      'every destination is read as the network reads it: tails after modifiers and service codes, and parts still in flight',
      async function () {
        const line = await tapi().openLine(0, { privileges: ['owner'], dialPolicy: { deny: ['1900.'], accessCode: '9' } });
        const ringing = await offered(harness, tapi(), line);
        for (const hidden of ['9W19005550100', '*6719005550100', '#31#19005550100', '5550100!19005550100']) {
          await rejectsWith(ringing.redirect(hidden), 'LINEERR_ADDRESSBLOCKED', 'lineRedirect');
        }
        assert.equal(ringing.state, 'offering', 'nothing was sent');
        await ringing.release();
        const call = await connected(line);
        await rejectsWith(call.blindTransfer('9,1-900-555-0100'), 'LINEERR_ADDRESSBLOCKED', 'lineBlindTransfer');
        assert.equal(call.state, 'connected', 'nothing was sent');
        const consult = await call.setupTransfer();
        await consult.waitFor(['dialtone'], WAIT_MS);
        // Two parts sent in the same turn: the second is judged with the first one's digits.
        const parts = await Promise.allSettled([consult.dial('1;'), consult.dial('9005550100')]);
        assert.equal(parts[0].status, 'fulfilled');
        assert.equal(parts[1].status, 'rejected');
        assert.equal(((parts[1] as PromiseRejectedResult).reason as TapiError).code, 'LINEERR_ADDRESSBLOCKED');
        await consult.release();
        await call.release();
      },
    );

    itWith(
      harness,
      ['consultationTransfer'],
      'setupTransfer -> consult.dial -> completeTransfer(transfer): both calls go idle',
      async function () {
        const line = await tapi().openLine(0, { dialPolicy: { deny: ['1900.'] } });
        const call = await connected(line);
        const consult = await call.setupTransfer();
        await consult.waitFor(['dialtone'], WAIT_MS);
        await call.waitFor(['onholdpendtransfer'], WAIT_MS);
        assert.equal(consult.privilege, 'owner');
        assert.ok(line.calls.includes(consult));
        await rejectsWith(call.completeTransfer(consult, 'transfer'), 'LINEERR_INVALCALLSTATE', 'lineCompleteTransfer');
        await rejectsWith(consult.dial('19005550000'), 'LINEERR_ADDRESSBLOCKED', 'lineDial');
        await consult.dial('5550100');
        await consult.waitFor(['connected'], WAIT_MS);
        await tick();
        assert.ok(call.can('completetransf'), call.features.join());
        await rejectsWith(call.completeTransfer(consult, 'park' as never), 'LINEERR_INVALTRANSFERMODE', 'lineCompleteTransfer');
        const result = await call.completeTransfer(consult, 'transfer');
        assert.equal(result, undefined);
        await Promise.all([call.waitFor(['idle'], WAIT_MS), consult.waitFor(['idle'], WAIT_MS)]);
        assert.deepEqual(statesOf(consult), ['dialtone', 'dialing', 'proceeding', 'ringback', 'connected', 'idle']);
        await Promise.all([call.release(), consult.release()]);
      },
    );

    itWith(
      harness,
      ['consultationTransfer'],
      'completeTransfer(conference): both calls conferenced, the conference call connected; dropping it ends them',
      async function () {
        const line = await tapi().openLine(0);
        const call = await connected(line);
        const consult = await call.setupTransfer();
        await consult.dial('5550100');
        await consult.waitFor(['connected'], WAIT_MS);
        const conference = await call.completeTransfer(consult, 'conference');
        assert.ok(conference);
        await conference.waitFor(['connected'], WAIT_MS);
        await Promise.all([call.waitFor(['conferenced'], WAIT_MS), consult.waitFor(['conferenced'], WAIT_MS)]);
        assert.equal(conference.info.origin, 'conference');
        await conference.drop();
        await Promise.all([call.waitFor(['idle'], WAIT_MS), consult.waitFor(['idle'], WAIT_MS), conference.waitFor(['idle'], WAIT_MS)]);
        await Promise.all([call.release(), consult.release(), conference.release()]);
      },
    );

    itWith(
      harness,
      ['consultationTransfer', 'simulatedLines'],
      'abandons a transfer: unhold drops the consultation call, dropping it reconnects the held call',
      async function () {
        const line = await tapi().openLine(0);
        const call = await connected(line);
        let consult = await call.setupTransfer();
        await consult.waitFor(['dialtone'], WAIT_MS);
        await call.unhold();
        await consult.waitFor(['idle'], WAIT_MS);
        await tick();
        assert.equal(call.state, 'connected');
        consult.deallocate();
        consult = await call.setupTransfer();
        await consult.dial('5550101');
        await consult.waitFor(['busy'], WAIT_MS);
        await consult.drop();
        await consult.waitFor(['idle'], WAIT_MS);
        await tick();
        assert.equal(call.state, 'connected');
        await rejectsWith(consult.setupTransfer(), 'LINEERR_INVALCALLSTATE', 'lineSetupTransfer');
        await Promise.all([call.release(), consult.release()]);
        const analog = await tapi().openLine(1);
        const a = await connected(analog);
        await rejectsWith(a.setupTransfer(), 'LINEERR_OPERATIONUNAVAIL', 'lineSetupTransfer');
        await a.release();
      },
    );

    it('setPrivilege: a monitor becomes an owner and answers; the sole owner cannot become a monitor', async function () {
      const ownerLine = await tapi().openLine(0, { privileges: 'owner' });
      const monitorLine = await tapi().openLine(0, { privileges: 'monitor' });
      const watched = nextCall(monitorLine);
      const owned = await offered(harness, tapi(), ownerLine);
      const monitored = await watched;
      throwsWith(() => owned.setPrivilege('monitor'), 'LINEERR_INVALCALLSTATE', 'lineSetCallPrivilege');
      throwsWith(() => monitored.setPrivilege('boss' as never), 'LINEERR_INVALCALLPRIVILEGE', 'lineSetCallPrivilege');
      await rejectsWith(monitored.answer(), 'LINEERR_NOTOWNER', 'lineAnswer');
      monitored.setPrivilege('owner');
      assert.equal(monitored.privilege, 'owner');
      await monitored.answer();
      await monitored.waitFor(['connected'], WAIT_MS);
      owned.setPrivilege('monitor');
      assert.equal(owned.privilege, 'monitor');
      await monitored.release();
      owned.deallocate();
    });

    itWith(
      harness,
      ['simulatedLines'],
      'handoff by media mode: the owner line of that mode gets the call; TARGETSELF and TARGETNOTFOUND otherwise',
      async function () {
        const voice = await tapi().openLine(0, { privileges: 'owner', mediaModes: ['interactivevoice'] });
        const fax = await tapi().openLine(0, { privileges: 'owner', mediaModes: ['g3fax'] });
        const call = await offered(harness, tapi(), voice);
        throwsWith(() => call.handoff('interactivevoice'), 'LINEERR_TARGETSELF', 'lineHandoff');
        throwsWith(() => call.handoff('datamodem'), 'LINEERR_TARGETNOTFOUND', 'lineHandoff');
        throwsWith(() => call.handoff('telepathy'), 'LINEERR_INVALMEDIAMODE', 'lineHandoff');
        const received = nextCall(fax);
        call.handoff('g3fax');
        const taken = await received;
        const first = await new Promise<CallStateEvent>((resolve) =>
          taken.history[0] ? resolve(taken.history[0]) : taken.once('state', resolve),
        );
        assert.equal(first.privilege, 'owner');
        assert.equal(taken.privilege, 'owner');
        assert.equal(call.privilege, 'owner', 'the caller keeps its privilege');
        await taken.answer();
        await taken.waitFor(['connected'], WAIT_MS);
        await taken.release();
        await call.release();
      },
    );

    itWith(harness, ['simulatedLines'], 'every refused operation leaves nothing pending', async function () {
      const line = await tapi().openLine(1);
      const call = await connected(line);
      const refusals = await Promise.allSettled([
        call.hold(),
        call.blindTransfer('5550123'),
        call.setupTransfer(),
        call.accept(),
        call.redirect('5550123'),
      ]);
      assert.ok(refusals.every((r) => r.status === 'rejected'));
      assert.equal(tapi().pendingRequests, 0);
      assert.deepEqual(harness.outstanding(tapi()).requests, 0);
      assert.equal(call.state, 'connected', 'the call is untouched');
      await call.release();
    });
  });
}
