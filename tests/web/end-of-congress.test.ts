/**
 * The end of a Congress with no successor loaded yet (the injectable clock moves past 3 January 2027):
 * lookups still answer with a notice; saving a letter to a member whose term ended is refused in the
 * person's language; letters queued before are held, not sent, and shown as held; a senator in mid-term
 * still gets theirs; a held letter goes out once the member is back in the next Congress's data, and one to
 * a member who is not is never sent: its writer is told, with the letter, and pointed to their members now.
 */
import request from 'supertest';
import { congressEnds } from '../../src/civic-data/congress';
import { CivicIndex } from '../../src/civic-data/load';
import type { CivicIndexFile } from '../../src/civic-data/types';
import { emailAndConfirmBatch, useEmailTestApp } from '../helpers/email-app';
import { ADDRESS, SENDER } from '../helpers/sender';
import { csrfSession } from './security-helpers';

const OFFICE_INBOX = 'letters@stop-csam.example.org';
/** IL-13's representative and Illinois's senators: Durbin's term ends with the 119th, Duckworth's in 2029. */
const BUDZINSKI = 'B001315';
const DURBIN = 'D000563';
const DUCKWORTH = 'D000622';

const env = useEmailTestApp();

function saveLetters(members: string[], lang = 'en') {
  return request(env.t.app)
    .post(`/campaigns/stop-csam/letters?lang=${lang}`)
    .set('Cookie', env.csrf.cookie)
    .type('form')
    .send({ _csrf: env.csrf.token, ...SENDER, address: ADDRESS, member: members });
}

/** CSRF tokens expire (src/web/csrf.ts): after moving the clock by months, the visitor opens a page again. */
async function freshCsrf(): Promise<void> {
  env.csrf = await csrfSession(env.t.app);
}

/** Noon Eastern on 3 January 2027, from the one Congress clock. */
const END_OF_119TH = congressEnds(119);

