// The SIP provider's pure parts: status -> state / disconnect mode, dial string -> request URI, caller / called
// ids, the line's capabilities, the options and the digit collector.
import assert from 'node:assert/strict';
import {
  LINECALLFEATURE as F,
  LINECALLPARTYID,
  LINECALLPRIVILEGE,
  LINECALLSTATE as S,
  LINEDISCONNECTMODE as D,
  LINEGATHERTERM,
  LINETRANSFERMODE,
  LINE_MESSAGE,
  nameOf,
} from '../lib/tapi/constants';
import { TapiError, TapiValidationError } from '../lib/tapi/errors';
import type { SipClock, SipRequest, SipTimer } from '../lib/tapi/providers/sip/core/types';
import { disconnectModeOf, failedCall, provisionalState } from '../lib/tapi/providers/sip/status-map';
import { dialledPart, sipTarget } from '../lib/tapi/providers/sip/target';
import { callerIdOf, calledIdOf, idOfUri } from '../lib/tapi/providers/sip/identity';
import { parseNameAddr } from '../lib/tapi/providers/sip/name-addr';
import { sipAddressCaps, sipCallFeatures, sipDevCaps, SIP_CALL_FEATURES } from '../lib/tapi/providers/sip/sip-caps';
import { validateSipOptions } from '../lib/tapi/providers/sip/options';
import { CallDigits, digitFromInfo, keyOf } from '../lib/tapi/providers/sip/sip-digits';

