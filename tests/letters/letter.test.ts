import fs from 'node:fs';
import path from 'node:path';
import { createAskResolver, type LetterAsk } from '../../src/campaign/asks';
import { loadCampaigns } from '../../src/campaign/campaign';
import { createSponsorRoll } from '../../src/campaign/sponsors';
import { ManualClock } from '../helpers/clock';
import type { Member } from '../../src/civic-data/types';
import {
  composeLetter,
  insertPersonalNote,
  LetterBody,
  letterAsText,
  renderDefaultBody,
  renderLetterTranslation,
  SenderInput,
  washingtonAddressBlock,
} from '../../src/letters/letter';
import { createHandlebars } from '../../src/platform/handlebars';

const campaign = loadCampaigns(path.resolve(__dirname, '..', '..', 'campaigns'), 'stop-csam').get(
  'stop-csam',
);
const hbs = createHandlebars();
const asks = createAskResolver({
  clock: new ManualClock(new Date('2026-11-28T12:00:00Z')),
  sponsors: createSponsorRoll(new Map()),
});
const askOf = (m: Member) => asks.forMember(campaign, m);

function member(overrides: Partial<Member>): Member {
  return {
    bioguide: 'X000001',
    chamber: 'senate',
    name: 'Jane Q. Public',
    firstName: 'Jane',
    lastName: 'Public',
    formalName: 'Senator Jane Q. Public',
    title: 'Senator',
    state: 'IL',
    district: null,
    party: 'Independent',
    phone: '202-224-0000',
    url: 'https://public.senate.gov/',
    contactUrl: 'https://public.senate.gov/contact/',
    dcOffice: '123 Hart Senate Office Building',
    districtOffices: [],
    social: {},
    ...overrides,
  };
}

const sender = SenderInput.parse({
  name: '  Zoë   Łukasiewicz ',
  email: 'zoe@example.org',
  street: '1 Main St',
  city: 'Springfield',
  state: 'il',
  zip: '62704',
});

describe('composing letters', () => {
  test('when a senator gets the letter, then it names S. 1829, says "Dear Senator" and the Senate address block', () => {
    const letter = composeLetter(hbs, campaign, member({}), sender, askOf(member({})));
    expect(letter.salutation).toBe('Dear Senator Public:');
    expect(letter.subject).toContain('S. 1829');
    expect(letter.body.split('\n\n')[0]).toContain('S. 1829');
    expect(letter.body).toContain('Springfield, IL');
    expect(letter.addressBlock).toEqual([
      'The Honorable Jane Q. Public',
      '123 Hart Senate Office Building',
      'United States Senate',
      'Washington, DC 20510',
    ]);
    const words = letterAsText(letter).split(/\s+/).length;
    expect(words).toBeGreaterThanOrEqual(250);
    expect(words).toBeLessThanOrEqual(350);
  });

  test('when a House member or delegate gets the letter, then it names H.R. 3921 and says "Dear Representative"', () => {
    const delegate = member({
      chamber: 'house',
      title: 'Delegate',
      state: 'DC',
      district: 0,
      dcOffice: '2136 Rayburn House Office Building',
    });
    const letter = composeLetter(hbs, campaign, delegate, sender, askOf(delegate));
    expect(letter.salutation).toBe('Dear Representative Public:');
    expect(letter.body.split('\n\n')[0]).toContain('H.R. 3921');
    expect(letter.body).not.toContain('S. 1829, the STOP');
    expect(washingtonAddressBlock(delegate)).toContain('United States House of Representatives');
    expect(washingtonAddressBlock(delegate)).toContain('Washington, DC 20515');
  });

  test('when a personal note is given, then it stands before the closing request', () => {
    const letter = composeLetter(hbs, campaign, member({}), sender, askOf(member({})), {
      personalNote: 'I am a school nurse.',
    });
    const paragraphs = letter.body.split('\n\n');
    expect(paragraphs.at(-2)).toBe('I am a school nurse.');
    expect(insertPersonalNote('Only one.', 'Note')).toBe('Only one.\n\nNote');
  });

  test('when the person edits the body, then their text is used verbatim and never evaluated as a template', () => {
    const body = 'My own words. {{sender.email}} {{#each x}}loop{{/each}} <b>bold</b>';
    const letter = composeLetter(hbs, campaign, member({}), sender, askOf(member({})), { body });
    expect(letter.body).toBe(body);
    expect(letter.signature).toEqual(['Zoë Łukasiewicz', '1 Main St', 'Springfield, IL 62704']);
  });

  test('when default bodies are asked for again, then each member and town keeps its own text', () => {
    const senator = member({});
    const other = member({ bioguide: 'Y000002', name: 'Ann Other', lastName: 'Other' });
    const springfield = renderDefaultBody(hbs, campaign, senator, askOf(senator), {
      city: 'Springfield',
      state: 'IL',
    });
    const peoria = renderDefaultBody(hbs, campaign, senator, askOf(senator), { city: 'Peoria', state: 'IL' });
    expect(springfield).toContain('Springfield');
    expect(peoria).toContain('Peoria');
    expect(peoria).not.toContain('Springfield');
    // Fill the remembered texts past their bound: answers stay those of a fresh render.
    for (let i = 0; i < 2_100; i++)
      renderDefaultBody(hbs, campaign, other, askOf(other), { city: `Town ${i}`, state: 'IL' });
    expect(
      renderDefaultBody(hbs, campaign, senator, askOf(senator), { city: 'Springfield', state: 'IL' }),
    ).toBe(springfield);
    expect(renderDefaultBody(hbs, campaign, other, askOf(other), { city: 'Town 7', state: 'IL' })).toContain(
      'Town 7',
    );
    const house = member({ bioguide: 'Z000003', chamber: 'house', district: 13 });
    const houseBody = renderDefaultBody(hbs, campaign, house, askOf(house), { city: 'Peoria', state: 'IL' });
    expect(houseBody).toContain('H.R. 3921');
    expect(houseBody).not.toBe(peoria);
  });

  test('when sender fields are bad, then each error names its field', () => {
    const result = SenderInput.safeParse({
      name: '',
      email: 'x',
      street: 'a',
      city: 'b',
      state: 'ZZ',
      zip: '123',
    });
    expect(result.success).toBe(false);
    const fields = result.error!.issues.map((i) => i.path.join('.')).sort();
    expect(fields).toEqual(['email', 'name', 'state', 'zip']);
  });
});

