import assert from 'node:assert/strict';
import { parseAddress, validateDialable, type DialCapabilities } from '../lib/tapi/address';
import { DialPolicy } from '../lib/tapi/dial-policy';
import { TapiError, TapiValidationError } from '../lib/tapi/errors';
import { toLineDevice } from '../lib/tapi/line-device';
import { OutgoingDigits } from '../lib/tapi/outgoing';
import type { LineDevCaps } from '../lib/tapi/provider';
import { looksLikeSipUri, parseSipDestination } from '../lib/tapi/sip-address';

const SIP_LINE: DialCapabilities = { dialBilling: false, dialQuiet: false, dialDialtone: false, partialDial: false, sipUri: true };
const PLAIN_LINE: DialCapabilities = { dialBilling: true, dialQuiet: true, dialDialtone: true, partialDial: true };

function refusedWith(fn: () => unknown, code: string, includes: string | RegExp, operation = 'lineMakeCall'): void {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof TapiError, `expected TapiError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code);
  assert.equal(caught.operation, operation);
  if (typeof includes === 'string') assert.ok(caught.message.includes(includes), `"${caught.message}" should name "${includes}"`);
  else assert.match(caught.message, includes);
}

function invalid(uri: string, includes: string | RegExp): void {
  refusedWith(() => parseSipDestination(uri), 'LINEERR_INVALADDRESS', includes);
}

describe('SIP addresses: parseSipDestination', function () {
  it('reads a Fritz!Box internal number', function () {
    const d = parseSipDestination('sip:**610@fritz.box');
    assert.deepEqual(d, { scheme: 'sip', user: '**610', number: '**610', host: 'fritz.box', params: {}, uri: 'sip:**610@fritz.box' });
  });

  it('accepts the scheme and host in any case and writes them in lower case', function () {
    const d = parseSipDestination('SIP:110@PBX.Example.COM');
    assert.equal(d.scheme, 'sip');
    assert.equal(d.host, 'pbx.example.com');
    assert.equal(d.uri, 'sip:110@pbx.example.com');
    assert.equal(parseSipDestination('SiPs:+4930123@sip.example.com').scheme, 'sips');
  });

  it('reads port, IPv4, IPv6 and the allowed parameters', function () {
    const d = parseSipDestination('sips:+4930123456@sip.example.com:5061;transport=TLS');
    assert.equal(d.port, 5061);
    assert.deepEqual(d.params, { transport: 'tls' });
    assert.equal(d.uri, 'sips:+4930123456@sip.example.com:5061;transport=tls');
    assert.equal(parseSipDestination('sip:110@10.0.0.1;user=phone').uri, 'sip:110@10.0.0.1;user=phone');
    assert.equal(parseSipDestination('sip:110@[2001:DB8::1]:5070').host, '[2001:db8::1]');
    assert.equal(parseSipDestination('sip:110@[::ffff:192.0.2.1]').host, '[::ffff:192.0.2.1]');
    assert.deepEqual(parseSipDestination('sip:110@pbx;lr;ob').params, { lr: null, ob: null });
  });

  it('decodes the user part and writes it escaped only where needed', function () {
    const d = parseSipDestination('sip:%2B4930@x');
    assert.equal(d.number, '+4930');
    assert.equal(d.uri, 'sip:+4930@x');
    const hash = parseSipDestination('sip:*31%23110@x');
    assert.equal(hash.number, '*31#110');
    assert.equal(hash.uri, 'sip:*31%23110@x');
    assert.equal(parseSipDestination('sip:*31#110@x').uri, 'sip:*31%23110@x');
  });

  it('tells phone numbers from other user parts', function () {
    assert.equal(parseSipDestination('sip:+1-206-555-0100@x').number, '+1-206-555-0100');
    assert.equal(parseSipDestination('sip:(030)123@x').number, '(030)123');
    for (const uri of ['sip:alice@example.com', 'sip:door.bell@10.0.0.5', 'sip:example.com', 'sip:ABC@x', 'sip:1+2@x', 'sip:--@x']) {
      const d = parseSipDestination(uri);
      assert.equal(d.number, undefined, uri);
    }
    assert.equal(parseSipDestination('sip:example.com').user, '');
    assert.equal(parseSipDestination('sip:example.com').uri, 'sip:example.com');
  });

  describe('hostile destinations are refused, naming why', function () {
    const cases: Array<[string, string | RegExp]> = [
      ['sip:110%00@x', 'escaped control character U+0000 (%00)'],
      ['sip:110%0d%0aVia%20evil@x', 'escaped control character U+000D'],
      ['sip:110@x\r\nVia: evil', 'control character U+000D'],
      ['sip:110\0@x', 'control character U+0000'],
      ['sip:110@x\x7f', 'control character U+007F'],
      ['sip:1%3b2@x', "';' in the user part"],
      ['sip:1%3B2@x', "';' in the user part"],
      ['sip:1;2@x', "';' in the user part"],
      ['sip:+1900;postd=1@x;user=phone', "';' in the user part"],
      ['sip:110@x?Subject=hi', "URI headers ('?')"],
      ['sip:110@x;user=phone?Call-Info=evil', "URI headers ('?')"],
      ['sip:110%3f@x', "'?' in the user part"],
      ['sip:alice:secret@example.com', 'a password in the URI'],
      ['sip:110:@x', 'a password in the URI'],
      ['<sip:110@x>', 'angle brackets'],
      ['sip:<110>@x', 'angle brackets'],
      ['"Door" <sip:110@x>', 'quotes'],
      [' sip:110@x', 'whitespace'],
      ['sip:110@x ', 'whitespace'],
      ['sip: 110@x', 'whitespace'],
      ['sip:110\t@x', 'control character U+0009'],
      ['sip:110@x\n', 'control character U+000A'],
      ['sip:11\u00e40@x', 'non-ASCII character U+00E4'],
      ['sip:11%C3%A40@x', 'escaped non-ASCII byte %C3'],
      ['sip:11%zz@x', 'malformed %-escape'],
      ['sip:11%4@x', 'malformed %-escape'],
      ['sip:110@x%2eevil', "'%' in the host"],
      ['sip:a@b@x', "more than one '@'"],
      ['sip:@x', 'empty user part'],
      ['sip:110@', 'no host'],
      ['sip:110@x:0', 'bad port "0"'],
      ['sip:110@x:65536', 'bad port "65536"'],
      ['sip:110@x:50a', 'bad port'],
      ['sip:110@x:', 'bad port'],
      ['sip:110@-x.com', 'not a host name'],
      ['sip:110@x_y', 'not a host name'],
      ['sip:110@999.1.1.1', 'not a host name or IPv4'],
      ['sip:110@x.123', 'not a host name or IPv4'],
      ['sip:110@[::1', "'[' without ']'"],
      ['sip:110@[1::2::3]', 'not an IPv6 address'],
      ['sip:110@[1.2.3.4]', 'not an IPv6 address'],
      ['sip:110@x;maddr=evil.example', 'URI parameter ";maddr" is not allowed'],
      ['sip:110@x;METHOD=BYE', 'URI parameter ";method" is not allowed'],
      ['sip:110@x;transport=udp;transport=tcp', 'given twice'],
      ['sip:110@x;transport=carrier-pigeon', 'bad value for URI parameter ";transport"'],
      ['sip:110@x;lr=1', 'bad value for URI parameter ";lr"'],
      ['sip:110@x;user', 'bad value for URI parameter ";user"'],
      ['sip:110@x;', 'empty URI parameter'],
      ['sip:110@x;;lr', 'empty URI parameter'],
      ['sip:11[0]@x', "'[' is not allowed in the user part"],
      ['sip:' + '1'.repeat(300) + '@x', 'longer than 256'],
    ];
    for (const [uri, why] of cases) {
      it(JSON.stringify(uri), function () {
        invalid(uri, why);
      });
    }
  });

  it('looksLikeSipUri recognises the attempts the SIP reader must judge', function () {
    for (const text of ['sip:1@x', 'SIPS:1@x', ' sip:1@x', '<sip:1@x>', '"a" <sip:1@x>', '\tsip:1@x']) {
      assert.equal(looksLikeSipUri(text), true, JSON.stringify(text));
    }
    for (const text of ['5550100', '555<1>', 'tel:+1555', 'sipx:1@x', 'zip:1', '', null, 42]) {
      assert.equal(looksLikeSipUri(text), false, JSON.stringify(text));
    }
  });
});

describe('SIP addresses: the dialable-address check', function () {
  it('a SIP URI is refused on a line that does not declare SIP', function () {
    refusedWith(() => validateDialable('sip:110@x', PLAIN_LINE), 'LINEERR_INVALADDRESS', 'this line does not dial SIP URIs');
    refusedWith(
      () => validateDialable('SIP:110@x', PLAIN_LINE, 'lineRedirect'),
      'LINEERR_INVALADDRESS',
      'does not dial SIP',
      'lineRedirect',
    );
  });

  it('on a SIP line the URI is one destination, never partial, written canonically', function () {
    const parsed = validateDialable('SIP:**610@Fritz.Box', SIP_LINE);
    assert.equal(parsed.partial, false);
    assert.equal(parsed.canonical, false);
    assert.deepEqual(parsed.destinations, [{ number: 'sip:**610@fritz.box' }]);
    assert.equal(parsed.sip?.number, '**610');
    refusedWith(() => validateDialable('sip:110@x;', SIP_LINE), 'LINEERR_INVALADDRESS', 'empty URI parameter');
    refusedWith(() => validateDialable('sip:110@x\r\nsip:111@x', SIP_LINE), 'LINEERR_INVALADDRESS', 'control character U+000D');
  });

  it('numbers keep their own grammar on a SIP line', function () {
    assert.equal(validateDialable('555-0100', SIP_LINE).destinations[0].number, '555-0100');
    assert.equal(validateDialable('555-0100', SIP_LINE).sip, undefined);
    assert.equal(parseAddress('sip:110@x').sip?.host, 'x');
  });

  it('the line device carries sipUri only when the provider sets it', function () {
    const caps = { deviceId: 0, name: 'SIP', devCapFlags: 0, bearerModes: 1, mediaModes: 0x10 } as unknown as LineDevCaps;
    assert.equal(Object.hasOwn(toLineDevice(caps).capabilities, 'sipUri'), false);
    assert.equal(toLineDevice({ ...caps, sipUri: true }).capabilities.sipUri, true);
  });
});

describe('SIP addresses: the dial policy', function () {
  function blocked(policy: DialPolicy, uri: string, includes = 'dial policy'): void {
    refusedWith(() => policy.check(uri), 'LINEERR_ADDRESSBLOCKED', includes);
    assert.equal(policy.isAllowed(uri), false);
  }

  it('judges the user part as the dialled number: deny patterns, readings, access code', function () {
    const policy = new DialPolicy({ deny: ['1900.', '+1900.', '00.'], accessCode: '9' });
    for (const uri of [
      'sip:19005550100@x',
      'sip:1-900-555-0100@x',
      'sip:%31%39%30%30%35%35%35%30%31%30%30@x',
      'sip:*6719005550100@x',
      'sips:#31#19005550100@x',
      'sip:919005550100@x',
      'sip:+19005550100@carrier.example;user=phone',
      'SIP:0049301234@X',
    ]) {
      blocked(policy, uri);
    }
    policy.check('sip:**610@fritz.box');
    policy.check('sip:5550100@x');
    assert.equal(policy.isAllowed('sip:110@x;user=phone'), true);
  });

  it('allow patterns must match the whole user part', function () {
    const policy = new DialPolicy({ allow: ['**6XX', '110'] });
    policy.check('sip:**610@fritz.box');
    policy.check('sip:110@x');
    blocked(policy, 'sip:**710@fritz.box');
    blocked(policy, 'sip:1101@x');
    blocked(policy, 'sip:**6100@fritz.box');
  });

  it('refuses a user part that is not a phone number unless allowSipUris is set', function () {
    const strict = new DialPolicy();
    blocked(strict, 'sip:alice@example.com', 'not a phone number');
    blocked(strict, 'sip:example.com', 'not a phone number');
    blocked(strict, 'sip:ABC@x', 'not a phone number');
    const open = new DialPolicy({ allowSipUris: true, allow: ['110'] });
    open.check('sip:alice@example.com');
    open.check('sip:door.bell@10.0.0.5');
    open.check('sip:110@x');
    blocked(open, 'sip:112@x');
  });

  it('hostile syntax is refused even with allowSipUris', function () {
    const open = new DialPolicy({ allowSipUris: true });
    for (const uri of [
      'sip:1%3b2@x',
      'sip:alice%00@x',
      'sip:alice@x?Route=evil',
      'sip:alice:pw@x',
      '<sip:alice@x>',
      'sip:alice@x;method=BYE',
    ]) {
      refusedWith(() => open.check(uri), 'LINEERR_INVALADDRESS', 'SIP URI refused');
      assert.equal(open.isAllowed(uri), false);
    }
  });

  it('allowSipUris must be a boolean', function () {
    assert.throws(() => new DialPolicy({ allowSipUris: 'yes' as unknown as boolean }), TapiValidationError);
    assert.equal(new DialPolicy({}).allowSipUris, false);
  });

  it('a SIP URI is judged whole by checkNumber, checkPartial and allowsNumber', function () {
    const policy = new DialPolicy({ deny: ['1900.'] });
    refusedWith(() => policy.checkNumber('sip:19001@x'), 'LINEERR_ADDRESSBLOCKED', 'dial policy', 'lineDial');
    refusedWith(() => policy.checkPartial('sip:19001@x'), 'LINEERR_ADDRESSBLOCKED', 'dial policy', 'lineDial');
    assert.equal(policy.allowsNumber('sip:19001@x'), false);
    assert.equal(policy.allowsNumber('sip:1800@x'), true);
  });
});

describe('SIP addresses: requests that send a destination', function () {
  function digits(policy: DialPolicy): OutgoingDigits {
    return new OutgoingDigits(
      () => policy,
      () => SIP_LINE,
    );
  }

  it('redirect and transfer to a SIP URI are judged by the user part', function () {
    const out = digits(new DialPolicy({ deny: ['1900.'] }));
    assert.equal(out.judge({ operation: 'lineRedirect', address: 'sip:**610@fritz.box', kind: 'new' }), 'sip:**610@fritz.box');
    refusedWith(
      () => out.judge({ operation: 'lineBlindTransfer', address: 'sip:%2A67%31900123@x', kind: 'new' }),
      'LINEERR_ADDRESSBLOCKED',
      'dial policy',
      'lineBlindTransfer',
    );
  });

  it('no digits are appended to a SIP URI, and no SIP URI to digits', function () {
    const out = digits(new DialPolicy());
    out.dialled = 'sip:1@x';
    refusedWith(
      () => out.judge({ operation: 'lineDial', address: '900', kind: 'append' }),
      'LINEERR_INVALADDRESS',
      'cannot be continued',
      'lineDial',
    );
    out.dialled = '555;';
    refusedWith(
      () => out.judge({ operation: 'lineDial', address: 'sip:1@x', kind: 'append' }),
      'LINEERR_INVALADDRESS',
      'cannot be continued',
      'lineDial',
    );
    out.dialled = '';
    assert.equal(out.judge({ operation: 'lineDial', address: 'sip:1@x', kind: 'append' }), 'sip:1@x');
  });

  it('ending dialling after a SIP URI judges the URI once more', function () {
    const out = digits(new DialPolicy({ deny: ['1900.'] }));
    out.dialled = 'sip:19001@x';
    refusedWith(
      () => out.judge({ operation: 'lineDial', address: '', kind: 'append' }),
      'LINEERR_ADDRESSBLOCKED',
      'dial policy',
      'lineDial',
    );
  });
});
