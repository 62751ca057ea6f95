/**
 * Held letters keep their meaning (issue 23, point 3). A letter held over the change of Congress goes
 * only if its member still represents the writer's address under the data in service and it still asks
 * what the campaign asks now. Otherwise the writer gets one email with the letter as it would now read
 * (the new ask; the new member when their district was redrawn) and a link to a page whose button sends
 * that one instead; opening the link changes nothing, and without the button nothing more is sent.
 */
import request from 'supertest';
import { congressEnds } from '../../src/civic-data/congress';
import { loadCivicIndex } from '../../src/civic-data/load';
import { illinois120th, importedDataDir } from '../helpers/civic-data';
import { emailAndConfirmBatch, useEmailTestApp } from '../helpers/email-app';
import { ADDRESS, SENDER } from '../helpers/sender';
import { csrfSession } from './security-helpers';

const OFFICE_INBOX = 'letters@stop-csam.example.org';
const BUDZINSKI = 'B001315'; // IL-13, the writer's district in the 119th Congress
const MILLER = 'M001211'; // IL-15
const END_OF_119TH = congressEnds(119);

const env = useEmailTestApp();

beforeEach(async () => {
  env.t.runtime.deps.civic.replaceWith(loadCivicIndex(await importedDataDir()));
});

const toOffices = () => env.sink.messages.filter((m) => m.envelopeTo.includes(OFFICE_INBOX));

/** A letter to Representative Budzinski saved and confirmed on 2 January, then held past noon on the 3rd. */
async function heldLetterToBudzinski(): Promise<string> {
  env.t.clock.set(new Date('2027-01-02T15:00:00Z'));
  env.csrf = await csrfSession(env.t.app);
  const saved = await request(env.t.app)
    .post('/campaigns/stop-csam/letters')
    .set('Cookie', env.csrf.cookie)
    .type('form')
    .send({ _csrf: env.csrf.token, ...SENDER, address: ADDRESS, member: [BUDZINSKI] })
    .expect(303);
  const batchUrl = saved.headers.location as string;
  await emailAndConfirmBatch(env, batchUrl);
  env.t.clock.set(new Date(END_OF_119TH.getTime() + 60 * 60_000));
  while ((await env.t.runtime.worker.runOnce()) > 0);
  const page = await request(env.t.app).get(batchUrl).expect(200);
  expect(page.text).toContain('dc-status--held');
  return batchUrl;
}

/**
 * The 120th Congress's data: Budzinski and Miller re-elected; the writer's ZIP in `writerDistrict`, or,
 * with none, Illinois's new districts not published yet (the members come first).
 */
function load120th(writerDistrict?: number): void {
  const civic = env.t.runtime.deps.civic;
  civic.replaceWith(illinois120th(civic, writerDistrict));
}

/** The email that offers the letter as it would now read, with its link's path. */
async function asItWouldReadNow(recipient: string) {
  while ((await env.t.runtime.worker.runOnce()) > 0);
  const email = env.sink.messages.findLast(
    (m) => m.parsed.subject === `Your letter to ${recipient} was not sent: here it is as it would read now`,
  );
  expect(email).toBeDefined();
  const path = /https:\/\/letters\.example\.org(\/letters\/[\w-]+\/renewal)/.exec(
    email!.parsed.text ?? '',
  )![1]!;
  return { email: email!, path };
}

/** The page's "Send this letter instead" button. */
const pressSend = (path: string) =>
  request(env.t.app)
    .post(path)
    .set('Cookie', env.csrf.cookie)
    .type('form')
    .send({ _csrf: env.csrf.token })
    .expect(303);

