import { isMilitaryZip, stateForZip } from '../../src/lookup/zip-prefixes';

describe('stateForZip', () => {
  test.each([
    ['00601', 'PR'],
    ['00802', 'VI'],
    ['00901', 'PR'],
    ['01001', 'MA'],
    ['02108', 'MA'],
    ['10001', 'NY'],
    ['20001', 'DC'],
    ['20500', 'DC'],
    ['20515', 'DC'],
    ['56901', 'DC'],
    ['20190', 'VA'],
    ['22201', 'VA'],
    ['21201', 'MD'],
    ['30165', 'GA'],
    ['62704', 'IL'],
    ['73301', 'TX'],
    ['88510', 'TX'],
    ['85122', 'AZ'],
    ['96799', 'AS'],
    ['96813', 'HI'],
    ['96910', 'GU'],
    ['96932', 'GU'],
    ['96950', 'MP'],
    ['96952', 'MP'],
    ['99501', 'AK'],
    ['99950', 'AK'],
    ['98101', 'WA'],
  ])('when the ZIP is %s, then the state is %s', (zip, state) => {
    expect(stateForZip(zip)).toBe(state);
  });

  test.each(['00000', '00499', '99999', '96940', '96960', '21300', '09012', 'abcde', ''])(
    'when the ZIP is %p, then no state is known',
    (zip) => {
      expect(stateForZip(zip)).toBeUndefined();
    },
  );

  test('when the ZIP is an APO/FPO ZIP, then it is military', () => {
    expect(isMilitaryZip('09012')).toBe(true);
    expect(isMilitaryZip('34001')).toBe(true);
    expect(isMilitaryZip('96201')).toBe(true);
    expect(isMilitaryZip('62704')).toBe(false);
  });
});