describe('control characters in what a person types', () => {
  test('when a body carries C0 and C1 controls, a BOM and a line separator, then they go and the separator is a line break', () => {
    expect(LetterBody.parse('\uFEFFDear\u0007 friend,\u2028I ask\u0085 you to act.\r\nThanks')).toBe(
      'Dear friend,\nI ask you to act.\nThanks',
    );
  });

  test('when a body carries direction marks, then they stay (the reader’s client lays them out)', () => {
    const body = 'أطلب منكم دعم \u200FH.R. 3921\u200F من فضلكم';
    expect(LetterBody.parse(body)).toBe(body);
  });

  test('when a one-line field carries line breaks and controls, then it is one line', () => {
    const parsed = SenderInput.parse({
      name: 'Zoë Example',
      email: 'zoe@example.org',
      street: '1 Main\u0000 St',
      city: 'Spring\u2028field,\r\nIL',
      state: 'IL',
      zip: '62704',
    });
    expect([parsed.street, parsed.city]).toEqual(['1 Main St', 'Spring field, IL']);
  });
});

describe('the campaign’s letters about a later Congress’s bill', () => {
  const folder = path.resolve(__dirname, '..', '..', 'campaigns', 'stop-csam');
  const translated = (lng: string) =>
    (
      JSON.parse(fs.readFileSync(path.join(folder, 'content', `${lng}.json`), 'utf8')) as {
        letters: Record<string, Record<string, string>>;
      }
    ).letters;
  // An adopted reintroduction: the same ask with the 120th Congress's numbers.
  const adopted = (ask: LetterAsk): LetterAsk => ({
    ...ask,
    bill: {
      ...ask.bill,
      congress: 120,
      number: 41,
      label: 'S. 41',
      id: '120-s-41',
      congressOrdinal: '120th',
    },
  });

  for (const kind of ['support', 'thanks'] as const) {
    for (const chamber of ['senate', 'house'] as const) {
      test(`when the ${kind} letter to the ${chamber} is about a new Congress's bill, then it does not tell the old bill's committee vote as the new one's (en, es, ar)`, () => {
        const file = `${kind === 'support' ? 'letter' : 'thanks'}-${chamber}.hbs`;
        // The month the Senate Judiciary Committee advanced S. 1829 in the 119th Congress, as each text words it.
        const sources: Array<[string, string]> = [
          [fs.readFileSync(path.join(folder, file), 'utf8'), 'June 2025'],
          [translated('es')[kind]![chamber]!, 'junio de 2025'],
          [translated('ar')[kind]![chamber]!, 'يونيو 2025'],
        ];
        const m = member({ chamber, district: chamber === 'house' ? 13 : null });
        for (const [source, committeeVote] of sources) {
          const render = (ask: LetterAsk) =>
            renderLetterTranslation(hbs, source, campaign, m, ask, { city: 'Springfield', state: 'IL' });
          expect(render(askOf(m))).toContain(committeeVote);
          const later = render(adopted(askOf(m)));
          expect(later).not.toContain(committeeVote);
          expect(later).toContain('S. 41');
        }
      });
    }
  }
});
