// Issue 10 on the win32 provider over the fake Tapi32, plus what only the fake can inject
// (lineGetMessage and lineShutdown failures: the simulator has no message pump and cannot fail to shut down).
import assert from 'node:assert/strict';
import { openTapi, type CallStateEvent } from '../lib/tapi';
import type { CleanupFailure } from '../lib/tapi/cleanup';
import { describeHardening } from './contract/hardening';
import { win32Harness } from './harness/win32';
import { loadFakeControl } from './helpers/fake-tapi32';

describeHardening(win32Harness);

describe('hardening (issue 10): win32 faults only the fake Tapi32 can inject', function () {
  before(function () {
    assert.ok(win32Harness.available(), 'the fake Tapi32 is not built');
  });
  beforeEach(() => win32Harness.reset());
  afterEach(() => win32Harness.reset());

  it('(11) lineGetMessage failing 3 times: the pump backs off, recovers, and loses no message', async function () {
    const fake = loadFakeControl();
    const tapi = await openTapi(win32Harness.tapiOptions());
    try {
      const line = await tapi.openLine(0, { privileges: 'owner' });
      const states: string[] = [];
      line.on('callstate', (_call: unknown, e: CallStateEvent) => states.push(e.state));
      fake.failTimes('lineGetMessage', 3, 'LINEERR_NOMEM');
      const call = await line.makeCall('5550106');
      await call.waitFor(['disconnected'], 15_000);
      assert.equal(fake.faultHits('lineGetMessage'), 3, 'every injected failure was met by a read (and no more reads failed)');
      const expected = ['dialtone', 'dialing', 'proceeding', 'ringback', 'connected', 'disconnected'];
      assert.deepEqual(
        call.history.map((e) => e.state),
        expected,
      );
      // Messages that queued up during the back-off arrive in one batch; its events are emitted after it.
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(states, expected);
      await call.release();
      assert.equal(fake.outstanding().misuse, 0);
    } finally {
      await tapi.shutdown();
    }
  });

  it('(7) lineShutdown failing twice is retried: TAPI is shut down', async function () {
    const fake = loadFakeControl();
    const tapi = await openTapi(win32Harness.tapiOptions());
    const failures: CleanupFailure[] = [];
    tapi.on('cleanuperror', (f: CleanupFailure) => failures.push(f));
    await tapi.openLine(0, { privileges: 'owner' });
    fake.failTimes('lineShutdown', 2, 'LINEERR_RESOURCEUNAVAIL');
    await tapi.shutdown();
    assert.equal(fake.faultHits('lineShutdown'), 2);
    assert.deepEqual(failures, []);
    assert.deepEqual({ ...fake.outstanding(), misuse: 0 }, { apps: 0, lines: 0, calls: 0, requests: 0, messages: 0, misuse: 0 });
  });

  it('(7) lineShutdown failing every time is reported as cleanuperror', async function () {
    const fake = loadFakeControl();
    const tapi = await openTapi(win32Harness.tapiOptions());
    const failures: CleanupFailure[] = [];
    tapi.on('cleanuperror', (f: CleanupFailure) => failures.push(f));
    fake.failTimes('lineShutdown', 100, 'LINEERR_RESOURCEUNAVAIL');
    await tapi.shutdown();
    assert.equal(failures.length, 1);
    assert.equal(failures[0].operation, 'lineShutdown');
    assert.equal((failures[0].error as { code?: string }).code, 'LINEERR_RESOURCEUNAVAIL');
    fake.failTimes('lineShutdown', 0, 0);
  });
});
