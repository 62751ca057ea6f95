/**
 * Constituency through the routes: the preview API and the save refuse a letter to a member who does not
 * represent the sender's address, with `not_your_member` in the API and a field error on the page.
 */
import request from 'supertest';
import { createTestApp, type TestApp } from '../helpers/app';
import { ADDRESS, SENDER } from '../helpers/sender';
import { csrfSession } from './security-helpers';

let t: TestApp;
let agent: Awaited<ReturnType<typeof csrfSession>>['agent'];
let _csrf: string;
// Building the app imports the data mirror: a generous budget on a busy machine.
beforeAll(async () => {
  t = await createTestApp();
  ({ agent, token: _csrf } = await csrfSession(t.app));
}, 120_000);
afterAll(() => t.close());

const civic = () => t.runtime.deps.civic;
const newYorkSenator = () => civic().senatorsForState('NY')[0]!;
const otherIllinoisRep = () => civic().houseMemberFor('IL', 7)!;
const ownRep = () => civic().houseMemberFor('IL', 13)!;

describe('POST /api/letters/preview refuses members who do not represent the address', () => {
  test("when the recipient is another state's senator, then 400 not_your_member names the field", async () => {
    const res = await request(t.app)
      .post('/api/letters/preview')
      .send({ bioguide: newYorkSenator().bioguide, sender: SENDER })
      .expect(400);
    expect(res.body.error.code).toBe('not_your_member');
    expect(res.body.error.field).toBe('members');
    expect(res.body.error.message).toContain(newYorkSenator().formalName);
  });

  test("when the recipient is another district's House member, then 400 not_your_member", async () => {
    const res = await request(t.app)
      .post('/api/letters/preview')
      .send({ bioguide: otherIllinoisRep().bioguide, sender: SENDER })
      .expect(400);
    expect(res.body.error.code).toBe('not_your_member');
  });

  test('when the recipient is the sender’s own House member, then the preview is given', async () => {
    await request(t.app)
      .post('/api/letters/preview')
      .send({ bioguide: ownRep().bioguide, sender: SENDER })
      .expect(200);
  });

  test('when the ZIP is split, then the preview takes the district the person picked and refuses the other', async () => {
    const nySender = { ...SENDER, city: 'New York', state: 'NY', zip: '10001' };
    const ny10 = civic().houseMemberFor('NY', 10)!;
    await request(t.app)
      .post('/api/letters/preview')
      .send({ bioguide: ny10.bioguide, sender: nySender })
      .expect(200);
    const res = await request(t.app)
      .post('/api/letters/preview')
      .send({ bioguide: ny10.bioguide, sender: nySender, district: 'NY-12' })
      .expect(400);
    expect(res.body.error.code).toBe('not_your_member');
  });
});

test('when the state typed does not match the ZIP code, then the ZIP field says so and no letter is previewed', async () => {
  const res = await request(t.app)
    .post('/api/letters/preview')
    .send({ bioguide: civic().senatorsForState('IL')[0]!.bioguide, sender: { ...SENDER, state: 'NY' } })
    .expect(400);
  expect(res.body.error.field).toBe('sender.zip');
  expect(res.body.error.message).toBe('ZIP code 62704 is in IL, not NY. Check your state and ZIP code.');
});

describe('the letter pages refuse members who do not represent the address', () => {
  const form = (member: string[]) => ({
    ...SENDER,
    address: ADDRESS,
    member,
    _csrf,
  });

  test("when the form names another state's senator, then review and save answer 400 at the member field and save nothing", async () => {
    const members = [civic().senatorsForState('IL')[0]!.bioguide, newYorkSenator().bioguide];
    for (const path of ['review', 'letters']) {
      const res = await agent
        .post(`/campaigns/stop-csam/${path}`)
        .type('form')
        .send(form(members))
        .expect(400);
      expect(res.text).toContain('id="member-error"');
      expect(res.text).toContain(
        `${newYorkSenator().formalName} does not represent the address you gave (IL 62704)`,
      );
      expect(res.text).toContain('Ana Núñez');
    }
    const count = await t.runtime.deps.storage.db
      .selectFrom('letters')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(0);
  });

  test("when the form names another district's House member in Spanish, then the error is in Spanish", async () => {
    const res = await agent
      .post('/campaigns/stop-csam/letters?lang=es')
      .type('form')
      .send(form([otherIllinoisRep().bioguide]))
      .expect(400);
    expect(res.text).toContain(
      `${otherIllinoisRep().formalName} no representa la dirección que indicó (IL 62704)`,
    );
  });
});

