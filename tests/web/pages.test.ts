/**
 * The whole journey without JavaScript, through Supertest: plain GET and POST forms, as a browser with
 * scripts off would send them.
 */
import request from 'supertest';
import { createTestApp, type TestApp } from '../helpers/app';
import { SENDER } from '../helpers/sender';
import { csrfSession } from './security-helpers';

let t: TestApp;
let agent: Awaited<ReturnType<typeof csrfSession>>['agent'];
let _csrf: string;
beforeAll(async () => {
  t = await createTestApp();
  ({ agent, token: _csrf } = await csrfSession(t.app));
});
afterAll(() => t.close());

const sender = SENDER;

function linksFrom(html: string, pattern: RegExp): string[] {
  return [...html.matchAll(pattern)].map((m) => m[1]!);
}

describe('pages without JavaScript', () => {
  test('when the home page loads, then it shows the campaign, both bill numbers and the address field', async () => {
    const res = await request(t.app).get('/').expect(200);
    expect(res.text).toContain('STOP CSAM Act');
    expect(res.text).toContain('S. 1829');
    expect(res.text).toContain('H.R. 3921');
    expect(res.text).toContain('Street address, city, state ZIP');
    expect(res.text).toMatch(/Member data as of \d{4}-\d{2}-\d{2}/);
    expect(res.text).not.toMatch(/passed the (Senate|House)/i);
    // Read (and stacked on a phone) in this order: the summary, the address form, then the bills' status.
    const at = (marker: string) => res.text.indexOf(marker);
    expect(at('class="usa-intro"')).toBeGreaterThan(0);
    expect(at('class="usa-intro"')).toBeLessThan(at('id="address"'));
    expect(at('id="address"')).toBeLessThan(at('class="dc-bill-status"'));
  });

  test('when an address has no ZIP, then the home page comes back with the error at the field and the text kept', async () => {
    const res = await request(t.app)
      .get('/campaigns/stop-csam/members')
      .query({ address: '12 Nowhere Road' })
      .expect(400);
    expect(res.text).toContain('id="address-error"');
    expect(res.text).toContain('value="12 Nowhere Road"');
    expect(res.text).toContain('href="#address"');
  });

  test('when the letter page loads, then its step indicator and fields come from their partials', async () => {
    const res = await request(t.app)
      .get('/campaigns/stop-csam/write')
      .query({ address: '100 Main St, Springfield, IL 62704' })
      .expect(200);
    expect(res.text).toContain('Step 2 of 3: <span class="usa-step-indicator__heading-text">Write</span>');
    expect(res.text).toMatch(
      /segment--complete"><span class="usa-step-indicator__segment-label">Find your members/,
    );
    expect(res.text).toMatch(/segment--current" aria-current="step"><span[^>]*>Write/);
    expect(res.text).toMatch(
      /<label class="usa-label" for="city">City<\/label>\s*<input class="usa-input " id="city" name="city" type="text" autocomplete="address-level2" value="Springfield" maxlength="100" dir="ltr"/,
    );
  });

  test('when a one-district ZIP is looked up, then two senators and one House member are shown with contact links', async () => {
    const res = await request(t.app)
      .get('/campaigns/stop-csam/members')
      .query({ address: '100 Main St, Springfield, IL 62704' })
      .expect(200);
    expect(res.text).toContain('Your senators');
    expect((res.text.match(/Official contact form/g) ?? []).length).toBe(3);
    expect(res.text).toContain('district 13');
    expect(res.text).not.toContain('more than one congressional district');
  });

  test('when a ZIP spans three districts, then the page says so and offers each candidate to pick', async () => {
    const res = await request(t.app)
      .get('/campaigns/stop-csam/members')
      .query({ address: 'Chicago IL 60614' })
      .expect(200);
    expect(res.text).toContain('more than one congressional district');
    expect(linksFrom(res.text, /name="district" value="([^"]+)"/g).sort()).toEqual(['IL-3', 'IL-5', 'IL-7']);
    const picked = await request(t.app)
      .get('/campaigns/stop-csam/members')
      .query({ address: 'Chicago IL 60614', district: 'IL-5' })
      .expect(200);
    expect(picked.text).not.toContain('more than one congressional district');
    expect(picked.text).toContain('district 5');
  });

  test('when DC is looked up, then there are no senators and the delegate is shown', async () => {
    const res = await request(t.app)
      .get('/campaigns/stop-csam/members')
      .query({ address: 'Washington DC 20001' })
      .expect(200);
    expect(res.text).toContain('has no senators');
    expect(res.text).toContain('Delegate');
  });

  test('when a person writes, reviews and saves letters, then the batch page offers email, print and web form', async () => {
    const compose = await request(t.app)
      .get('/campaigns/stop-csam/write')
      .query({ address: '100 Main St, Springfield, IL 62704' })
      .expect(200);
    const members = linksFrom(compose.text, /name="member" value="([A-Z]\d{6})"/g);
    expect(members).toHaveLength(3);
    expect(compose.text).toContain('S. 1829');
    expect(compose.text).toContain('H.R. 3921');

    const form: Record<string, string | string[]> = {
      ...sender,
      address: '100 Main St, Springfield, IL 62704',
      member: members,
    };
    form.personalNote = 'My daughter is twelve and uses these apps every day.';
    const review = await agent
      .post('/campaigns/stop-csam/review')
      .type('form')
      .send({ ...form, _csrf })
      .expect(200);
    expect(review.text).toContain('This is exactly what will be sent');
    expect(review.text).toMatch(/Dear Senator [A-Z][\w\u00C0-\u017F'-]+:/);
    expect(review.text).toMatch(/Dear Representative [A-Z][\w\u00C0-\u017F'-]+:/);
    expect(review.text).toContain('The Honorable');
    expect(review.text).toContain('My daughter is twelve');
    expect(review.text).toContain('Ana Núñez');

    const saved = await agent
      .post('/campaigns/stop-csam/letters')
      .type('form')
      .send({ ...form, _csrf })
      .expect(303);
    const batchUrl = saved.headers.location as string;
    expect(batchUrl).toMatch(/^\/letters\/batch\/[\w-]{22}$/);
    const batch = await request(t.app).get(batchUrl).expect(200);
    expect(batch.text).toContain('By post');
    expect(batch.text).toContain('I sent it through the website');
    const letterIds = linksFrom(batch.text, /href="\/letters\/([\w-]{22})\/print"/g);
    expect(letterIds).toHaveLength(3);

    const print = await request(t.app).get(`/letters/${letterIds[0]}/print`).expect(200);
    expect(print.text).toContain('Sincerely,');
    expect(print.text).toContain('irradiated');
    const pdf = await request(t.app).get(`/letters/${letterIds[0]}.pdf`).buffer(true).expect(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');

    const webform = await agent
      .post(`/letters/${letterIds[1]}/webform`)
      .type('form')
      .send({ _csrf })
      .expect(303);
    // Not confirmed: the send is reported by the writer, and the page offers to confirm the address.
    expect(webform.headers.location).toContain('notice=webform-reported');
    // Something went out: the page invites sharing, with the House letter's district toward its goal.
    const after = await request(t.app).get(batchUrl).expect(200);
    expect(after.text).toContain('id="share-heading"');
    expect(after.text).toMatch(
      /<strong>\d+<\/strong> letters? from <bdi>IL-13<\/bdi> toward a goal of 100\./,
    );
    expect(batch.text).not.toContain('toward a goal of');
  });

  test('when the letter form has errors, then it comes back with every message at its field and the typed text kept', async () => {
    const compose = await request(t.app)
      .get('/campaigns/stop-csam/write')
      .query({ address: 'Springfield IL 62704' });
    const members = linksFrom(compose.text, /name="member" value="([A-Z]\d{6})"/g);
    const res = await agent
      .post('/campaigns/stop-csam/review')
      .type('form')
      .send({
        _csrf,
        ...sender,
        email: 'not-an-email',
        name: '',
        member: members,
        [`body_${members[0]}`]: 'My own words <b>kept</b> here, long enough.',
      })
      .expect(400);
    expect(res.text).toContain('id="email-error"');
    expect(res.text).toContain('id="name-error"');
    expect(res.text).toContain('value="not-an-email"');
    expect(res.text).toContain('My own words &lt;b&gt;kept&lt;/b&gt; here, long enough.');
    // One letter open: the one whose text came back (the first), the others collapsed with "Edit".
    expect(
      res.text.match(/<details class="dc-letter-editor" name="dc-letter" id="letter-[A-Z]\d{6}" open>/g),
    ).toHaveLength(1);
    expect(res.text).toContain(`id="letter-${members[0]}" open>`);
    expect(res.text).toMatch(/id="body_[A-Z]\d{6}-summary"[^>]*>Your edited letter on S\. 1829</);
  });

  test("when the letter page knows the person's House district, then it shows its letters toward the district goal", async () => {
    const res = await request(t.app)
      .get('/campaigns/stop-csam/write')
      .query({ address: '100 Main St, Springfield, IL 62704' })
      .expect(200);
    expect(res.text).toMatch(/<strong>\d+<\/strong> letters? from <bdi>IL-13<\/bdi> toward a goal of 100\./);
    expect(res.text).toContain('href="/campaigns/stop-csam/progress?district=IL-13#your-district"');
    // A ZIP that spans several districts leaves the district open: no line.
    const ambiguous = await request(t.app)
      .get('/campaigns/stop-csam/write')
      .query({ address: 'Chicago IL 60614' })
      .expect(200);
    expect(ambiguous.text).not.toContain('toward a goal of');
  });
});
