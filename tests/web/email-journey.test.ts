/**
 * The email channel through the pages, against a real SMTP server on 127.0.0.1: save letters, ask for
 * email, open the one-time link from the confirmation email, and see the letters delivered and counted.
 */
import request from 'supertest';
import { useEmailTestApp } from '../helpers/email-app';
import { ADDRESS, SENDER } from '../helpers/sender';

const env = useEmailTestApp();

async function saveLetters(email: string): Promise<{ batchUrl: string; members: string[] }> {
  const address = ADDRESS;
  const compose = await request(env.t.app).get('/campaigns/stop-csam/write').query({ address });
  const members = [...compose.text.matchAll(/name="member" value="([A-Z]\d{6})"/g)].map((m) => m[1]!);
  const saved = await request(env.t.app)
    .post('/campaigns/stop-csam/letters')
    .set('Cookie', env.csrf.cookie)
    .type('form')
    .send({
      _csrf: env.csrf.token,
      ...SENDER,
      email,
      address,
      member: members,
    })
    .expect(303);
  return { batchUrl: saved.headers.location as string, members };
}

describe('email through the pages', () => {
  test('when a person confirms by the emailed link, then each letter is delivered once, counted and shown as sent', async () => {
    const { batchUrl, members } = await saveLetters('ana@example.org');
    const before = (await request(env.t.app).get('/api/campaigns/stop-csam/stats')).body;

    const asked = await request(env.t.app)
      .post(`${batchUrl}/email`)
      .set('Cookie', env.csrf.cookie)
      .type('form')
      .send({ _csrf: env.csrf.token })
      .expect(303);
    expect(asked.headers.location).toContain('notice=confirmation-sent');
    await env.t.runtime.worker.runOnce();
    const [confirmation] = await env.sink.waitForMessages(1);
    expect(confirmation!.envelopeTo).toEqual(['ana@example.org']);
    const link = /https:\/\/letters\.example\.org(\/letters\/confirm\/[\w-]+)/.exec(
      confirmation!.parsed.text ?? '',
    )?.[1];
    expect(link).toMatch(/^\/letters\/confirm\/[\w-]{20,}$/);
    // Without CWC every letter goes to the campaign's inbox: the email says so, and that it is only a copy.
    const inboxLines = (confirmation!.parsed.text ?? '').match(
      /to the campaign's inbox \(letters@stop-csam\.example\.org\): a copy for the campaign/g,
    );
    expect(inboxLines).toHaveLength(members.length);
    expect(confirmation!.parsed.text).not.toContain('email your letters to Congress');

    // Nothing is delivered or counted as emailed before the person proves the address.
    const pending = (await request(env.t.app).get('/api/campaigns/stop-csam/stats')).body;
    expect(pending.byChannel.emailed).toBe(before.byChannel.emailed);

    // The link opens a page with the letters and a button; only the button's POST confirms.
    const confirmPage = await request(env.t.app).get(link!).expect(200);
    expect(confirmPage.text).toContain('Send my letters');
    expect(
      confirmPage.text.match(/Goes to the campaign’s inbox \(letters@stop-csam\.example\.org\)/g),
    ).toHaveLength(members.length);
    expect(pending.total).toBe(before.total);
    const confirmed = await request(env.t.app)
      .post(link!)
      .set('Cookie', env.csrf.cookie)
      .type('form')
      .send({ _csrf: env.csrf.token })
      .expect(303);
    expect(confirmed.headers.location).toBe(`${batchUrl}?notice=confirmed`);
    while ((await env.t.runtime.worker.runOnce()) > 0);
    const all = await env.sink.waitForMessages(1 + members.length * 2);
    const toOffices = all.filter((m) => m.envelopeTo.includes('letters@stop-csam.example.org'));
    expect(toOffices).toHaveLength(members.length);
    for (const mail of toOffices) {
      expect(mail.parsed.replyTo?.value[0]?.address).toBe('ana@example.org');
      expect(mail.parsed.from?.value[0]?.address).toBe('letters@campaign.example.org');
      expect(mail.parsed.text).toContain('STOP CSAM Act of 2025');
    }
    const copies = all.filter((m) => m.envelopeTo.includes('ana@example.org') && m !== confirmation);
    expect(copies).toHaveLength(members.length);
    expect(copies.every((m) => m.parsed.attachments.some((a) => a.contentType === 'application/pdf'))).toBe(
      true,
    );

    const page = await request(env.t.app).get(batchUrl).expect(200);
    expect((page.text.match(/dc-status--sent/g) ?? []).length).toBe(members.length);
    const after = (await request(env.t.app).get('/api/campaigns/stop-csam/stats')).body;
    expect(after.byChannel.emailed - before.byChannel.emailed).toBe(members.length);
    // A confirmed email makes the letters count in the public total.
    expect(after.total - before.total).toBe(members.length);

    // The link is single use: a second click shows the status, and sends nothing more.
    const again = await request(env.t.app).get(link!).expect(303);
    expect(again.headers.location).toContain('already-confirmed');
    expect(await env.t.runtime.worker.runOnce()).toBe(0);
  });

  test('when the link is forged, then a clear not-found page answers', async () => {
    const res = await request(env.t.app).get('/letters/confirm/not-a-real-token').expect(404);
    expect(res.text).toContain('not valid');
  });

  test('when the person deletes their data, then their letters lose personal fields and the counts stay', async () => {
    const { batchUrl } = await saveLetters('del@example.org');
    const before = (await request(env.t.app).get('/api/campaigns/stop-csam/stats')).body.total;
    await request(env.t.app)
      .post(`${batchUrl}/delete`)
      .set('Cookie', env.csrf.cookie)
      .type('form')
      .send({ _csrf: env.csrf.token })
      .expect(200);
    const page = await request(env.t.app).get(batchUrl).expect(200);
    expect(page.text).not.toContain('Ana Núñez');
    expect((await request(env.t.app).get('/api/campaigns/stop-csam/stats')).body.total).toBe(before);
  });
});