function lineErr(fn: () => unknown, code: string): TapiError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof TapiError, `expected ${code}, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return error;
  }
  assert.fail(`expected ${code}`);
}

function invite(headers: Array<[string, string]>): SipRequest {
  return {
    kind: 'request',
    method: 'INVITE',
    uri: 'sip:100@example.com',
    headers: headers.map(([name, value]) => ({ name, value })),
    body: Buffer.alloc(0),
  };
}

class TestClock implements SipClock {
  private at = 0;
  private next = 1;
  private readonly timers = new Map<number, { due: number; fn: () => void }>();
  now(): number {
    return this.at;
  }
  setTimeout(fn: () => void, ms: number): SipTimer {
    const id = this.next++;
    this.timers.set(id, { due: this.at + ms, fn });
    return { id };
  }
  clearTimeout(timer: SipTimer): void {
    this.timers.delete(timer.id);
  }
  advance(ms: number): void {
    const end = this.at + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, t]) => t.due <= end).sort((a, b) => a[1].due - b[1].due)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.at = due[1].due;
      due[1].fn();
    }
    this.at = end;
  }
  get size(): number {
    return this.timers.size;
  }
}

describe('SIP provider: status map', function () {
  it('maps provisional responses: 100 -> proceeding, 180/183 -> ringback, others no change', function () {
    assert.equal(provisionalState(100)?.state, S.PROCEEDING);
    assert.equal(provisionalState(180)?.state, S.RINGBACK);
    assert.equal(provisionalState(183)?.state, S.RINGBACK);
    assert.equal(provisionalState(181), undefined);
    assert.equal(provisionalState(182), undefined);
  });

  const table: Array<[number, number]> = [
    [486, D.BUSY],
    [600, D.BUSY],
    [603, D.REJECT],
    [404, D.BADADDRESS],
    [484, D.BADADDRESS],
    [604, D.BADADDRESS],
    [408, D.NOANSWER],
    [480, D.NOANSWER],
    [503, D.CONGESTION],
    [488, D.INCOMPATIBLE],
    [606, D.INCOMPATIBLE],
    [302, D.FORWARDED],
    [403, D.UNKNOWN],
    [500, D.UNKNOWN],
    [487, D.UNKNOWN],
  ];
  for (const [status, mode] of table) {
    it(`${status} -> disconnected(${nameOf(D, mode)?.toLowerCase()})`, function () {
      assert.equal(disconnectModeOf(status), mode);
      const failed = failedCall(status, 'Reason');
      assert.equal(failed.disconnectMode, mode);
      assert.equal(failed.states[failed.states.length - 1].state, S.DISCONNECTED);
      assert.equal(failed.states[failed.states.length - 1].mode, mode);
      assert.equal(failed.comment, `SIP ${status} Reason`);
    });
  }

  it('reports busy before disconnected(busy) for 486 and 600 only', function () {
    assert.deepEqual(
      failedCall(486, 'Busy Here').states.map((s) => s.state),
      [S.BUSY, S.DISCONNECTED],
    );
    assert.deepEqual(
      failedCall(600, 'Busy Everywhere').states.map((s) => s.state),
      [S.BUSY, S.DISCONNECTED],
    );
    assert.deepEqual(
      failedCall(603, 'Decline').states.map((s) => s.state),
      [S.DISCONNECTED],
    );
  });

  it('a failure the user agent made up (no response) is unreachable, not busy or no answer', function () {
    const failed = failedCall(408, 'Request Timeout', true);
    assert.equal(failed.disconnectMode, D.UNREACHABLE);
    assert.deepEqual(
      failed.states.map((s) => s.state),
      [S.DISCONNECTED],
    );
    assert.match(failed.comment, /no SIP response/);
  });
});

describe('SIP provider: destinations', function () {
  const op = 'lineMakeCall';
  it('puts the digits the network sees on the account domain', function () {
    assert.equal(sipTarget('5550100', 'example.com', op).uri, 'sip:5550100@example.com');
    assert.equal(sipTarget('+1 (206) 555-1234', 'example.com', op).uri, 'sip:+12065551234@example.com');
    assert.equal(sipTarget('**610', 'fritz.box', op).uri, 'sip:**610@fritz.box');
    assert.equal(sipTarget('12#', '127.0.0.1:5070', op).uri, 'sip:12%23@127.0.0.1:5070');
    assert.equal(sipTarget('555-0100', 'example.com', op).calledId, '5550100');
    assert.equal(sipTarget('5550100^Front desk', 'example.com', op).calledIdName, 'Front desk');
  });

  it('dials sip: and sips: URIs in the canonical form the dial policy judged', function () {
    assert.equal(sipTarget('sip:alice@example.org', 'example.com', op).uri, 'sip:alice@example.org');
    assert.equal(sipTarget('sips:bob@[::1]:5061;transport=tls', 'example.com', op).uri, 'sips:bob@[::1]:5061;transport=tls');
    assert.equal(sipTarget('SIP:100@10.0.0.1', 'example.com', op).uri, 'sip:100@10.0.0.1');
  });

  it('refuses everything else with LINEERR_INVALADDRESS', function () {
    for (const bad of [
      'tel:+4930123',
      'mailto:a@b',
      'sip:',
      'sip:alice@',
      'sip:alice:secret@example.org',
      'sip:alice@example.org?Replaces=abc',
      'sip:alice@example.org;method=REGISTER',
      'sip:ali ce@example.org',
      'sip:a@b\r\nX: y',
      '123|45',
      '123\r\n456',
      '555;',
      '()',
      '',
    ]) {
      lineErr(() => sipTarget(bad, 'example.com', op), 'LINEERR_INVALADDRESS');
    }
  });

  it('refuses the modifiers nothing waits for on SIP, with their own codes', function () {
    lineErr(() => sipTarget('555$1', 'example.com', op), 'LINEERR_DIALBILLING');
    lineErr(() => sipTarget('555@1', 'example.com', op), 'LINEERR_DIALQUIET');
    lineErr(() => sipTarget('9W5551', 'example.com', op), 'LINEERR_DIALDIALTONE');
    lineErr(() => sipTarget('12?3', 'example.com', op), 'LINEERR_DIALPROMPT');
  });

  it('collects a partial number locally', function () {
    assert.deepEqual(dialledPart('555;', op), { digits: '555', partial: true, name: undefined });
    assert.deepEqual(dialledPart(';', op), { digits: '', partial: true, name: undefined });
    assert.equal(dialledPart('01 00', op).partial, false);
  });
});

describe('SIP provider: caller and called id', function () {
  it('reads name-addr and addr-spec', function () {
    assert.deepEqual(parseNameAddr('"Front door" <sip:201@fritz.box>;tag=1'), { displayName: 'Front door', uri: 'sip:201@fritz.box' });
    assert.deepEqual(parseNameAddr('Alice <sip:alice@example.com>'), { displayName: 'Alice', uri: 'sip:alice@example.com' });
    assert.deepEqual(parseNameAddr('<sip:a@b>'), { displayName: undefined, uri: 'sip:a@b' });
    assert.deepEqual(parseNameAddr('sip:a@b;tag=9'), { uri: 'sip:a@b' });
    assert.deepEqual(parseNameAddr('"A \\"q\\" <x>" <sip:a@b>'), { displayName: 'A "q" <x>', uri: 'sip:a@b' });
    assert.equal(parseNameAddr('"broken <sip:a@b'), undefined);
  });

  it('takes the caller from P-Asserted-Identity before From', function () {
    const req = invite([
      ['from', '"Someone" <sip:999@example.com>;tag=a'],
      ['to', '<sip:100@example.com>'],
      ['p-asserted-identity', '"Front door" <sip:+4930123456@example.com>'],
    ]);
    assert.deepEqual(callerIdOf(req), { id: '+4930123456', name: 'Front door', flags: LINECALLPARTYID.ADDRESS | LINECALLPARTYID.NAME });
    const plain = invite([['from', '<sip:alice@example.org>;tag=a']]);
    assert.deepEqual(callerIdOf(plain), { id: 'sip:alice@example.org', name: '', flags: LINECALLPARTYID.ADDRESS });
  });

  it('takes the called party from P-Called-Party-ID before To', function () {
    const req = invite([
      ['to', '<sip:620@fritz.box>'],
      ['p-called-party-id', '<sip:0301234567@fritz.box>'],
    ]);
    assert.equal(calledIdOf(req).id, '0301234567');
    assert.equal(calledIdOf(invite([['to', '"Me" <sip:620@fritz.box>']])).id, '620');
    assert.equal(calledIdOf(invite([['to', '"Me" <sip:620@fritz.box>']])).name, 'Me');
  });

  it('reports an anonymous caller as blocked', function () {
    assert.equal(callerIdOf(invite([['from', '"Anonymous" <sip:anonymous@anonymous.invalid>;tag=x']])).flags, LINECALLPARTYID.BLOCKED);
    const priv = invite([
      ['from', '<sip:123@example.com>;tag=x'],
      ['privacy', 'id'],
    ]);
    assert.deepEqual(callerIdOf(priv), { id: '', name: '', flags: LINECALLPARTYID.BLOCKED });
    assert.equal(callerIdOf(invite([])).flags, LINECALLPARTYID.UNKNOWN);
  });

  it('reads tel: URIs and strips visual separators; drops control characters from names', function () {
    assert.equal(idOfUri('tel:+1-206-555-0199;phone-context=x'), '+12065550199');
    assert.equal(idOfUri('sip:%2B4930@example.com'), '+4930');
    const req = invite([['from', `"Bad${String.fromCharCode(7)}Name" <sip:1@a>`]]);
    assert.equal(callerIdOf(req).name, 'BadName');
  });
});

describe('SIP provider: capabilities', function () {
  const line = { deviceId: 0, name: 'SIP 620@fritz.box', address: '620', switchInfo: 'fritz.box', maxCalls: 4 };
  it('offers what SIP does and nothing it does not', function () {
    const caps = sipAddressCaps(line, 0x20002);
    for (const bit of [
      F.ANSWER,
      F.DROP,
      F.HOLD,
      F.UNHOLD,
      F.BLINDTRANSFER,
      F.SETUPTRANSFER,
      F.COMPLETETRANSF,
      F.REDIRECT,
      F.GENERATEDIGITS,
      F.MONITORDIGITS,
      F.GATHERDIGITS,
    ]) {
      assert.ok(caps.callFeatures & bit, nameOf(F, bit));
    }
    for (const bit of [F.SWAPHOLD, F.GENERATETONE, F.MONITORTONES, F.MONITORMEDIA, F.SETUPCONF]) {
      assert.equal(caps.callFeatures & bit, 0, nameOf(F, bit));
    }
    assert.equal(caps.transferModes, LINETRANSFERMODE.TRANSFER, 'consultation transfer, no conference');
    assert.deepEqual(caps.deviceClasses, ['tapi/line', 'wave/in', 'wave/out']);
    const dev = sipDevCaps(line, 0x20002);
    assert.equal(dev.name, 'SIP 620@fritz.box');
    assert.equal(dev.generateToneModes, 0);
    assert.equal(dev.maxNumActiveCalls, 4);
  });

  it('gives each state the features it has now', function () {
    const owner = LINECALLPRIVILEGE.OWNER;
    const base = { privilege: owner, dialComplete: true, busy: false, media: true };
    assert.equal(sipCallFeatures({ ...base, state: S.OFFERING }), F.ACCEPT | F.ANSWER | F.REDIRECT | F.DROP | F.MONITORDIGITS);
    const connected = sipCallFeatures({ ...base, state: S.CONNECTED });
    assert.equal(connected, F.DROP | F.MONITORDIGITS | F.GATHERDIGITS | F.GENERATEDIGITS | F.HOLD | F.BLINDTRANSFER | F.SETUPTRANSFER);
    assert.equal(sipCallFeatures({ ...base, state: S.CONNECTED, busy: true }) & (F.HOLD | F.BLINDTRANSFER | F.SETUPTRANSFER), 0);
    assert.equal(sipCallFeatures({ ...base, state: S.ONHOLDPENDTRANSFER }), F.DROP | F.MONITORDIGITS | F.UNHOLD | F.COMPLETETRANSF);
    assert.equal(sipCallFeatures({ ...base, state: S.ONHOLDPENDTRANSFER, busy: true }), F.DROP | F.MONITORDIGITS);
    assert.equal(sipCallFeatures({ ...base, state: S.ONHOLD }), F.DROP | F.MONITORDIGITS | F.UNHOLD);
    assert.equal(sipCallFeatures({ ...base, state: S.DIALTONE, dialComplete: false }) & F.DIAL, F.DIAL);
    assert.equal(sipCallFeatures({ ...base, state: S.DISCONNECTED }), F.DROP);
    assert.equal(sipCallFeatures({ ...base, state: S.IDLE }), 0);
    assert.equal(sipCallFeatures({ ...base, state: S.CONNECTED, privilege: LINECALLPRIVILEGE.MONITOR }), F.MONITORDIGITS);
    assert.equal(connected & ~SIP_CALL_FEATURES, 0);
  });
});

describe('SIP provider: options', function () {
  function refuses(raw: unknown, pattern: RegExp): void {
    assert.throws(
      () => validateSipOptions(raw),
      (e: unknown) => e instanceof TapiValidationError && pattern.test(e.message),
    );
  }

  it('fills in the defaults', function () {
    const o = validateSipOptions({ accounts: [{ uri: 'sip:620@fritz.box', password: 'pw' }] });
    assert.deepEqual(o.accounts[0], {
      uri: 'sip:620@fritz.box',
      transport: 'udp',
      register: true,
      expires: 600,
      acceptOnlyFromRegistrar: true,
      password: 'pw',
    });
    assert.deepEqual(o.lines[0], { name: 'SIP 620@fritz.box', maxCalls: 4 });
    const p2p = validateSipOptions({ accounts: [{ uri: 'sips:a@b.example', register: false }] });
    assert.equal(p2p.accounts[0].transport, 'tls');
    assert.deepEqual(p2p.accounts[0].tls, { rejectUnauthorized: true });
    assert.equal(p2p.accounts[0].acceptOnlyFromRegistrar, false);
  });

  it('names the field and never echoes a password', function () {
    refuses(undefined, /sip options must be an object/);
    refuses({ accounts: [] }, /sip.accounts must be a non-empty array/);
    refuses({ accounts: [{}] }, /sip.accounts\[0\].uri is required/);
    refuses({ accounts: [{ uri: 'tel:123' }] }, /uri must be sip:user@domain/);
    refuses({ accounts: [{ uri: 'sip:a@b', transport: 'ws' }] }, /transport must be "udp", "tcp" or "tls"/);
    refuses({ accounts: [{ uri: 'sip:a@b', localPort: 70000 }] }, /localPort must be an integer from 0 to 65535/);
    refuses({ accounts: [{ uri: 'sip:a@b', bindAddress: 'localhost' }] }, /bindAddress must be an IPv4 or IPv6 address/);
    refuses({ accounts: [{ uri: 'sip:a@b', registrar: 'a b' }] }, /registrar must be host or host:port/);
    refuses({ accounts: [{ uri: 'sip:a@b', displayName: 'x\r\nVia: evil' }] }, /displayName must not contain control characters/);
    refuses({ accounts: [{ uri: 'sip:a@b', pasword: 'x' }] }, /sip.accounts\[0\].pasword is not a SIP option/);
    refuses({ accounts: [{ uri: 'sip:a@b', expires: 1 }] }, /expires must be an integer from 10 to 86400/);
    refuses({ accounts: [{ uri: 'sip:a@b' }, { uri: 'sip:a@b' }] }, /is already the name of another line/);
    refuses({ accounts: [{ uri: 'sip:a@b' }], rtp: { portRange: [5000, 4000] } }, /portRange/);
    try {
      validateSipOptions({ accounts: [{ uri: 'sip:a@b', password: 'hunter2\n' }] });
      assert.fail('accepted');
    } catch (error) {
      assert.ok(error instanceof TapiValidationError);
      assert.doesNotMatch(error.message, /hunter2/);
    }
  });
});

describe('SIP provider: digits', function () {
  it('reads INFO bodies: dtmf-relay and dtmf', function () {
    assert.equal(digitFromInfo('application/dtmf-relay', 'Signal=5\r\nDuration=160\r\n'), '5');
    assert.equal(digitFromInfo('Application/DTMF-Relay; charset=x', 'signal= #\r\n'), '#');
    assert.equal(digitFromInfo('application/dtmf-relay', 'Signal=11\r\nDuration=100'), '#');
    assert.equal(digitFromInfo('application/dtmf', '10'), '*');
    assert.equal(digitFromInfo('application/dtmf-relay', 'Duration=100'), undefined);
    assert.equal(digitFromInfo('text/plain', 'Signal=5'), undefined);
    assert.equal(keyOf('x'), undefined);
    assert.equal(keyOf('16'), undefined);
  });

  it('monitors and gathers: buffer full, termination digit, timeouts, cancel', function () {
    const clock = new TestClock();
    const posted: Array<{ hCall: number; id: number; p1: number; p2: number; digits?: string }> = [];
    const digits = new CallDigits(
      clock,
      (hCall, id, p1, p2, _p3, extra) => posted.push({ hCall, id, p1, p2, digits: extra?.gatheredDigits }),
      () => clock.now(),
    );
    digits.monitor(7, 0x2);
    digits.heard('5');
    assert.deepEqual(posted.shift(), { hCall: 7, id: LINE_MESSAGE.LINE_MONITORDIGITS, p1: 0x35, p2: 0x2, digits: undefined });
    digits.startGather(7, { numDigits: 3, terminationDigits: '#', firstDigitTimeout: 0, interDigitTimeout: 0 });
    digits.monitor(7, 0);
    digits.heard('1');
    digits.heard('#');
    assert.deepEqual(posted.shift(), { hCall: 7, id: LINE_MESSAGE.LINE_GATHERDIGITS, p1: LINEGATHERTERM.TERMDIGIT, p2: 0, digits: '1#' });
    digits.startGather(7, { numDigits: 2, terminationDigits: '', firstDigitTimeout: 0, interDigitTimeout: 0 });
    digits.heard('1');
    digits.heard('2');
    assert.equal(posted.shift()?.p1, LINEGATHERTERM.BUFFERFULL);
    digits.startGather(7, { numDigits: 4, terminationDigits: '', firstDigitTimeout: 1000, interDigitTimeout: 500 });
    clock.advance(999);
    assert.equal(posted.length, 0);
    clock.advance(1);
    assert.deepEqual(posted.shift(), { hCall: 7, id: LINE_MESSAGE.LINE_GATHERDIGITS, p1: LINEGATHERTERM.FIRSTTIMEOUT, p2: 0, digits: '' });
    digits.startGather(7, { numDigits: 4, terminationDigits: '', firstDigitTimeout: 1000, interDigitTimeout: 500 });
    digits.heard('9');
    clock.advance(500);
    assert.deepEqual(posted.shift(), { hCall: 7, id: LINE_MESSAGE.LINE_GATHERDIGITS, p1: LINEGATHERTERM.INTERTIMEOUT, p2: 0, digits: '9' });
    digits.startGather(7, { numDigits: 4, terminationDigits: '', firstDigitTimeout: 1000, interDigitTimeout: 0 });
    digits.startGather(7, { numDigits: 4, terminationDigits: '', firstDigitTimeout: 0, interDigitTimeout: 0 });
    assert.equal(posted.shift()?.p1, LINEGATHERTERM.CANCEL);
    digits.end(true);
    assert.equal(posted.shift()?.p1, LINEGATHERTERM.CANCEL);
    assert.equal(clock.size, 0, 'no timer left');
    digits.heard('1');
    assert.equal(posted.length, 0, 'nothing monitored after idle');
  });
});
