import path from 'node:path';
import { createAskResolver } from '../../src/campaign/asks';
import { billLabelOf, billSituation, type CongressBills } from '../../src/campaign/bills';
import { loadCampaigns } from '../../src/campaign/campaign';
import { createSponsorRoll, type BillSponsors } from '../../src/campaign/sponsors';
import type { Member } from '../../src/civic-data/types';
import { composeLetter, SenderInput } from '../../src/letters/letter';
import { ManualClock } from '../helpers/clock';
import { createHandlebars } from '../../src/platform/handlebars';
import { SENDER } from '../helpers/sender';

const campaign = loadCampaigns(path.resolve(__dirname, '..', '..', 'campaigns'), 'stop-csam').get(
  'stop-csam',
);
const hbs = createHandlebars();
const BEFORE_END = new Date('2026-11-28T12:00:00Z');
const AFTER_END = new Date('2027-01-04T12:00:00Z');

function member(bioguide: string, chamber: Member['chamber'], lastName: string): Member {
  return {
    bioguide,
    chamber,
    name: `Pat ${lastName}`,
    firstName: 'Pat',
    lastName,
    formalName: `${chamber === 'senate' ? 'Senator' : 'Representative'} Pat ${lastName}`,
    title: chamber === 'senate' ? 'Senator' : 'Representative',
    state: 'IL',
    district: chamber === 'senate' ? null : 13,
    party: 'Independent',
    phone: null,
    url: null,
    contactUrl: 'https://example.gov/contact',
    dcOffice: null,
    districtOffices: [],
    social: {},
  };
}

const durbin = member('D000563', 'senate', 'Durbin');
const hawley = member('H001089', 'senate', 'Hawley');
const moore = member('M001212', 'house', 'Moore');
const otherSenator = member('X000001', 'senate', 'Other');
const otherRep = member('X000002', 'house', 'Other');
const sender = SenderInput.parse(SENDER);

function letterFor(who: Member, now = BEFORE_END, imported = new Map<string, BillSponsors>()) {
  const asks = createAskResolver({ clock: new ManualClock(now), sponsors: createSponsorRoll(imported) });
  const ask = asks.forMember(campaign, who);
  return { ask, letter: composeLetter(hbs, campaign, who, sender, ask) };
}

describe('Congress dates come from the number and the clock', () => {
  test('when the organiser adds the next Congress, then it is used once that Congress starts', () => {
    const next = {
      ...campaign.congresses[0]!,
      congress: 120,
      senate: { ...campaign.congresses[0]!.senate!, number: 77 },
    };
    const entries: CongressBills[] = [campaign.congresses[0]!, next];
    expect(billSituation(entries, BEFORE_END).chambers.senate).toMatchObject({
      congress: 119,
      expired: false,
    });
    const after = billSituation(entries, AFTER_END);
    expect(after.chambers.senate).toMatchObject({ congress: 120, expired: false, endsOn: '2029-01-03' });
    expect(after.chambers.house).toMatchObject({ congress: 120, expired: false });
    expect(after.bills.senate.label).toBe('S. 77');
  });
});

test('when a bill id is labelled, then it is cited as Congress.gov does, and anything else is not a bill', () => {
  // The replies board labels a member's bill from its id, of whichever Congress it was.
  expect(billLabelOf('119-s-1829')).toBe('S. 1829');
  expect(billLabelOf('120-hr-12')).toBe('H.R. 12');
  expect(billLabelOf('120-hjres-7')).toBe('H.J.Res. 7');
  for (const id of ['s-1829', '119-xx-1', '119-s-0', '119-s-', '0-s-1'])
    expect(billLabelOf(id)).toBeUndefined();
});