describe('at the end of a Congress, before the next one is loaded', () => {
  test('when the Congress has ended, then lookups still answer with a notice, saving is refused in the person’s language, and /readyz says degraded', async () => {
    env.t.clock.set(new Date(END_OF_119TH.getTime() + 24 * 60 * 60_000));
    await freshCsrf();
    const api = await request(env.t.app).get('/api/representatives').query({ zip: '62704' }).expect(200);
    expect(api.body.data).toMatchObject({ congress: 119, stale: true });
    expect(api.body.members.map((m: { bioguide: string }) => m.bioguide)).toContain(BUDZINSKI);
    const page = await request(env.t.app)
      .get('/campaigns/stop-csam/members')
      .query({ address: ADDRESS })
      .expect(200);
    expect(page.text).toContain('member list is being updated');

    const refused = await saveLetters([BUDZINSKI]).expect(409);
    expect(refused.text).toContain(
      'The new Congress has begun and its member list is being updated. Letters to members whose term has ended cannot be saved or sent',
    );
    expect((await saveLetters([DURBIN, BUDZINSKI], 'es').expect(409)).text).toContain(
      'Comenzó el nuevo Congreso y estamos actualizando su lista de legisladores.',
    );
    expect((await saveLetters([BUDZINSKI], 'ar').expect(409)).text).toContain('بدأ الكونغرس الجديد');
    // A senator in mid-term is still a member.
    await saveLetters([DUCKWORTH]).expect(303);

    const ready = await request(env.t.app).get('/readyz').expect(200);
    expect(ready.body.status).toBe('degraded');
    expect(ready.body.degraded).toEqual([
      "the data is of Congress 119, valid until 2027-01-03; the next Congress's data is not loaded yet",
    ]);
  });

  test('when letters were queued before the end, then the ones to members whose term ended are held and shown as held, none goes with a dead bill’s ask, and never one to a member who left', async () => {
    env.t.clock.set(new Date('2027-01-02T15:00:00Z'));
    await freshCsrf();
    const saved = await saveLetters([DURBIN, DUCKWORTH, BUDZINSKI]).expect(303);
    const batchUrl = saved.headers.location as string;
    const confirmation = await emailAndConfirmBatch(env, batchUrl);

    // The Congress ends before the worker gets to the letters.
    env.t.clock.set(new Date(END_OF_119TH.getTime() + 60_000));
    await freshCsrf();
    while ((await env.t.runtime.worker.runOnce()) > 0);
    const toOffices = () => env.sink.messages.filter((m) => m.envelopeTo.includes(OFFICE_INBOX));
    const copies = () =>
      env.sink.messages.filter((m) => m.envelopeTo.includes(SENDER.email) && m !== confirmation);
    // Senator Duckworth serves on, but the letter asks her to support a bill that died at noon: it is not
    // sent; the writer is emailed the letter as it reads now (the reintroduce ask), with a button.
    const asNow = () =>
      copies().filter((m) => /here it is as it would read now/.test(m.parsed.subject ?? ''));
    expect(toOffices()).toHaveLength(0);
    expect(copies()).toHaveLength(1);
    expect(asNow().map((m) => m.parsed.subject)).toEqual([
      'Your letter to Senator Tammy Duckworth was not sent: here it is as it would read now',
    ]);

    const page = await request(env.t.app).get(batchUrl).expect(200);
    expect((page.text.match(/dc-status--held/g) ?? []).length).toBe(2);
    expect((page.text.match(/dc-status--sent/g) ?? []).length).toBe(0);
    expect(page.text).toContain('This letter is held, not sent');
    const es = await request(env.t.app).get(`${batchUrl}?lang=es`).expect(200);
    expect(es.text).toContain('Esta carta está retenida, no enviada');
    // A held letter's section (not the outdated one's, which links to the letter as it would now read).
    const sections = page.text.split('id="status-').slice(1);
    const heldId = sections.find((s) => s.includes('dc-status--held'))!.slice(0, 22);
    expect(page.text).not.toContain(`href="/letters/${heldId}/print"`);
    await request(env.t.app).get(`/letters/${heldId}/print`).expect(409);

    // Still held at the next look, however often the worker runs.
    env.t.clock.set(new Date(END_OF_119TH.getTime() + 60 * 60_000));
    await freshCsrf();
    while ((await env.t.runtime.worker.runOnce()) > 0);
    expect(toOffices()).toHaveLength(0);

    // The next Congress's data comes in with Representative Budzinski re-elected and Senator Durbin gone
    // (his successor is someone else): her letter asked for a dead bill, so the writer gets it as it reads
    // now; his is never sent, and the writer is told once, with the letter attached and a way to write to
    // the members who represent them now.
    const civic = env.t.runtime.deps.civic;
    const next = structuredClone({
      meta: civic.meta,
      members: civic.members,
      districts: civic.districts,
      vacancies: civic.vacancies,
      // The writer's ZIP keeps its district (IL-13) in the new maps.
      zips: { '62704': { districts: [...civic.districtsForZip('62704')] } },
    }) as unknown as CivicIndexFile;
    next.meta = { ...next.meta, congress: 120, validUntil: '2029-01-03' };
    next.members = next.members
      .filter((m) => m.bioguide !== DURBIN)
      .map((m) => (m.bioguide === BUDZINSKI ? { ...m, termEnd: '2029-01-03' } : m));
    civic.replaceWith(new CivicIndex(next));
    env.t.clock.set(new Date(END_OF_119TH.getTime() + 2 * 60 * 60_000));
    await freshCsrf();
    while ((await env.t.runtime.worker.runOnce()) > 0);
    expect(toOffices()).toHaveLength(0);
    expect(asNow().map((m) => m.parsed.subject)).toEqual([
      'Your letter to Senator Tammy Duckworth was not sent: here it is as it would read now',
      'Your letter to Representative Nikki Budzinski was not sent: here it is as it would read now',
    ]);
    const notSent = copies().filter((m) => /was not sent$/.test(m.parsed.subject ?? ''));
    expect(notSent).toHaveLength(1);
    expect(notSent[0]!.parsed.subject).toBe('Your letter to Senator Richard J. Durbin was not sent');
    expect(notSent[0]!.parsed.text).toContain('is no longer a member of');
    expect(notSent[0]!.parsed.text).toContain('https://letters.example.org/campaigns/stop-csam');
    expect(notSent[0]!.parsed.text).not.toContain('official contact form');
    expect(notSent[0]!.parsed.attachments.map((a) => a.contentType)).toEqual(['application/pdf']);
    // Nothing else reached the writer.
    expect(copies()).toHaveLength(3);

    const after = await request(env.t.app).get(batchUrl).expect(200);
    expect((after.text.match(/dc-status--held/g) ?? []).length).toBe(0);
    expect((after.text.match(/dc-status--sent/g) ?? []).length).toBe(0);
    expect(after.text).toContain('is no longer a member of Congress, so this letter will not be sent');
    expect(after.text).toContain('href="/campaigns/stop-csam"');
    const durbinLetter = after.text
      .split('<article')
      .find((article) => article.includes('is no longer a member of Congress'))!
      .match(/id="status-([\w-]{22})"/)![1]!;
    const refused = await request(env.t.app).get(`/letters/${durbinLetter}/print`).expect(409);
    expect(refused.text).toContain('This member is no longer in Congress');
    const arabic = await request(env.t.app).get(`${batchUrl}?lang=ar`).expect(200);
    expect(arabic.text).toContain('عضوًا في الكونغرس، لذلك لن تُرسل هذه الرسالة');

    // Later rounds send nothing more.
    while ((await env.t.runtime.worker.runOnce()) > 0);
    expect(env.sink.messages.filter((m) => m !== confirmation)).toHaveLength(3);
  });
});
