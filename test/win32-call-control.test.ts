// The issue-12 functions of the win32 provider at the seam, against the ABI-exact fake Tapi32: the HCALL
// slots of lineSetupTransferW / lineCompleteTransfer kept in native memory until their LINE_REPLY, the
// lineGatherDigitsW buffers (a FIFO per call, decoded into gatheredDigits, freed), the LINEGENERATETONE and
// LINEMONITORTONE arrays, LINEADDRESSCAPS by version (grown and retried), and that every refusal leaks nothing.
import assert from 'node:assert/strict';
import {
  LINE_MESSAGE,
  LINECALLPRIVILEGE,
  LINECALLSTATE,
  LINEDIGITMODE,
  LINEGATHERTERM,
  LINEMEDIAMODE,
  LINETONEMODE,
  LINETRANSFERMODE,
  TAPI_VERSION,
} from '../lib/tapi/constants';
import { TapiError } from '../lib/tapi/errors';
import { Win32Provider } from '../lib/tapi/providers/win32';
import { fakeAvailable, fakeLibraryPath, loadFakeControl, type FakeControl } from './helpers/fake-tapi32';
import { Inbox } from './helpers/inbox';

const V22 = TAPI_VERSION.V2_2;

function refused(fn: () => unknown, code: string): void {
  assert.throws(fn, (e: unknown) => e instanceof TapiError && e.code === code, code);
}

