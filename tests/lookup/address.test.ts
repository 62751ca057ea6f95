import { parseAddress } from '../../src/lookup/address';
import { ValidationError } from '../../src/platform/errors';

function validationField(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) return error.field;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('parseAddress', () => {
  test('when given a full address with a unit and ZIP+4, then every part is found', () => {
    expect(parseAddress('123 Main St Apt 4, Springfield, IL 62704-1234')).toEqual({
      street: '123 Main St Apt 4',
      city: 'Springfield',
      state: 'IL',
      zip: '62704',
      zip4: '1234',
      poBox: false,
      oneLine: '123 Main St Apt 4, Springfield, IL 62704-1234',
    });
  });

  test('when given lower case and extra spaces, then it is normalised', () => {
    expect(parseAddress('   123   main st ,  springfield ,   il    62704  ')).toMatchObject({
      street: '123 main st',
      city: 'springfield',
      state: 'IL',
      zip: '62704',
      oneLine: '123 main st, springfield, IL 62704',
    });
  });

  test('when there are no commas, then the street is split from the city at the street suffix', () => {
    expect(parseAddress('123 Main St Apt 4 Springfield IL 62704')).toMatchObject({
      street: '123 Main St Apt 4',
      city: 'Springfield',
      state: 'IL',
    });
  });

  test.each([
    ['PO Box 12, Springfield, IL 62704', 'PO Box 12'],
    ['P.O. Box 12, Springfield, IL 62704', 'PO Box 12'],
    ['p.o. box 12 Springfield IL 62704', 'PO Box 12'],
    ['Post Office Box 77, Juneau, AK 99801', 'PO Box 77'],
  ])('when given the PO box address %p, then poBox is true', (text, street) => {
    expect(parseAddress(text)).toMatchObject({ poBox: true, street });
  });

  test.each([
    ['12 Elm St #4, Boston, MA 02108', '12 Elm St #4'],
    ['12 Elm St Unit 4B, Boston, MA 02108', '12 Elm St Unit 4B'],
    ['1 Market St Suite 300, San Francisco, CA 94105', '1 Market St Suite 300'],
  ])('when given the unit address %p, then the unit stays in the street', (text, street) => {
    expect(parseAddress(text).street).toBe(street);
  });

  test('when the state is written in full, then it becomes its code', () => {
    expect(parseAddress('12 Capitol St, Charleston, West Virginia 25301').state).toBe('WV');
    expect(parseAddress('1 Calle Sol, San Juan, Puerto Rico 00901').state).toBe('PR');
    expect(parseAddress('1600 Pennsylvania Ave NW, Washington, D.C. 20500').state).toBe('DC');
  });

  test('when given a bare ZIP or ZIP+4, then only the ZIP is returned', () => {
    expect(parseAddress('62704')).toEqual({ zip: '62704', poBox: false, oneLine: '62704' });
    expect(parseAddress('62704-1234')).toMatchObject({ zip: '62704', zip4: '1234' });
    expect(parseAddress('627041234')).toMatchObject({ zip: '62704', zip4: '1234' });
  });

  test('when a country is appended, then it is ignored', () => {
    expect(parseAddress('123 Main St, Springfield, IL 62704, USA')).toMatchObject({
      state: 'IL',
      zip: '62704',
    });
  });

  test('when the street ends in Ct and no city is given, then Ct is not read as Connecticut', () => {
    expect(parseAddress('123 Oak Ct 06510')).toMatchObject({ street: '123 Oak Ct', zip: '06510' });
    expect(parseAddress('123 Oak Ct 06510').state).toBeUndefined();
  });

  test.each([
    ['', 'empty'],
    ['    ', 'blank'],
    ['123 Main St, Springfield, IL', 'no ZIP'],
    ['asdfghjkl', 'garbage'],
    ['<script>alert(1)</script> 62704', 'markup'],
    ['x'.repeat(10_000) + ' 62704', '10 kB'],
  ])('when the input is %p (%s), then it is a ValidationError on the address field', (text) => {
    expect(validationField(() => parseAddress(text))).toBe('address');
  });

  test('when the input is empty, then the message shows an example', () => {
    expect(() => parseAddress('')).toThrow(
      /Enter your street address, city, state and ZIP code, for example/,
    );
  });
});