describe('a letter comes from the looked-up address and one House district (issue 28)', () => {
  const letterCount = async () =>
    Number(
      (
        await t.runtime.deps.storage.db
          .selectFrom('letters')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const save = (form: Record<string, unknown>, lang = 'en') =>
    agent
      .post(`/campaigns/stop-csam/letters?lang=${lang}`)
      .type('form')
      .send({ ...form, _csrf });
  const claremont = {
    ...SENDER,
    street: '1 College Ave',
    city: 'Claremont',
    state: 'CA',
    zip: '91711',
    address: '1 College Ave, Claremont, CA 91711',
  };
  const claremontReps = () =>
    civic()
      .districts.filter((d) => d.state === 'CA' && [28, 31, 35].includes(d.district))
      .map((d) => civic().houseMemberFor(d.state, d.district)!)
      .filter(Boolean);

  test('when a split ZIP (91711) form ticks three House members, then nothing is saved and the member field says to tick one', async () => {
    const reps = claremontReps();
    expect(reps.length).toBe(3);
    const before = await letterCount();
    const res = await save({ ...claremont, member: reps.map((m) => m.bioguide) }).expect(400);
    expect(res.text).toContain('id="member-error"');
    expect(res.text).toContain('Tick only one House member: the one for the district you live in');
    expect(await letterCount()).toBe(before);
  });

  test('when a split ZIP form ticks one House member, then the batch is saved with that one district', async () => {
    const [rep] = claremontReps();
    const senators = civic()
      .senatorsForState('CA')
      .map((m) => m.bioguide);
    const res = await save({ ...claremont, member: [...senators, rep!.bioguide] }).expect(303);
    const batchId = res.headers.location!.split('/').pop()!;
    const rows = await t.runtime.deps.letters.getBatch(batchId);
    expect(rows.filter((r) => r.chamber === 'house').map((r) => r.district)).toEqual([rep!.district]);
  });

  test('when a split ZIP form names a district that is not the ZIP code’s, then nothing is saved', async () => {
    const far = civic().houseMemberFor('CA', 11)!;
    const before = await letterCount();
    await save({ ...claremont, district: 'CA-11', member: [far.bioguide] }).expect(400);
    expect(await letterCount()).toBe(before);
  });

  test('when a PO-box ZIP (10008) form names a district in its hidden field, then no House member can be picked', async () => {
    const poBox = {
      ...SENDER,
      street: 'PO Box 1',
      city: 'New York',
      state: 'NY',
      zip: '10008',
      address: 'PO Box 1, New York, NY 10008',
    };
    const before = await letterCount();
    for (const district of [14, 21]) {
      const rep = civic().houseMemberFor('NY', district)!;
      const res = await save({ ...poBox, district: `NY-${district}`, member: [rep.bioguide] }).expect(400);
      expect(res.text).toContain('ZIP code 10008 does not tell us your district');
    }
    expect(await letterCount()).toBe(before);
    // The senators stay open to a PO-box writer.
    const senators = civic()
      .senatorsForState('NY')
      .map((m) => m.bioguide);
    await save({ ...poBox, member: senators }).expect(303);
  });

  test('when an Illinois address was looked up and NY and 10001 are typed, then a letter to Schumer is refused at the ZIP field', async () => {
    const schumer = civic()
      .senatorsForState('NY')
      .find((m) => m.lastName === 'Schumer')!;
    const before = await letterCount();
    for (const [lang, text] of [
      ['en', 'Your letters are signed with the ZIP code you looked up (62704)'],
      ['es', 'Sus cartas se firman con el código postal que buscó (62704)'],
      ['ar', 'تُوقَّع رسائلك بالرمز البريدي الذي بحثت عنه (\u206862704\u2069)'],
    ] as const) {
      const res = await save(
        { ...SENDER, address: ADDRESS, state: 'NY', zip: '10001', member: [schumer.bioguide] },
        lang,
      ).expect(400);
      expect(res.text).toContain('id="zip-error"');
      expect(res.text).toContain(text);
    }
    expect(await letterCount()).toBe(before);
  });

  test('when the write page link names a district the PO-box ZIP cannot have, then the page refuses it', async () => {
    const res = await request(t.app)
      .get('/campaigns/stop-csam/write')
      .query({ address: 'PO Box 1, New York, NY 10008', district: 'NY-14' })
      .expect(400);
    expect(res.text).toContain('ZIP code 10008 does not tell us your district');
  });
});
