import assert from 'node:assert/strict';
import { digitsOf, MAX_ADDRESS_LENGTH, parseAddress, validateDialable, type DialCapabilities } from '../lib/tapi/address';
import { TapiError } from '../lib/tapi/errors';

const ALL: DialCapabilities = { dialBilling: true, dialQuiet: true, dialDialtone: true, partialDial: true };
const NONE: DialCapabilities = { dialBilling: false, dialQuiet: false, dialDialtone: false, partialDial: false };

function throwsCode(fn: () => unknown, code: string, operation = 'lineMakeCall'): TapiError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof TapiError, `expected a TapiError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code);
  assert.equal(caught.operation, operation);
  return caught;
}

describe('address: parseAddress', function () {
  it('accepts every character of the DialableNumber class (§7.2)', function () {
    const every = '0123456789ABCDabcd*#!PpTt,Ww@$?:. -()';
    const parsed = parseAddress(every);
    assert.equal(parsed.destinations.length, 1);
    assert.equal(parsed.destinations[0].number, every);
    assert.equal(parseAddress('+49W$@?:').destinations[0].number, '+49W$@?:');
    assert.equal(parsed.partial, false);
    assert.equal(parsed.canonical, false);
    for (const c of every) {
      if (' .-()'.includes(c)) continue;
      assert.equal(parseAddress(`5${c}5`).destinations[0].number, `5${c}5`, `character ${c}`);
    }
  });

  it('refuses characters outside the class with LINEERR_INVALADDRESS, naming the position', function () {
    for (const bad of ['555x', '555E', 'e', '5_5', '5/5', '5\t5', '5"5', '5%5', '5\u00e95', '5\r5', '5\n5', '5=5']) {
      const error = throwsCode(() => parseAddress(bad), 'LINEERR_INVALADDRESS');
      assert.ok(error.value === 0x80000010);
    }
    assert.match(throwsCode(() => parseAddress('555x'), 'LINEERR_INVALADDRESS').message, /'x' at position 3/);
  });

  it('uses the operation it is given', function () {
    throwsCode(() => parseAddress('', 'lineDial'), 'LINEERR_INVALADDRESS', 'lineDial');
  });

  it('refuses empty addresses and numbers', function () {
    throwsCode(() => parseAddress(''), 'LINEERR_INVALADDRESS');
    throwsCode(() => parseAddress('   '), 'LINEERR_INVALADDRESS');
    throwsCode(() => parseAddress('-.()'), 'LINEERR_INVALADDRESS');
    throwsCode(() => parseAddress('|sub'), 'LINEERR_INVALADDRESS');
    throwsCode(() => parseAddress('^Name'), 'LINEERR_INVALADDRESS');
    throwsCode(() => parseAddress(null as unknown as string), 'LINEERR_INVALADDRESS');
  });

  it('refuses addresses longer than MAX_ADDRESS_LENGTH and accepts exactly that length', function () {
    assert.equal(MAX_ADDRESS_LENGTH, 256);
    assert.equal(parseAddress('1'.repeat(MAX_ADDRESS_LENGTH)).destinations[0].number.length, 256);
    throwsCode(() => parseAddress('1'.repeat(MAX_ADDRESS_LENGTH + 1)), 'LINEERR_INVALADDRESS');
  });

  it('accepts "+" only at the start of a number', function () {
    assert.equal(parseAddress('+4930123456').destinations[0].number, '+4930123456');
    throwsCode(() => parseAddress('49+30'), 'LINEERR_INVALADDRESS');
    throwsCode(() => parseAddress(' +4930'), 'LINEERR_INVALADDRESS');
    throwsCode(() => parseAddress('++4930'), 'LINEERR_INVALADDRESS');
  });

  describe('canonical form', function () {
    it('recognises +CC (Area) Subscriber', function () {
      const parsed = parseAddress('+1 (425) 882-8080');
      assert.equal(parsed.canonical, true);
      assert.deepEqual(parsed.canonicalParts, { countryCode: '1', areaCode: '425', subscriber: '882-8080' });
    });

    it('recognises it without an area code, and with an empty one', function () {
      assert.deepEqual(parseAddress('+49 30 1234567').canonicalParts, { countryCode: '49', subscriber: '30 1234567' });
      assert.equal(parseAddress('+49 30 1234567').canonicalParts?.areaCode, undefined);
      assert.deepEqual(parseAddress('+44 () 20 7946 0000').canonicalParts, { countryCode: '44', areaCode: '', subscriber: '20 7946 0000' });
    });

    it('keeps subaddress and name apart from the canonical number', function () {
      const parsed = parseAddress('+1 (425) 882-8080|42^Front desk');
      assert.equal(parsed.canonical, true);
      assert.equal(parsed.canonicalParts?.subscriber, '882-8080');
      assert.deepEqual(parsed.destinations, [{ number: '+1 (425) 882-8080', subaddress: '42', name: 'Front desk' }]);
    });

    it('treats +digits without spaces or parentheses as a non-canonical dialable number', function () {
      const parsed = parseAddress('+14258828080');
      assert.equal(parsed.canonical, false);
      assert.equal(parsed.canonicalParts, undefined);
    });

    it('refuses malformed canonical addresses', function () {
      for (const bad of [
        '+1  (425) 882-8080', // two spaces after the country code
        '+1(425) 882-8080', // no space after the country code
        '+1 (425)882-8080', // no space after ")"
        '+1 (425)  882-8080', // two spaces after ")"
        '+1 ((425)) 882', // nested parentheses
        '+1 (42a) 882', // a letter in the area code
        '+1 (425) 882 (0) 80', // parentheses in the subscriber
        '+1 (425 882-8080', // unclosed
        '+1 425) 882', // unopened
        '+ 425 882', // empty country code
        '+1 (425) ', // no subscriber
        '+1 ', // no subscriber
        '+1 (425) ---', // subscriber without a digit
      ]) {
        throwsCode(() => parseAddress(bad), 'LINEERR_INVALADDRESS');
      }
    });

    it('accepts parentheses as plain formatting when the number does not start with "+"', function () {
      const parsed = parseAddress('(555) 010-0000');
      assert.equal(parsed.canonical, false);
      assert.equal(parsed.destinations[0].number, '(555) 010-0000');
    });

    it('accepts a partial number that is a prefix of the canonical form', function () {
      for (const prefix of ['+1 ;', '+1 (;', '+1 (42;', '+1 (425;', '+1 (425);', '+1 (425) ;', '+1 (425) --;']) {
        const parsed = parseAddress(prefix);
        assert.equal(parsed.partial, true, prefix);
        assert.equal(parsed.canonical, false, prefix);
      }
      assert.equal(parseAddress('+1 (425) 882-80;').canonical, true);
      throwsCode(() => parseAddress('+1(425;'), 'LINEERR_INVALADDRESS');
      throwsCode(() => parseAddress('+1  ;'), 'LINEERR_INVALADDRESS');
    });
  });

  describe('subaddress, name and several destinations', function () {
    it('splits DialableNumber|Subaddress^Name', function () {
      assert.deepEqual(parseAddress('5550100|1234').destinations, [{ number: '5550100', subaddress: '1234' }]);
      assert.deepEqual(parseAddress('5550100^Alice Smith').destinations, [{ number: '5550100', name: 'Alice Smith' }]);
      assert.deepEqual(parseAddress('5550100|alice@example.com^Alice').destinations, [
        { number: '5550100', subaddress: 'alice@example.com', name: 'Alice' },
      ]);
    });

    it('lets the name contain any printable text, including | and ^', function () {
      assert.equal(parseAddress('5550100^A|B^C ? $ :').destinations[0].name, 'A|B^C ? $ :');
      assert.equal(parseAddress('5550100^M\u00fcller').destinations[0].name, 'M\u00fcller');
    });

    it('refuses empty subaddresses and names, and bad characters in them', function () {
      throwsCode(() => parseAddress('5550100|'), 'LINEERR_INVALADDRESS');
      throwsCode(() => parseAddress('5550100^'), 'LINEERR_INVALADDRESS');
      throwsCode(() => parseAddress('5550100|^Bob'), 'LINEERR_INVALADDRESS');
      throwsCode(() => parseAddress('5550100|12+3'), 'LINEERR_INVALADDRESS');
      throwsCode(() => parseAddress('5550100|12|3'), 'LINEERR_INVALADDRESS');
      throwsCode(() => parseAddress('5550100|1\t2'), 'LINEERR_INVALADDRESS');
      throwsCode(() => parseAddress('5550100^Bo\tb'), 'LINEERR_INVALADDRESS');
    });

    it('splits destinations on CRLF', function () {
      const parsed = parseAddress('5550100|1^One\r\n5550101\r\n+1 (206) 555-0102');
      assert.deepEqual(parsed.destinations, [
        { number: '5550100', subaddress: '1', name: 'One' },
        { number: '5550101' },
        { number: '+1 (206) 555-0102' },
      ]);
      assert.equal(parsed.canonical, false, 'canonical describes the first destination');
      assert.equal(parseAddress('+1 (206) 555-0102\r\n5550100').canonical, true);
    });

    it('refuses empty destinations and a lone CR or LF', function () {
      throwsCode(() => parseAddress('5550100\r\n'), 'LINEERR_INVALADDRESS');
      throwsCode(() => parseAddress('\r\n5550100'), 'LINEERR_INVALADDRESS');
      throwsCode(() => parseAddress('5550100\r\n\r\n5550101'), 'LINEERR_INVALADDRESS');
      throwsCode(() => parseAddress('5550100\n5550101'), 'LINEERR_INVALADDRESS');
      throwsCode(() => parseAddress('5550100\r5550101'), 'LINEERR_INVALADDRESS');
      throwsCode(() => parseAddress('5550100^Bob\n'), 'LINEERR_INVALADDRESS');
    });
  });

  describe('partial dialling', function () {
    it('marks a trailing ";" as partial and strips it from the number', function () {
      const parsed = parseAddress('555;');
      assert.equal(parsed.partial, true);
      assert.deepEqual(parsed.destinations, [{ number: '555' }]);
    });

    it('accepts a lone ";" (dial tone, nothing dialled yet)', function () {
      const parsed = parseAddress(';');
      assert.equal(parsed.partial, true);
      assert.equal(parsed.destinations[0].number, '');
    });

    it('refuses ";" anywhere but at the very end', function () {
      throwsCode(() => parseAddress('5;55'), 'LINEERR_INVALADDRESS');
      throwsCode(() => parseAddress(';555'), 'LINEERR_INVALADDRESS');
      throwsCode(() => parseAddress('555;;'), 'LINEERR_INVALADDRESS');
      throwsCode(() => parseAddress('555;|12'), 'LINEERR_INVALADDRESS');
      throwsCode(() => parseAddress('555;^Bob'), 'LINEERR_INVALADDRESS');
      throwsCode(() => parseAddress('555|12;'), 'LINEERR_INVALADDRESS');
      throwsCode(() => parseAddress('555^Bob;'), 'LINEERR_INVALADDRESS');
      throwsCode(() => parseAddress('555;\r\n666'), 'LINEERR_INVALADDRESS');
      throwsCode(() => parseAddress('555\r\n666;'), 'LINEERR_INVALADDRESS');
    });
  });
});

describe('address: validateDialable', function () {
  it('accepts every modifier on a line that supports them', function () {
    const parsed = validateDialable('9W,555$1234@;', ALL);
    assert.equal(parsed.partial, true);
    assert.equal(parsed.destinations[0].number, '9W,555$1234@');
  });

  it('refuses each unsupported modifier with its own error', function () {
    assert.equal(throwsCode(() => validateDialable('555$1', NONE), 'LINEERR_DIALBILLING').value, 0x80000008);
    assert.equal(throwsCode(() => validateDialable('555@1', NONE), 'LINEERR_DIALQUIET').value, 0x8000000b);
    assert.equal(throwsCode(() => validateDialable('9W555', NONE), 'LINEERR_DIALDIALTONE').value, 0x80000009);
    assert.equal(throwsCode(() => validateDialable('9w555', NONE), 'LINEERR_DIALDIALTONE').value, 0x80000009);
  });

  it('refuses "?" and ":" even on a line that supports every capability', function () {
    assert.equal(throwsCode(() => validateDialable('12?3', ALL), 'LINEERR_DIALPROMPT').value, 0x8000000a);
    assert.equal(throwsCode(() => validateDialable('12:3', ALL), 'LINEERR_DIALVOICEDETECT').value, 0x8000005c);
  });

  it('lets the first offending character decide', function () {
    throwsCode(() => validateDialable('9W555$1234@', NONE), 'LINEERR_DIALDIALTONE');
    throwsCode(() => validateDialable('9$555W1234@', NONE), 'LINEERR_DIALBILLING');
    throwsCode(() => validateDialable('9@555W$', NONE), 'LINEERR_DIALQUIET');
    throwsCode(() => validateDialable('1?2$', NONE), 'LINEERR_DIALPROMPT');
    throwsCode(() => validateDialable('1$2?', NONE), 'LINEERR_DIALBILLING');
    throwsCode(() => validateDialable('1:2?', ALL), 'LINEERR_DIALVOICEDETECT');
    throwsCode(() => validateDialable('1x2$', NONE), 'LINEERR_INVALADDRESS');
    throwsCode(() => validateDialable('1$2x', NONE), 'LINEERR_DIALBILLING');
    throwsCode(() => validateDialable('5;5$', NONE), 'LINEERR_INVALADDRESS');
    throwsCode(() => validateDialable('5$5;5', NONE), 'LINEERR_DIALBILLING');
    throwsCode(() => validateDialable('12+3W', NONE), 'LINEERR_INVALADDRESS');
    throwsCode(() => validateDialable('555\r\n9W1', NONE), 'LINEERR_DIALDIALTONE');
  });

  it('only checks the DialableNumber parts: modifiers in subaddress and name are text', function () {
    const parsed = validateDialable('5550100|a$b@c^Who? W:', NONE);
    assert.deepEqual(parsed.destinations, [{ number: '5550100', subaddress: 'a$b@c', name: 'Who? W:' }]);
  });

  it('refuses a trailing ";" on a line without partial dialling, with LINEERR_INVALADDRESS', function () {
    throwsCode(() => validateDialable('555;', NONE), 'LINEERR_INVALADDRESS');
    throwsCode(() => validateDialable(';', NONE), 'LINEERR_INVALADDRESS');
    assert.equal(validateDialable('555;', { ...NONE, partialDial: true }).partial, true);
  });

  it('reports a modifier before a later trailing ";" problem', function () {
    throwsCode(() => validateDialable('5$5;', NONE), 'LINEERR_DIALBILLING');
  });

  it('still refuses syntax errors that parseAddress refuses', function () {
    throwsCode(() => validateDialable('', ALL, 'lineDial'), 'LINEERR_INVALADDRESS', 'lineDial');
    throwsCode(() => validateDialable('+1(425) 555', ALL), 'LINEERR_INVALADDRESS');
  });
});

describe('address: digitsOf', function () {
  it('keeps 0-9 * # A-D and a leading +, dropping formatting and modifiers', function () {
    assert.equal(digitsOf('+1 (425) 882-8080'), '+14258828080');
    assert.equal(digitsOf('9,W555-0100'), '95550100');
    assert.equal(digitsOf('T*67 555.0100#'), '*675550100#');
    assert.equal(digitsOf('P12!3$4@5?6:7;'), '1234567');
    assert.equal(digitsOf('abcd ABCD'), 'ABCDABCD');
  });

  it('keeps "+" only as the first significant character', function () {
    assert.equal(digitsOf('  +49 30'), '+4930');
    assert.equal(digitsOf('(+49) 30'), '+4930');
    assert.equal(digitsOf('0+49'), '049');
  });

  it('reads only the first destination number of a whole address', function () {
    assert.equal(digitsOf('555-0100|99^Bob 7'), '5550100');
    assert.equal(digitsOf('5550100\r\n5550101'), '5550100');
    assert.equal(digitsOf(''), '');
  });
});