describe('a held letter after the change of Congress', () => {
  test('when its bill died and its member was re-elected, then it is not sent; the writer gets it with the reintroduce ask and a button, and only the button sends that one', async () => {
    const batchUrl = await heldLetterToBudzinski();
    env.t.clock.set(new Date(END_OF_119TH.getTime() + 2 * 60 * 60_000));
    const officesBefore = toOffices().length;
    load120th(13);
    const { email, path } = await asItWouldReadNow('Representative Nikki Budzinski');
    // The letters page says it was not sent, and links to it as it would now read; no print link.
    const batch = await request(env.t.app).get(batchUrl).expect(200);
    expect(batch.text).toContain(`href="${path}"`);
    expect(batch.text).not.toContain('/print"');
    expect(toOffices()).toHaveLength(officesBefore);
    expect(email.parsed.text).toContain('H.R. 3921 died with the 119th Congress');
    expect(email.parsed.text).toContain(
      'Subject: Please reintroduce the STOP CSAM Act in the 120th Congress',
    );
    expect(email.parsed.text).toContain('to Representative Nikki Budzinski');

    // A link scanner opening the page changes nothing.
    env.csrf = await csrfSession(env.t.app);
    const page = await request(env.t.app).get(path).expect(200);
    expect(page.text).toContain('Send this letter instead');
    await request(env.t.app).head(path).expect(200);
    while ((await env.t.runtime.worker.runOnce()) > 0);
    expect(toOffices()).toHaveLength(officesBefore);

    const pressed = await pressSend(path);
    while ((await env.t.runtime.worker.runOnce()) > 0);
    const sent = toOffices().slice(officesBefore);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.parsed.text).toContain('Dear Representative Budzinski:');
    expect(sent[0]!.parsed.text).toContain('reintroduce');
    expect(sent[0]!.parsed.text).not.toContain('Please support');

    // Pressing again leads to the same letters; nothing is sent twice.
    const again = await pressSend(path);
    expect(again.headers.location).toBe(pressed.headers.location);
    while ((await env.t.runtime.worker.runOnce()) > 0);
    expect(toOffices().slice(officesBefore)).toHaveLength(1);
  });

  test('when a letter is not sent because it no longer means what its writer approved, then its print view and PDF refuse it (409, with the reason), as its page offers neither, also once the writer sent it as it now reads', async () => {
    await heldLetterToBudzinski();
    env.t.clock.set(new Date(END_OF_119TH.getTime() + 2 * 60 * 60_000));
    load120th(13);
    const { path } = await asItWouldReadNow('Representative Nikki Budzinski');
    const letter = path.replace(/\/renewal$/, '');
    const refusesPrinting = async () => {
      const print = await request(env.t.app).get(`${letter}/print`).expect(409);
      expect(print.text).toContain('has changed, so it is neither sent nor printed');
      await request(env.t.app).get(`${letter}.pdf`).expect(409);
    };
    await refusesPrinting(); // held as letter_outdated
    env.csrf = await csrfSession(env.t.app);
    await pressSend(path);
    await refusesPrinting(); // held as renewed:<the new batch>
    while ((await env.t.runtime.worker.runOnce()) > 0); // the letter as it now reads goes
  });

  test("when its member was re-elected but the district was redrawn away from the writer, then it waits while the state's new districts are unpublished, then is not sent; the writer gets the letter to their new member, and nothing without the button", async () => {
    const batchUrl = await heldLetterToBudzinski();
    env.t.clock.set(new Date(END_OF_119TH.getTime() + 2 * 60 * 60_000));
    const officesBefore = toOffices().length;
    const emailsBefore = env.sink.messages.length;

    // The members come first: Illinois's new districts are not published yet. However often the worker
    // looks, nothing is sent and the writer is not told anything: who represents them is not known yet.
    load120th();
    for (let round = 0; round < 3; round++) {
      env.t.clock.advance(16 * 60_000);
      while ((await env.t.runtime.worker.runOnce()) > 0);
    }
    expect(toOffices()).toHaveLength(officesBefore);
    expect(env.sink.messages).toHaveLength(emailsBefore);
    const waiting = await request(env.t.app).get(batchUrl).expect(200);
    expect(waiting.text).toContain('dc-status--held');
    expect(waiting.text).toContain(
      'your state&#x27;s districts for the new Congress are not published yet, so we cannot tell yet whether this member still represents your address',
    );

    // Illinois's map is published: the writer's ZIP is in the 15th district now.
    load120th(15);
    env.t.clock.advance(16 * 60_000);
    const { email, path } = await asItWouldReadNow('Representative Nikki Budzinski');
    expect(email.parsed.text).toContain(
      'Representative Nikki Budzinski no\nlonger represents your address (Springfield, IL 62704)',
    );
    expect(email.parsed.text).toContain('to Representative Mary E. Miller');
    expect(email.parsed.text).toContain('Dear Representative Miller:');

    // Without the button, nothing is sent, however often the worker runs.
    for (let round = 0; round < 3; round++) while ((await env.t.runtime.worker.runOnce()) > 0);
    expect(toOffices()).toHaveLength(officesBefore);

    env.csrf = await csrfSession(env.t.app);
    await pressSend(path);
    while ((await env.t.runtime.worker.runOnce()) > 0);
    const sent = toOffices().slice(officesBefore);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.parsed.text).toContain('Dear Representative Miller:');
    expect(sent[0]!.parsed.text).not.toContain('Budzinski');
    expect(MILLER).toBe(env.t.runtime.deps.civic.houseMemberFor('IL', 15)!.bioguide);
  });
});
