// Bounded, seeded fuzzing of the dial policy (issue 10): no denied number may ever reach a provider,
// however it is prefixed, decorated or split. Policy-level properties first (thousands of cases, no
// provider), then real calls on the simulator and on win32 over the fake Tapi32, checked against what
// crossed the provider seam and (win32) the fake's own record of the last destination.
import assert from 'node:assert/strict';
import { DialPolicy, TapiError, type Call, type Tapi } from '../../lib/tapi';
import { simulatorHarness } from '../harness/simulator';
import { win32Harness } from '../harness/win32';
import type { ProviderHarness } from '../harness/types';
import { loadFakeControl } from '../helpers/fake-tapi32';
import { openRecordingTapi, type SentDestination } from '../helpers/recording-tapi';
import { dialString, deniedCore, format, MODIFIERS, pieces, prefix, SERVICE_CODES } from './generators';
import { reachesDenied } from './network-oracle';
import { fuzzSeed, Random } from './random';

const DENY = ['1900.', '+1900.', '00.'];
const POLICY_CASES = 3000;
const CALLS_PER_PROVIDER = 400;

describe('fuzz: dial policy (seeded)', function () {
  const seed = fuzzSeed();

  it(`no prefix, modifier or service code hides a denied number (${POLICY_CASES} cases, seed ${seed})`, function () {
    const r = new Random(seed);
    for (const accessCode of ['', '9', '0']) {
      const policy = new DialPolicy({ deny: DENY, accessCode });
      for (let i = 0; i < POLICY_CASES / 3; i++) {
        const core = deniedCore(r);
        // A denied number right after a modifier, a service code or the access code: always a reading.
        const lead = r.pick([
          () => prefix(r, accessCode) + r.pick(MODIFIERS),
          () => r.pick(SERVICE_CODES),
          () => (accessCode ? accessCode : r.pick(MODIFIERS)),
          () => '',
        ])();
        const text = lead + format(r, core);
        if (core.startsWith('+') && lead !== '' && !/[W,@$!w]$/.test(lead)) continue; // '+' only starts a number
        let verdict: boolean;
        try {
          verdict = policy.isAllowed(text);
        } catch (error) {
          assert.fail(`seed ${seed} case ${i}: ${JSON.stringify(text)} threw ${String(error)}`);
        }
        assert.equal(verdict, false, `seed ${seed} case ${i}: ${JSON.stringify(text)} (access code ${accessCode || 'none'}) was allowed`);
      }
    }
  });

  it(`the policy agrees with an independent network model on random strings (seed ${seed})`, function () {
    const r = new Random(seed ^ 0x5a5a);
    const policy = new DialPolicy({ deny: DENY, accessCode: '9' });
    let refused = 0;
    for (let i = 0; i < POLICY_CASES; i++) {
      const { text } = dialString(r, '9');
      let allowed: boolean;
      try {
        allowed = policy.isAllowed(text);
      } catch {
        continue;
      }
      if (!allowed) refused++;
      if (allowed)
        assert.equal(
          reachesDenied(text, '9'),
          false,
          `seed ${seed} case ${i}: ${JSON.stringify(text)} allowed but reads as a denied number`,
        );
    }
    assert.ok(refused > POLICY_CASES / 4, `the generator does produce denied numbers (${refused} refused)`);
  });

  for (const harness of [simulatorHarness, win32Harness] as ProviderHarness[]) {
    describe(`calls on ${harness.name}`, function () {
      let tapi: Tapi;
      let sent: SentDestination[];

      before(function () {
        assert.ok(harness.available(), `${harness.name} is not available`);
      });
      beforeEach(async function () {
        harness.reset();
        ({ tapi, sent } = await openRecordingTapi(harness));
      });
      afterEach(async function () {
        await tapi.shutdown();
        assert.deepEqual(harness.outstanding(tapi), { lines: 0, calls: 0, requests: 0 });
      });

      it(`${CALLS_PER_PROVIDER} random calls dialled in pieces, concurrently: nothing denied reaches the provider (seed ${seed})`, async function () {
        this.timeout(25_000);
        const r = new Random(seed ^ (harness === win32Harness ? 0x77 : 0x33));
        const accessCode = '9';
        const line = await tapi.openLine(0, { privileges: 'owner', dialPolicy: { deny: DENY, accessCode } });
        const fake = harness === win32Harness ? loadFakeControl() : undefined;
        let blocked = 0;
        let completed = 0;
        for (let i = 0; i < CALLS_PER_PROVIDER; i++) {
          sent.length = 0;
          const { text } = dialString(r, accessCode);
          const parts = pieces(r, text);
          const first = r.chance(0.3) ? null : (parts.shift() as string);
          let call: Call;
          try {
            call = await line.makeCall(first);
          } catch (error) {
            assert.ok(error instanceof TapiError, String(error));
            if (error.code === 'LINEERR_ADDRESSBLOCKED') blocked++;
            assert.ok(!sent.some((e) => e.fn === 'lineMakeCall'), `seed ${seed} call ${i}: a refused makeCall was sent`);
            continue;
          }
          if (fake) assert.equal(fake.lastDestAddress(), first, 'the fake received exactly what was sent');
          const dials = r.chance(0.5)
            ? await Promise.allSettled(parts.map((p) => call.dial(p)))
            : await parts.reduce<Promise<PromiseSettledResult<void>[]>>(
                async (acc, p) => [...(await acc), ...(await Promise.allSettled([call.dial(p)]))],
                Promise.resolve([]),
              );
          for (const d of dials) {
            if (d.status === 'rejected') {
              assert.ok(d.reason instanceof TapiError, String(d.reason));
              if (d.reason.code === 'LINEERR_ADDRESSBLOCKED') blocked++;
            }
          }
          const onCall =
            (sent.find((e) => e.fn === 'lineMakeCall')?.address ?? '') +
            sent
              .filter((e) => e.fn === 'lineDial')
              .map((e) => e.address)
              .join('');
          assert.equal(
            reachesDenied(onCall, accessCode),
            false,
            `seed ${seed} call ${i}: ${JSON.stringify(parts)} sent ${JSON.stringify(onCall)}`,
          );
          if (!onCall.endsWith(';') && dials.every((d) => d.status === 'fulfilled')) completed++;
          await call.release();
        }
        assert.ok(blocked > CALLS_PER_PROVIDER / 4, `denied attempts were refused (${blocked})`);
        assert.ok(completed > 0, `harmless numbers still get through (${completed})`);
      });
    });
  }
});
