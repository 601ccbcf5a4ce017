import assert from 'node:assert/strict';
import { DialPolicy } from '../lib/tapi/dial-policy';
import { TapiError, TapiValidationError } from '../lib/tapi/errors';

function blocked(fn: () => unknown, operation = 'lineMakeCall'): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof TapiError);
    assert.equal(error.code, 'LINEERR_ADDRESSBLOCKED');
    assert.equal(error.value, 0x80000053);
    assert.equal(error.operation, operation);
    return true;
  });
}

function invalidPattern(pattern: string): void {
  assert.throws(
    () => new DialPolicy({ deny: [pattern] }),
    (error: unknown) => error instanceof TapiValidationError && error.message.includes(JSON.stringify(pattern)),
    `pattern ${pattern} should be refused`,
  );
}

describe('dial policy', function () {
  it('allows everything when empty', function () {
    const policy = new DialPolicy();
    assert.equal(policy.unrestricted, true);
    policy.check('+1 (900) 555-1234');
    assert.equal(policy.isAllowed('0049301234'), true);
  });

  describe('pattern syntax', function () {
    const cases: Array<[string, string[], string[]]> = [
      ['5550100', ['5550100', '555-0100', '(555) 0100', '555.01.00'], ['55501000', '555010', '15550100']],
      ['555XXXX', ['5550000', '5559999'], ['555000', '55500000', '555000A']],
      ['Z00', ['100', '900'], ['000']],
      ['N11', ['211', '911'], ['011', '111']],
      ['x1z', ['011', '919'], ['010']],
      ['[1-3,7]X', ['10', '35', '79'], ['40', '60', '80', '1']],
      ['[13579]', ['1', '9'], ['2']],
      ['[*#]1', ['*1', '#1'], ['01']],
      ['1900.', ['19001', '19005551234'], ['1900']],
      ['1900!', ['1900', '19005551234'], ['190']],
      ['+49.', ['+4930123', '+49 (30) 123'], ['4930123', '+4', '004930123']],
      ['00.', ['0049301234', '00 1 206 555'], ['0', '00', '0149']],
      ['_NXXNXXXXXX', ['2065550100'], ['1065550100']],
      ['555-01XX', ['5550199'], ['5550299']],
      ['*67.', ['*675550100', 'T*67 555 0100'], ['67555']],
      ['A1#', ['A1#', 'a1#'], ['B1#']],
      ['/^(?:1|2)\\d{2}$/', ['100', '299'], ['300', '1000']],
      ['/9\\d*/', ['9', '91', '9123'], ['19', '89']],
    ];
    for (const [pattern, yes, no] of cases) {
      it(`${pattern}`, function () {
        const policy = new DialPolicy({ deny: [pattern] });
        for (const number of yes) assert.equal(policy.isAllowed(number), false, `${pattern} should match ${number}`);
        for (const number of no) assert.equal(policy.isAllowed(number), true, `${pattern} should not match ${number}`);
      });
    }

    it('anchors a regular expression at both ends', function () {
      const policy = new DialPolicy({ deny: ['/900/'] });
      assert.equal(policy.isAllowed('900'), false);
      assert.equal(policy.isAllowed('19001'), true);
    });

    it('refuses invalid patterns at construction, naming them', function () {
      for (const pattern of ['', '  ', '55.5', '55!5', '5.!', '[1-', '[]', '[a-z]', '[5-1]', '12]', '55Q', '5 5?', '/(/', '//', '_']) {
        invalidPattern(pattern);
      }
      assert.throws(() => new DialPolicy({ allow: [42 as unknown as string] }), TapiValidationError);
      assert.throws(() => new DialPolicy({ allow: '555' as unknown as string[] }), TapiValidationError);
      assert.throws(() => new DialPolicy({ allow: ['X.'], deny: ['[9'] }), /"\[9"/);
    });
  });

  describe('allow and deny', function () {
    it('refuses a denied number with LINEERR_ADDRESSBLOCKED for the given operation, naming nothing secret', function () {
      const policy = new DialPolicy({ deny: ['1900XXXXXXX'] });
      blocked(() => policy.check('19005551234'));
      blocked(() => policy.check('1-900-555-1234', 'lineDial'), 'lineDial');
      try {
        policy.check('19005551234');
      } catch (error) {
        assert.doesNotMatch((error as Error).message, /1900|555/);
      }
      policy.check('18005551234');
    });

    it('requires a match in a non-empty allow list', function () {
      const policy = new DialPolicy({ allow: ['555XXXX', '+1206NXXXXXX'] });
      policy.check('5550100');
      policy.check('+1 (206) 555-0100');
      blocked(() => policy.check('5550100 1'));
      blocked(() => policy.check('+1 (425) 555-0100'));
    });

    it('lets deny win over allow', function () {
      const policy = new DialPolicy({ allow: ['555XXXX'], deny: ['5550199'] });
      policy.check('5550100');
      blocked(() => policy.check('5550199'));
    });

    it('requires every destination of a multi-destination address to pass', function () {
      const policy = new DialPolicy({ deny: ['911'] });
      policy.check('5550100\r\n5550101');
      blocked(() => policy.check('5550100\r\n911'));
    });

    it('ignores the subaddress and name', function () {
      const policy = new DialPolicy({ allow: ['5550100'] });
      policy.check('5550100|9999^911');
    });

    it('passes on invalid addresses as LINEERR_INVALADDRESS; isAllowed says false', function () {
      const policy = new DialPolicy({ deny: ['911'] });
      assert.throws(
        () => policy.check('55x'),
        (e: unknown) => e instanceof TapiError && e.code === 'LINEERR_INVALADDRESS',
      );
      assert.equal(policy.isAllowed('55x'), false);
    });

    it('allows a null or empty address (nothing is dialled)', function () {
      const policy = new DialPolicy({ allow: ['555XXXX'] });
      policy.check(null);
      policy.check('');
      assert.equal(policy.isAllowed(null), true);
    });
  });

  describe('partial dialling', function () {
    it('refuses as soon as the digits so far match a deny pattern', function () {
      const policy = new DialPolicy({ deny: ['911'] });
      blocked(() => policy.checkPartial('911;'), 'lineDial');
      blocked(() => policy.checkPartial('9-1-1;', 'lineMakeCall'));
      policy.checkPartial('91;');
    });

    it('refuses when the fixed part of a deny pattern ending in . or ! matches a prefix', function () {
      const policy = new DialPolicy({ deny: ['1900.', '+44!'] });
      blocked(() => policy.checkPartial('1900;'), 'lineDial');
      blocked(() => policy.checkPartial('19005;'), 'lineDial');
      blocked(() => policy.checkPartial('+44;'), 'lineDial');
      blocked(() => policy.checkPartial('+4420;'), 'lineDial');
      policy.checkPartial('190;');
      policy.checkPartial('+4;');
      policy.checkPartial('1800;');
    });

    it('leaves the allow list to the complete number', function () {
      const policy = new DialPolicy({ allow: ['555010X'] });
      policy.checkPartial('555;');
      policy.checkPartial(';');
      blocked(() => policy.check('5550199'));
      policy.check('5550101');
    });

    it('check() on an address ending in ";" applies the partial rules', function () {
      const policy = new DialPolicy({ allow: ['555010X'], deny: ['1900.'] });
      policy.check('555;');
      blocked(() => policy.check('1900;'));
    });
  });
});
