// Contract: digits, tones and media on a call (issue 12) through lib/tapi's public surface, on every provider.
import assert from 'node:assert/strict';
import { setAppPriority, TapiError, type Call, type DigitEvent, type MediaEvent, type Tapi, type ToneEvent } from '../../lib/tapi';
import type { ProviderHarness } from '../harness/types';
import { WAIT_MS, collect, connected, nextCall, namesStateAndFeatures, offered, rejectsWith, throwsWith, tick, itWith } from './helpers';

const digitsOf = (events: DigitEvent[]) => events.map((e) => e.digit).join('');

export function describeSignalsContract(harness: ProviderHarness, getTapi: () => Tapi): void {
  describe('digits, tones and media', function () {
    const tapi = () => getTapi();

    it('5550108: monitorDigits delivers 1 2 3 4 # in order on the call and on the line', async function () {
      const line = await tapi().openLine(0);
      const call = await line.makeCall('5550108');
      call.monitorDigits();
      const onCall = collect<DigitEvent>(call, 'digit', 5);
      const onLine: Array<[Call, DigitEvent]> = [];
      line.on('digit', (c: Call, e: DigitEvent) => onLine.push([c, e]));
      const events = await onCall;
      assert.equal(digitsOf(events), '1234#');
      assert.ok(events.every((e) => e.mode === 'dtmf' && e.at instanceof Date));
      assert.deepEqual(
        onLine.map(([c, e]) => [c, e.digit]),
        events.map((e) => [call, e.digit]),
      );
      await call.release();
    });

    itWith(
      harness,
      ['sameBatchDigits'],
      'digits in the same batch as the state that enables them are all delivered, after that state',
      async function () {
        const line = await tapi().openLine(0, { privileges: 'owner' });
        const call = await offered(harness, tapi(), line);
        call.monitorDigits(['dtmf']);
        const order: string[] = [];
        line.on('callstate', (_c: Call, e: { state: string }) => order.push(`state:${e.state}`));
        line.on('digit', (_c: Call, e: DigitEvent) => order.push(`line:${e.digit}`));
        const late: string[] = [];
        // Attached only when 'connected' is seen: the digits of the same batch still reach it.
        call.on('state', (e: { state: string }) => {
          if (e.state === 'connected') call.on('digit', (d: DigitEvent) => late.push(d.digit));
        });
        const answering = call.answer();
        answering.catch(() => undefined); // awaited below
        harness.remoteDigits(tapi(), call, '159', { interDigitMs: 0 });
        await answering;
        await call.waitFor(['connected'], WAIT_MS);
        await tick();
        await tick();
        assert.deepEqual(order, ['state:connected', 'line:1', 'line:5', 'line:9']);
        assert.deepEqual(late, ['1', '5', '9']);
        await call.release();
      },
    );

    itWith(
      harness,
      ['simulatedLines', 'pulseDigits'],
      'monitorDigits([]) stops; the analog line detects pulse digits only; refused once disconnected',
      async function () {
        const line = await tapi().openLine(0);
        const call = await connected(line);
        call.monitorDigits(['dtmf']);
        const first = collect<DigitEvent>(call, 'digit', 1);
        harness.remoteDigits(tapi(), call, '7', { interDigitMs: 0 });
        assert.equal((await first)[0].digit, '7');
        call.monitorDigits([]);
        const none: DigitEvent[] = [];
        call.on('digit', (e: DigitEvent) => none.push(e));
        harness.remoteDigits(tapi(), call, '8', { interDigitMs: 0 });
        await new Promise((r) => setTimeout(r, 30));
        assert.deepEqual(none, []);
        throwsWith(() => call.monitorDigits(['morse' as never]), 'LINEERR_INVALDIGITMODE', 'lineMonitorDigits');
        harness.remoteHangup(tapi(), call, 'NORMAL');
        await call.waitFor(['disconnected'], WAIT_MS);
        namesStateAndFeatures(
          throwsWith(() => call.monitorDigits(['dtmf']), 'LINEERR_INVALCALLSTATE', 'lineMonitorDigits'),
          'disconnected',
        );
        await call.release();

        const analog = await tapi().openLine(1);
        const a = await connected(analog);
        const error = throwsWith(() => a.monitorDigits(['dtmf']), 'LINEERR_INVALDIGITMODE', 'lineMonitorDigits');
        assert.match(error.message, /pulse/);
        a.monitorDigits(['pulse']);
        const pulsed = collect<DigitEvent>(a, 'digit', 2);
        harness.remoteDigits(tapi(), a, '42', { interDigitMs: 0, mode: 'pulse' });
        const got = await pulsed;
        assert.equal(digitsOf(got), '42');
        assert.ok(got.every((e) => e.mode === 'pulse'));
        await a.release();
      },
    );

    itWith(
      harness,
      ['sameBatchDigits'],
      'gatherDigits ends on a terminating digit (which is part of the digits) and when the buffer is full',
      async function () {
        const line = await tapi().openLine(0);
        const call = await connected(line);
        const byTerminator = call.gatherDigits({ maxDigits: 10, terminators: '#*' });
        harness.remoteDigits(tapi(), call, '12#9', { interDigitMs: 0 });
        assert.deepEqual(await byTerminator, { digits: '12#', termination: 'termdigit' });
        const byCount = call.gatherDigits({ maxDigits: 3 });
        harness.remoteDigits(tapi(), call, '4567', { interDigitMs: 0 });
        assert.deepEqual(await byCount, { digits: '456', termination: 'bufferfull' });
        await call.release();
      },
    );

    it('5550108: a gather started on the connected state collects 1 2 3 4 #', async function () {
      const line = await tapi().openLine(0);
      const call = await line.makeCall('5550108');
      const gathered = new Promise<unknown>((resolve) => {
        call.on('state', (e: { state: string }) => {
          if (e.state === 'connected') resolve(call.gatherDigits({ maxDigits: 8, terminators: '#' }));
        });
      });
      assert.deepEqual(await gathered, { digits: '1234#', termination: 'termdigit' });
      await call.release();
    });

    it('gatherDigits times out: no first digit, then a gap after a digit', async function () {
      const line = await tapi().openLine(0);
      const call = await connected(line);
      assert.deepEqual(await call.gatherDigits({ maxDigits: 4, firstTimeoutMs: 200 }), { digits: '', termination: 'firsttimeout' });
      const pending = call.gatherDigits({ maxDigits: 4, interTimeoutMs: 300 });
      harness.remoteDigits(tapi(), call, '5', { interDigitMs: 0 });
      assert.deepEqual(await pending, { digits: '5', termination: 'intertimeout' });
      await call.release();
    });

    itWith(
      harness,
      ['sameBatchDigits'],
      'a second gather cancels the first (with its digits so far); cancelGather ends the running one',
      async function () {
        const line = await tapi().openLine(0);
        const call = await connected(line);
        const first = call.gatherDigits({ maxDigits: 5 });
        first.catch(() => undefined); // awaited below, after other awaits: never an unhandled rejection meanwhile
        harness.remoteDigits(tapi(), call, '12', { interDigitMs: 0 });
        await new Promise((r) => setTimeout(r, 20));
        const second = call.gatherDigits({ maxDigits: 2 });
        second.catch(() => undefined); // awaited below
        assert.deepEqual(await first, { digits: '12', termination: 'cancel' });
        harness.remoteDigits(tapi(), call, '9#', { interDigitMs: 0 });
        assert.deepEqual(await second, { digits: '9#', termination: 'bufferfull' });
        const third = call.gatherDigits({ maxDigits: 4 });
        call.cancelGather();
        assert.deepEqual(await third, { digits: '', termination: 'cancel' });
        call.cancelGather(); // nothing running: no-op
        await call.release();
      },
    );

    it('gatherDigits is refused with bad parameters, before connecting, by a monitor, and when idle', async function () {
      const line = await tapi().openLine(0, { privileges: ['owner', 'monitor'] });
      const call = await connected(line);
      await rejectsWith(call.gatherDigits({ maxDigits: 0 }), 'LINEERR_INVALPARAM', 'lineGatherDigits');
      await rejectsWith(call.gatherDigits({ maxDigits: 2, terminators: 'x' }), 'LINEERR_INVALDIGITS', 'lineGatherDigits');
      await rejectsWith(call.gatherDigits({ maxDigits: 2, firstTimeoutMs: -5 }), 'LINEERR_INVALPARAM', 'lineGatherDigits');
      const incoming = await offered(harness, tapi(), line);
      namesStateAndFeatures(
        await rejectsWith(incoming.gatherDigits({ maxDigits: 2 }), 'LINEERR_OPERATIONUNAVAIL', 'lineGatherDigits'),
        'offering',
      );
      await incoming.release();
      const watcher = await tapi().openLine(0, { privileges: 'monitor' });
      const watched = nextCall(watcher);
      const other = await connected(line);
      const monitored = await watched;
      await monitored.waitFor(['connected'], WAIT_MS);
      await rejectsWith(monitored.gatherDigits({ maxDigits: 2 }), 'LINEERR_NOTOWNER', 'lineGatherDigits');
      await other.release();
      await call.drop();
      await call.waitFor(['idle'], WAIT_MS);
      await tick();
      await rejectsWith(call.gatherDigits({ maxDigits: 2 }), 'LINEERR_INVALCALLSTATE', 'lineGatherDigits');
      call.deallocate();
    });

    it('generateDigits: done, heard by the far end in order; queued requests run one after the other', async function () {
      const line = await tapi().openLine(0);
      const call = await connected(line);
      const [a, b] = await Promise.all([call.generateDigits('12,3'), call.generateDigits('#*', { durationMs: 50 })]);
      assert.equal(a, 'done');
      assert.equal(b, 'done');
      assert.equal(harness.generated(tapi(), call).digits, '123#*');
      await rejectsWith(call.generateDigits('12x'), 'LINEERR_INVALDIGITS', 'lineGenerateDigits');
      await call.release();
      await rejectsWith(call.generateDigits('1'), 'LINEERR_INVALCALLHANDLE', 'lineGenerateDigits');
    });

    it('5550109 hangs up on the first generated digit: the generation ends cancelled', async function () {
      const line = await tapi().openLine(0);
      const call = await line.makeCall('5550109');
      await call.waitFor(['connected'], WAIT_MS);
      await tick();
      assert.equal(await call.generateDigits('5'), 'cancel');
      const end = await call.waitFor(['disconnected'], WAIT_MS);
      assert.equal(end.mode, 'normal');
      assert.equal(harness.generated(tapi(), call).digits, '5');
      await call.release();
    });

    itWith(
      harness,
      ['simulatedLines', 'pulseDigits'],
      'generateDigits is refused before connecting and on the analog line in DTMF (pulse works there)',
      async function () {
        const line = await tapi().openLine(0, { privileges: 'owner' });
        const incoming = await offered(harness, tapi(), line);
        namesStateAndFeatures(
          await rejectsWith(incoming.generateDigits('1'), 'LINEERR_OPERATIONUNAVAIL', 'lineGenerateDigits'),
          'offering',
        );
        await incoming.release();
        const analog = await tapi().openLine(1);
        const a = await connected(analog);
        await rejectsWith(a.generateDigits('1'), 'LINEERR_INVALDIGITMODE', 'lineGenerateDigits');
        assert.equal(await a.generateDigits('90', { mode: 'pulse' }), 'done');
        assert.equal(harness.generated(tapi(), a).digits, '90');
        await a.release();
      },
    );

    itWith(harness, ['tones'], 'generateTone: standard and custom tones end done; bad tones are refused by name', async function () {
      const line = await tapi().openLine(0);
      const call = await connected(line);
      assert.equal(await call.generateTone('beep', 200), 'done');
      assert.equal(
        await call.generateTone(
          [
            { frequency: 440, cadenceOn: 100, cadenceOff: 0, volume: 0x8000 },
            { frequency: 350, cadenceOn: 100, cadenceOff: 0, volume: 0x8000 },
          ],
          100,
        ),
        'done',
      );
      const tones = harness.generated(tapi(), call).tones;
      assert.deepEqual(
        tones.map((t) => [t.tone, t.frequencies, t.ended]),
        [
          ['beep', [], 'done'],
          ['custom', [440, 350], 'done'],
        ],
      );
      await rejectsWith(call.generateTone('siren' as never, 100), 'LINEERR_INVALTONEMODE', 'lineGenerateTone');
      await rejectsWith(call.generateTone([], 100), 'LINEERR_INVALTONE', 'lineGenerateTone');
      await rejectsWith(
        call.generateTone([{ frequency: 440, cadenceOn: 1, cadenceOff: 0, volume: 0x10000 }], 100),
        'LINEERR_INVALTONE',
        'lineGenerateTone',
      );
      // A tone until cancelled ends 'cancel' when the call ends.
      const endless = call.generateTone('ringback');
      endless.catch(() => undefined); // awaited below
      await call.drop();
      assert.equal(await endless, 'cancel');
      await call.release();
      const analog = await tapi().openLine(1);
      const a = await connected(analog);
      await rejectsWith(a.generateTone('billing', 100), 'LINEERR_INVALTONEMODE', 'lineGenerateTone');
      const two = [
        { frequency: 440, cadenceOn: 1, cadenceOff: 0, volume: 1 },
        { frequency: 480, cadenceOn: 1, cadenceOff: 0, volume: 1 },
      ];
      await rejectsWith(a.generateTone(two, 100), 'LINEERR_INVALPOINTER', 'lineGenerateTone');
      await a.release();
    });

    itWith(
      harness,
      ['tones'],
      'monitorTones: a matching far-end tone raises a tone event with its id; others and stopped lists do not',
      async function () {
        const line = await tapi().openLine(0);
        const call = await connected(line);
        call.monitorTones([
          { id: 'busy', durationMs: 100, frequencies: [480, 620] },
          { id: 7, durationMs: 0, frequencies: [1100] },
        ]);
        const heard = collect<ToneEvent>(call, 'tone', 2);
        harness.remoteTone(tapi(), call, [620, 480]);
        harness.remoteTone(tapi(), call, [2100]);
        harness.remoteTone(tapi(), call, [1100]);
        assert.deepEqual((await heard).map((e) => e.id).sort(), [7, 'busy'].sort());
        call.monitorTones([]);
        const after: ToneEvent[] = [];
        call.on('tone', (e: ToneEvent) => after.push(e));
        harness.remoteTone(tapi(), call, [1100]);
        await new Promise((r) => setTimeout(r, 30));
        assert.deepEqual(after, []);
        throwsWith(() => call.monitorTones([{ id: 1, durationMs: 0, frequencies: [1, 2, 3, 4] }]), 'LINEERR_INVALTONE', 'lineMonitorTones');
        await call.release();
      },
    );

    itWith(
      harness,
      ['mediaDetection'],
      '5550110: monitorMedia reports the fax tone; without monitoring nothing is reported',
      async function () {
        const line = await tapi().openLine(0);
        const call = await line.makeCall('5550110');
        call.monitorMedia(['g3fax']);
        const media = await collect<MediaEvent>(call, 'media', 1);
        assert.equal(media[0].mediaMode, 'g3fax');
        await call.release();
        const quiet = await line.makeCall('5550110');
        const none: MediaEvent[] = [];
        quiet.on('media', (e: MediaEvent) => none.push(e));
        await quiet.waitFor(['connected'], WAIT_MS);
        harness.remoteMedia(tapi(), quiet, 'G3FAX');
        await new Promise((r) => setTimeout(r, 30));
        assert.deepEqual(none, []);
        throwsWith(() => quiet.monitorMedia(['telepathy']), 'LINEERR_INVALMEDIAMODE', 'lineMonitorMedia');
        await quiet.release();
        const analog = await tapi().openLine(1);
        const a = await connected(analog);
        throwsWith(() => a.monitorMedia(['g3fax']), 'LINEERR_INVALMEDIAMODE', 'lineMonitorMedia');
        await a.release();
      },
    );

    it('presentIncomingCall({ digits }): the caller presses them after the call is answered', async function () {
      const line = await tapi().openLine(0, { privileges: 'owner' });
      const call = await offered(harness, tapi(), line, { digits: '42#' });
      call.monitorDigits();
      await call.answer();
      assert.equal(digitsOf(await collect<DigitEvent>(call, 'digit', 3)), '42#');
      await call.release();
    });

    it('setAppPriority is explicit, validated, and never called by opening a line', async function () {
      assert.throws(
        () => setAppPriority(tapi(), { appFilename: 'C:\\node\\node.exe', first: true }),
        (e: unknown) => e instanceof TapiError && e.code === 'LINEERR_INVALAPPNAME',
      );
      assert.throws(
        () => setAppPriority(tapi(), { mediaMode: 'telepathy', first: true }),
        (e: unknown) => e instanceof TapiError && e.code === 'LINEERR_INVALMEDIAMODE',
      );
      setAppPriority(tapi(), { first: true });
      setAppPriority(tapi(), { first: false });
    });
  });
}