describe('which letter a member gets', () => {
  test('when the senator who introduced S. 1829 is written to, then the letter thanks them and asks for a floor vote', () => {
    const { ask, letter } = letterFor(durbin);
    expect(ask.kind).toBe('thanks');
    expect(letter.subject).toBe('Thank you for introducing S. 1829: please press for a floor vote');
    expect(letter.body).toContain('thank you for introducing S. 1829, the STOP CSAM Act of 2025');
    expect(letter.body).toMatch(/press Senate leadership to schedule a floor vote/);
    expect(letter.body).not.toMatch(/ask you to support/);
  });

  test('when a cosponsoring senator is written to, then the letter thanks them for cosponsoring', () => {
    const { ask, letter } = letterFor(hawley);
    expect(ask.kind).toBe('thanks');
    expect(ask.sponsorship).toMatchObject({ role: 'cosponsor', since: '2025-05-21' });
    expect(letter.body).toContain('thank you for cosponsoring S. 1829');
  });

  test('when the House sponsor is written to, then the letter thanks them and asks to move it out of committee', () => {
    const { ask, letter } = letterFor(moore);
    expect(ask.kind).toBe('thanks');
    expect(letter.subject).toContain('Thank you for introducing H.R. 3921');
    expect(letter.body).toMatch(/urge the House Judiciary Committee to hold a hearing and a markup/);
    expect(letter.body).toContain('ask colleagues who have not yet signed on to cosponsor it');
  });

  test('when a member who has not signed on is written to, then the letter asks for support in both chambers', () => {
    const senate = letterFor(otherSenator);
    expect(senate.ask.kind).toBe('support');
    expect(senate.letter.subject).toBe('Please support S. 1829, the STOP CSAM Act of 2025');
    expect(senate.letter.body).toContain('I am writing to ask you to support S. 1829');
    const house = letterFor(otherRep);
    expect(house.ask.kind).toBe('support');
    expect(house.letter.body).toContain('support H.R. 3921, the STOP CSAM Act of 2025, and to cosponsor it');
    expect(house.letter.body).toContain('its Senate companion, S. 1829');
  });

  test('when a cosponsor withdrew, then they are asked again like anyone who has not signed on', () => {
    const imported = new Map<string, BillSponsors>([
      [
        '119-s-1829',
        {
          source: { name: 'govinfo BILLSTATUS' },
          asOf: '2026-11-01',
          entries: [
            { bioguide: 'D000563', role: 'sponsor', since: '2025-05-21' },
            { bioguide: 'H001089', role: 'cosponsor', since: '2025-05-21', withdrawn: '2025-09-02' },
          ],
        },
      ],
    ]);
    const { ask, letter } = letterFor(hawley, BEFORE_END, imported);
    expect(ask.kind).toBe('support');
    expect(ask.sponsorship).toBeUndefined();
    expect(letter.body).toContain('ask you to support S. 1829');
    expect(letterFor(durbin, BEFORE_END, imported).ask.kind).toBe('thanks');
  });

  test('when the imported roll covers a bill, then it replaces the campaign’s own list', () => {
    const imported = new Map<string, BillSponsors>([
      ['119-hr-3921', { source: { name: 'govinfo' }, asOf: '2026-11-01', entries: [] }],
    ]);
    expect(letterFor(moore, BEFORE_END, imported).ask.kind).toBe('support');
  });

  test('when the bills’ Congress has ended, then every member gets the between-Congresses ask to reintroduce', () => {
    const senate = letterFor(otherSenator, AFTER_END);
    expect(senate.ask.kind).toBe('reintroduce');
    expect(senate.letter.subject).toBe('Please reintroduce the STOP CSAM Act in the 120th Congress');
    expect(senate.letter.body).toContain('S. 1829 was not passed before the 119th Congress ended');
    expect(senate.letter.body).toContain(
      'cosponsor it as soon as it is reintroduced, early in the 120th Congress',
    );
    const sponsor = letterFor(durbin, AFTER_END);
    expect(sponsor.ask.kind).toBe('reintroduce');
    expect(sponsor.letter.body).toContain('Thank you for introducing it as S. 1829 in the 119th Congress.');
    expect(sponsor.letter.body).toContain('Please reintroduce the STOP CSAM Act early in the 120th Congress');
    const house = letterFor(otherRep, AFTER_END);
    expect(house.letter.body).toContain(
      'Please cosponsor the STOP CSAM Act as soon as it is reintroduced in the 120th Congress',
    );
    for (const { letter } of [senate, sponsor, house]) {
      expect(letter.body).not.toMatch(/passed the (Senate|House)|(Senate|House) passed/i);
    }
  });
});

test('when many members are asked at once, then each gets the ask they get alone, before and after the Congress ends', () => {
  // The reply board and the progress page ask for every member at one instant (forMembers).
  const everyone = [durbin, hawley, moore, otherSenator, otherRep];
  for (const now of [BEFORE_END, AFTER_END]) {
    const asks = createAskResolver({ clock: new ManualClock(now), sponsors: createSponsorRoll(new Map()) });
    const together = asks.forMembers(campaign, everyone);
    expect(together.map((a) => [a.kind, a.bill.id, a.sponsorship?.role])).toEqual(
      everyone.map((m) => {
        const alone = asks.forMember(campaign, m);
        return [alone.kind, alone.bill.id, alone.sponsorship?.role];
      }),
    );
    // Thanks for the sponsors and support for the rest; after the end, reintroduce for all.
    expect(new Set(together.map((a) => a.kind)).size).toBe(now === BEFORE_END ? 2 : 1);
  }
});
