// Issue 10, items (2) and (6) at the policy level: the readings of a dial string, the access code, and
// /regexp/ patterns that could stall the event loop.
import assert from 'node:assert/strict';
import { DialPolicy } from '../lib/tapi/dial-policy';
import { dialReadings } from '../lib/tapi/dial-tails';
import { TapiValidationError } from '../lib/tapi/errors';
import { unsafeRegExpReason } from '../lib/tapi/safe-regexp';

describe('dial policy readings (issue 10 item 2)', function () {
  const deny = new DialPolicy({ deny: ['1900.', '+1900.'] });

  for (const number of [
    '9W19005550100',
    '9,1-900-555-0100',
    '*6719005550100',
    '*82 1-900-555-0100',
    '#31#19005550100',
    '5550100!19005550100',
    '5550100W19005550100',
  ]) {
    it(`refuses ${number} (a 1-900 number behind a modifier or a service code)`, function () {
      assert.equal(deny.isAllowed(number), false);
    });
  }

  it('refuses the parts of a partial dial that make 1-900 (the ; between parts is a boundary)', function () {
    assert.throws(() => deny.checkPartial('5550100;1900;'), /ADDRESSBLOCKED/);
    assert.throws(() => deny.checkNumber('555;19005550100'), /ADDRESSBLOCKED/);
    deny.checkPartial('1;9;');
  });

  it('looks behind the access code only when one is configured', function () {
    const withCode = new DialPolicy({ deny: ['1900.'], accessCode: '9' });
    assert.equal(withCode.isAllowed('919005550100'), false);
    assert.equal(withCode.isAllowed('9*67919005550100'), false, 'service code and access code in any order');
    assert.equal(deny.isAllowed('919005550100'), true);
    assert.equal(withCode.accessCode, '9');
  });

  it('refuses an invalid access code with a TapiValidationError', function () {
    for (const code of ['9a', '123456789', {}, 'W', -1] as unknown[]) {
      assert.throws(() => new DialPolicy({ accessCode: code as string }), TapiValidationError, String(code));
    }
  });

  it('keeps allow patterns on the whole number', function () {
    const allow = new DialPolicy({ allow: ['555XXXX'] });
    assert.equal(allow.isAllowed('5550100'), true);
    assert.equal(allow.isAllowed('9W5550100'), false, 'a modifier prefix is part of what is dialled');
  });

  it('gives every reading, each a suffix of the digits, at most length + 1 of them', function () {
    const readings = dialReadings('9W*6719005550100', '9');
    assert.ok(readings.includes('9*6719005550100'));
    assert.ok(readings.includes('*6719005550100'));
    assert.ok(readings.includes('19005550100'));
    const long = dialReadings('1W'.repeat(120) + '*12#'.repeat(4), '1');
    assert.ok(long.length <= 257, `${long.length} readings`);
  });
});

describe('dial policy /regexp/ patterns (issue 10 item 6)', function () {
  it("refuses the issue's /(1+)+2/ at creation with a named TapiValidationError", function () {
    assert.throws(
      () => new DialPolicy({ deny: ['/(1+)+2/'] }),
      (error: unknown) =>
        error instanceof TapiValidationError && error.code === 'ERR_TAPI_VALIDATION' && /nested or overlapping/.test(error.message),
    );
  });

  const refused = [
    '/(1+)+2/',
    '/(1*)*2/',
    '/(1|11)+2/',
    '/(a|a)*/',
    '/(\\d+)*$/',
    '/(?:1{2,})+/',
    '/\\d*\\d*\\d*2/',
    '/(1)\\1/',
    '/(?=1)1/',
    '/1{1,1000}1{1,1000}1{1,1000}/',
    '/[0-9*#]*1{0,32}1{0,32}[0-9]*2/',
    '/1?1?1?1?1?1?1?1?1?1?1?1?1?1?1?1?\\d*2/',
    '/' + '1'.repeat(300) + '/',
  ];
  for (const pattern of refused) {
    it(`refuses ${pattern.length > 40 ? pattern.slice(0, 40) + '…' : pattern}`, function () {
      assert.throws(() => new DialPolicy({ deny: [pattern] }), TapiValidationError);
    });
  }

  const accepted = ['/1900[0-9]{7}/', '/0900\\d+|0137\\d+/', '/(1|2)3/', '/\\+?1900\\d*/', '/(00|011)\\d{6,}/', '/[*#]\\d{2,3}#?/'];
  for (const pattern of accepted) {
    it(`accepts ${pattern}`, function () {
      assert.equal(unsafeRegExpReason(pattern.slice(1, -1)), undefined);
      new DialPolicy({ deny: [pattern] });
    });
  }

  it('the accepted patterns still match what they say', function () {
    const policy = new DialPolicy({ deny: ['/0900\\d+|0137\\d+/'] });
    assert.equal(policy.isAllowed('09001234'), false);
    assert.equal(policy.isAllowed('5550100W01371234'), false, 'regexps look behind modifiers too');
    assert.equal(policy.isAllowed('5550100'), true);
  });
});
