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