describe('win32 provider: call control, digits, tones, media (issue 12) against the fake Tapi32', function () {
  let fake: FakeControl;
  let provider: Win32Provider | undefined;
  let inbox: Inbox;

  before(function () {
    assert.ok(fakeAvailable(), `the fake Tapi32 is not built (${fakeLibraryPath}): run npm run build:fake-tapi32`);
    fake = loadFakeControl();
  });

  beforeEach(function () {
    fake.reset();
    fake.setTimeScale(0);
    inbox = new Inbox();
  });

  afterEach(async function () {
    if (provider) {
      provider.shutdown();
      await provider.whenReleased();
      assert.equal(provider.outstandingBuffers(), 0, 'every native buffer released');
      provider = undefined;
    }
    assert.equal(fake.outstanding().misuse, 0, 'the fake saw no ABI misuse');
  });

  function start(): Win32Provider {
    provider = new Win32Provider({ libraryPath: fakeLibraryPath });
    provider.initialize('win32 call control test', inbox.handler);
    return provider;
  }

  function openLine(p: Win32Provider, deviceId = 0, privileges: number = LINECALLPRIVILEGE.OWNER): number {
    const version = p.negotiateApiVersion(deviceId, TAPI_VERSION.V1_4, V22);
    return p.open(deviceId, version, 9, privileges, LINEMEDIAMODE.INTERACTIVEVOICE);
  }

  async function connectedCall(p: Win32Provider, hLine: number, number = '5550100'): Promise<number> {
    const id = p.makeCall(hLine, number, 0, null);
    const reply = await inbox.reply(id);
    assert.equal(reply.param2, 0);
    const hCall = reply.newCall!;
    await inbox.state(hCall, LINECALLSTATE.CONNECTED);
    return hCall;
  }

  it('lineSetupTransferW: the lphConsultCall slot stays in native memory until the LINE_REPLY, which carries the consultation call', async function () {
    const p = start();
    const hLine = openLine(p);
    const hCall = await connectedCall(p, hLine);
    const baseline = p.outstandingBuffers();
    fake.holdReplies(true);
    const id = p.setupTransfer(hCall, { mediaMode: LINEMEDIAMODE.INTERACTIVEVOICE });
    assert.equal(p.outstandingBuffers(), baseline + 2, 'the slot and the LINECALLPARAMS are held by the request');
    assert.deepEqual(p.outstandingRequests(), { pending: 1, orphans: 0 });
    fake.holdReplies(false);
    const reply = await inbox.reply(id);
    assert.equal(reply.param2, 0);
    const consult = reply.newCall!;
    assert.ok(consult > 0 && consult !== hCall, 'newCall read from the lphConsultCall slot');
    assert.equal(p.outstandingBuffers(), baseline, 'freed at the reply');
    await inbox.state(hCall, LINECALLSTATE.ONHOLDPENDTRANSFER);
    const dialtone = await inbox.state(consult, LINECALLSTATE.DIALTONE);
    assert.equal(dialtone.param3, LINECALLPRIVILEGE.OWNER, 'the consultation call is ours');
    assert.ok(inbox.all.indexOf(reply) < inbox.all.indexOf(dialtone), 'no message for the new handle precedes its reply');
  });

  it('lineCompleteTransfer: the lphConfCall slot gives the conference call in conference mode, nothing in transfer mode', async function () {
    const p = start();
    const hLine = openLine(p);
    async function consultation(): Promise<{ held: number; consult: number }> {
      const held = await connectedCall(p, hLine);
      const reply = await inbox.reply(p.setupTransfer(held, null));
      const consult = reply.newCall!;
      await inbox.state(consult, LINECALLSTATE.DIALTONE);
      await inbox.reply(p.dial(consult, '5550100', 0));
      await inbox.state(consult, LINECALLSTATE.CONNECTED);
      return { held, consult };
    }
    const conf = await consultation();
    const confReply = await inbox.reply(p.completeTransfer(conf.held, conf.consult, LINETRANSFERMODE.CONFERENCE));
    assert.equal(confReply.param2, 0);
    const hConf = confReply.newCall!;
    assert.ok(hConf > 0 && hConf !== conf.held && hConf !== conf.consult);
    const conferenced = await inbox.state(conf.held, LINECALLSTATE.CONFERENCED);
    assert.equal(conferenced.param2, hConf, 'dwParam2 of CONFERENCED is the hConfCall');
    await inbox.state(hConf, LINECALLSTATE.CONNECTED);
    await inbox.reply(p.drop(hConf));
    await inbox.state(conf.consult, LINECALLSTATE.IDLE); // dropping the conference ends its members
    const tr = await consultation();
    const trReply = await inbox.reply(p.completeTransfer(tr.held, tr.consult, LINETRANSFERMODE.TRANSFER));
    assert.equal(trReply.param2, 0);
    assert.equal(trReply.newCall, undefined, 'transfer mode: the slot is ignored');
    await inbox.state(tr.held, LINECALLSTATE.IDLE);
    await inbox.state(tr.consult, LINECALLSTATE.IDLE);
    assert.equal(p.outstandingRequests().pending, 0);
  });

  it('async refusals (state, features, handles) throw before anything is kept', async function () {
    const p = start();
    const hLine = openLine(p);
    const hCall = await connectedCall(p, hLine);
    const before = p.outstandingBuffers();
    refused(() => p.accept(hCall), 'LINEERR_INVALCALLSTATE');
    refused(() => p.redirect(hCall, '5550123', 0), 'LINEERR_INVALCALLSTATE');
    refused(() => p.unhold(hCall), 'LINEERR_INVALCALLSTATE');
    refused(() => p.completeTransfer(hCall, hCall, LINETRANSFERMODE.TRANSFER), 'LINEERR_INVALCONSULTCALLHANDLE');
    refused(() => p.swapHold(hCall, 0x7777), 'LINEERR_INVALCALLHANDLE');
    refused(() => p.blindTransfer(hCall, '555;', 0), 'LINEERR_INVALADDRESS');
    refused(() => p.blindTransfer(hCall, 'a\0b', 0), 'LINEERR_INVALADDRESS');
    fake.failNext('lineSetupTransfer', 'CALLUNAVAIL', false);
    refused(() => p.setupTransfer(hCall, null), 'LINEERR_CALLUNAVAIL');
    const analog = openLine(p, 1);
    const a = await connectedCall(p, analog);
    refused(() => p.hold(a), 'LINEERR_OPERATIONUNAVAIL');
    refused(() => p.setupTransfer(a, null), 'LINEERR_OPERATIONUNAVAIL');
    assert.equal(p.outstandingBuffers(), before, 'nothing leaked by a refusal');
    assert.deepEqual(p.outstandingRequests(), { pending: 0, orphans: 0 });
    const held = await inbox.reply(p.hold(hCall));
    assert.equal(held.param2, 0);
    await inbox.state(hCall, LINECALLSTATE.ONHOLD);
  });

  it('lineGatherDigitsW: a FIFO of native buffers per call; a second gather completes the old one (CANCEL) with its digits', async function () {
    const p = start();
    const hLine = openLine(p);
    const hCall = await connectedCall(p, hLine);
    const baseline = p.outstandingBuffers();
    p.gatherDigits(hCall, LINEDIGITMODE.DTMF, { numDigits: 5, terminationDigits: '', firstDigitTimeout: 0, interDigitTimeout: 0 });
    fake.remoteDigits(hCall, '12', { interDigitMs: 0 });
    p.gatherDigits(hCall, LINEDIGITMODE.DTMF, { numDigits: 3, terminationDigits: '#', firstDigitTimeout: 0, interDigitTimeout: 0 });
    assert.equal(p.outstandingGathers() >= 1, true);
    fake.remoteDigits(hCall, '9#', { interDigitMs: 0 });
    await inbox.waitFor(() => inbox.of(hCall, LINE_MESSAGE.LINE_GATHERDIGITS).length === 2);
    const [first, second] = inbox.of(hCall, LINE_MESSAGE.LINE_GATHERDIGITS);
    assert.equal(first.param1, LINEGATHERTERM.CANCEL);
    assert.equal(first.gatheredDigits, '12', 'the old buffer, read when its message came');
    assert.equal(second.param1, LINEGATHERTERM.TERMDIGIT);
    assert.equal(second.gatheredDigits, '9#', 'the terminating digit is part of the digits');
    assert.equal(p.outstandingGathers(), 0);
    assert.equal(p.outstandingBuffers(), baseline, 'both buffers freed at their messages');
    // BUFFERFULL uses every slot: read n characters, not past them.
    p.gatherDigits(hCall, LINEDIGITMODE.DTMF, { numDigits: 2, terminationDigits: '', firstDigitTimeout: 0, interDigitTimeout: 0 });
    fake.remoteDigits(hCall, '4567', { interDigitMs: 0 });
    const full = await inbox.waitFor((m) => m.messageId === LINE_MESSAGE.LINE_GATHERDIGITS && m.param1 === LINEGATHERTERM.BUFFERFULL);
    assert.equal(full.gatheredDigits, '45');
    // FIRSTTIMEOUT: just U+0000.
    p.gatherDigits(hCall, LINEDIGITMODE.DTMF, { numDigits: 4, terminationDigits: '', firstDigitTimeout: 100, interDigitTimeout: 0 });
    const timeout = await inbox.waitFor((m) => m.messageId === LINE_MESSAGE.LINE_GATHERDIGITS && m.param1 === LINEGATHERTERM.FIRSTTIMEOUT);
    assert.equal(timeout.gatheredDigits, '');
    assert.equal(p.outstandingBuffers(), baseline);
  });

  it('lineGatherDigitsW: a refusal frees the buffer at once; a NULL cancel pushes nothing; shutdown frees what is outstanding', async function () {
    const p = start();
    const hLine = openLine(p);
    const hCall = await connectedCall(p, hLine);
    const baseline = p.outstandingBuffers();
    const request = { numDigits: 2, terminationDigits: '', firstDigitTimeout: 0, interDigitTimeout: 0 };
    refused(() => p.gatherDigits(hCall, LINEDIGITMODE.DTMF, { ...request, terminationDigits: 'x' }), 'LINEERR_INVALDIGITS');
    refused(() => p.gatherDigits(hCall, LINEDIGITMODE.DTMF, { ...request, firstDigitTimeout: 5 }), 'LINEERR_INVALTIMEOUT');
    refused(() => p.gatherDigits(hCall, LINEDIGITMODE.DTMF, { ...request, numDigits: 0 }), 'LINEERR_INVALPARAM');
    fake.failNext('lineGatherDigits', 'RESOURCEUNAVAIL', false);
    refused(() => p.gatherDigits(hCall, LINEDIGITMODE.DTMF, request), 'LINEERR_RESOURCEUNAVAIL');
    assert.equal(p.outstandingBuffers(), baseline);
    p.gatherDigits(hCall, LINEDIGITMODE.DTMF, null); // nothing running: no message, nothing pushed
    assert.equal(p.outstandingGathers(), 0);
    p.gatherDigits(hCall, LINEDIGITMODE.DTMF, request);
    p.gatherDigits(hCall, LINEDIGITMODE.DTMF, null);
    const cancelled = await inbox.waitFor((m) => m.messageId === LINE_MESSAGE.LINE_GATHERDIGITS);
    assert.equal(cancelled.param1, LINEGATHERTERM.CANCEL);
    assert.equal(cancelled.gatheredDigits, '');
    p.gatherDigits(hCall, LINEDIGITMODE.DTMF, request);
    assert.equal(p.outstandingGathers(), 1);
    assert.equal(p.outstandingBuffers(), baseline + 1, 'kept until its message or lineShutdown (afterEach checks the release)');
  });

  it('lineGenerateTone passes LINEGENERATETONE records; lineMonitorTones passes LINEMONITORTONE records', async function () {
    const p = start();
    const hLine = openLine(p);
    const hCall = await connectedCall(p, hLine);
    p.generateTone(hCall, LINETONEMODE.CUSTOM, 100, [
      { frequency: 440, cadenceOn: 100, cadenceOff: 0, volume: 0xffff },
      { frequency: 1209, cadenceOn: 100, cadenceOff: 0, volume: 0x8000 },
    ]);
    await inbox.waitFor((m) => m.messageId === LINE_MESSAGE.LINE_GENERATE && m.hDevice === hCall);
    assert.deepEqual(fake.generated(hCall).tones, [{ tone: 'custom', frequencies: [440, 1209], durationMs: 100, ended: 'done' }]);
    refused(
      () => p.generateTone(hCall, LINETONEMODE.CUSTOM, 0, [{ frequency: 1, cadenceOn: 1, cadenceOff: 0, volume: 0x10000 }]),
      'LINEERR_INVALTONE',
    );
    p.monitorTones(hCall, [
      { appSpecific: 0xabc, duration: 0, frequency1: 2100, frequency2: 0, frequency3: 0 },
      { appSpecific: 0xdef, duration: 0, frequency1: 480, frequency2: 620, frequency3: 0 },
    ]);
    fake.remoteTone(hCall, [620, 480]);
    const tone = await inbox.waitFor((m) => m.messageId === LINE_MESSAGE.LINE_MONITORTONE);
    assert.equal(tone.param1, 0xdef, 'dwAppSpecific of the matching entry');
    p.monitorTones(hCall, null);
    p.monitorMedia(hCall, LINEMEDIAMODE.G3FAX);
    fake.remoteMedia(hCall, 'G3FAX');
    const media = await inbox.waitFor((m) => m.messageId === LINE_MESSAGE.LINE_MONITORMEDIA);
    assert.equal(media.param1, LINEMEDIAMODE.G3FAX);
  });

  it('lineGetAddressCapsW: fixed part by version, fields newer than it read 0, strings and the device-class list decoded', function () {
    const p = start();
    const full = p.getAddressCaps(0, 0, V22);
    assert.equal(full.address, '+1 (555) 010-0000');
    assert.deepEqual(full.deviceClasses, ['tapi/line', 'wave/in', 'wave/out'], 'line 0 has wave devices (issue 14)');
    assert.deepEqual(p.getAddressCaps(1, 0, V22).deviceClasses, ['tapi/line'], 'the analog line has none');
    assert.equal(full.transferModes, LINETRANSFERMODE.TRANSFER | LINETRANSFERMODE.CONFERENCE);
    assert.equal(full.maxNumOnHoldCalls, 2);
    assert.ok(full.callFeatures2 !== 0 && full.availableMediaModes !== 0 && full.addressFeatures !== 0);
    const v14 = p.getAddressCaps(0, 0, TAPI_VERSION.V1_4);
    assert.ok(v14.addressFeatures !== 0, '1.4 has dwAddressFeatures');
    assert.equal(v14.callFeatures2, 0, 'nothing of 2.0 is read from a 1.4 structure');
    assert.deepEqual(v14.deviceClasses, []);
    const v13 = p.getAddressCaps(1, 0, TAPI_VERSION.V1_3);
    assert.equal(v13.addressFeatures, 0, '1.3 ends before dwAddressFeatures');
    assert.equal(v13.maxNumOnHoldCalls, 0, 'the analog line holds nothing');
    refused(() => p.getAddressCaps(0, 5, V22), 'LINEERR_INVALADDRESSID');
    refused(() => p.getAddressCaps(7, 0, V22), 'LINEERR_BADDEVICEID');
  });

  it('privilege, media mode, hand-off and app priority: synchronous, LINEERR on refusal', async function () {
    const p = start();
    const owner = openLine(p, 0, LINECALLPRIVILEGE.OWNER | LINECALLPRIVILEGE.MONITOR);
    const hCall = await connectedCall(p, owner);
    refused(() => p.setCallPrivilege(hCall, 0x8), 'LINEERR_INVALCALLPRIVILEGE');
    refused(() => p.setCallPrivilege(hCall, LINECALLPRIVILEGE.MONITOR), 'LINEERR_INVALCALLSTATE');
    refused(() => p.setMediaMode(hCall, 0), 'LINEERR_INVALMEDIAMODE');
    p.setMediaMode(hCall, LINEMEDIAMODE.AUTOMATEDVOICE);
    await inbox.waitFor((m) => m.messageId === LINE_MESSAGE.LINE_CALLINFO && m.hDevice === hCall);
    refused(() => p.handoff(hCall, null, LINEMEDIAMODE.INTERACTIVEVOICE), 'LINEERR_TARGETSELF');
    refused(() => p.handoff(hCall, 'other.exe', 0), 'LINEERR_TARGETNOTFOUND');
    refused(() => p.setAppPriority('C:\\node.exe', LINEMEDIAMODE.INTERACTIVEVOICE, 0, 1), 'LINEERR_INVALAPPNAME');
    refused(() => p.setAppPriority('node.exe', LINEMEDIAMODE.INTERACTIVEVOICE, 0, 2), 'LINEERR_INVALPARAM');
    p.setAppPriority('node.exe', LINEMEDIAMODE.INTERACTIVEVOICE, 0, 0);
  });
});
