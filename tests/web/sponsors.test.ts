/**
 * The imported sponsor roll in the running app: members pages show who signed on and since when, and the
 * progress page says how many of the members written to have signed on; the server's refresh brings in
 * a new cosponsor without a restart.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { importBillStatus } from '../../src/civic-data/bill-status';
import { CANONICAL_SOURCE_URLS } from '../../src/config/config';
import { createTestApp, type TestApp } from '../helpers/app';
import { importedDataDir } from '../helpers/civic-data';
import { ADDRESS, SENDER } from '../helpers/sender';
import { verifyLetters } from '../../src/tracking/verification';
import { csrfSession } from './security-helpers';

let t: TestApp;
// Building the app imports the data mirror: a generous budget on a busy machine.
beforeAll(async () => {
  await importBillStatus({
    bills: [
      { congress: 119, type: 's', number: 1829 },
      { congress: 119, type: 'hr', number: 3921 },
    ],
    outDir: await importedDataDir(),
    from: path.resolve(__dirname, '..', 'fixtures', 'billstatus'),
    now: new Date('2026-11-28T12:00:00Z'),
    urls: CANONICAL_SOURCE_URLS,
  });
  t = await createTestApp();
}, 120_000);
afterAll(() => t.close());

test('when the roll is imported, then the pages and letters use it', async () => {
  const mo = await request(t.app).get('/campaigns/stop-csam/members').query({ address: '65101' }).expect(200);
  expect(mo.text).toContain('Cosponsor since 21 May 2025');
  const preview = await request(t.app)
    .post('/api/letters/preview')
    .send({ bioguide: 'D000563', sender: SENDER })
    .expect(200);
  expect(preview.body.ask).toBe('thanks');
});

test("when a bill's record is imported, then the home page shows its latest action with that action's date; a bill without one keeps the campaign's text and date", async () => {
  const home = await request(t.app).get('/').expect(200);
  expect(home.text).toContain(
    'S. 1829, latest action on 9 December 2025 (from the bill&#x27;s record on Congress.gov): <span>Objection heard to the request to pass the bill by unanimous consent.</span>',
  );
  // The House fixture has no latest action: the campaign's own text, with its own date.
  expect(home.text).toContain('H.R. 3921, as of 9 December 2025:');
  const es = await request(t.app).get('/?lang=es').expect(200);
  expect(es.text).toContain('S. 1829, última actuación el 9 de diciembre de 2025');
  expect(es.text).toContain('<span lang="en" dir="ltr">Objection heard');
});

test('when letters go to a sponsor and two members who have not signed on, then progress says 1 of 3 signed on', async () => {
  const { agent, token } = await csrfSession(t.app);
  const compose = await request(t.app)
    .get('/campaigns/stop-csam/write')
    .query({ address: ADDRESS })
    .expect(200);
  const members = [...compose.text.matchAll(/name="member" value="([A-Z]\d{6})"/g)].map((m) => m[1]!);
  expect(members).toContain('D000563');
  const saved = await agent
    .post('/campaigns/stop-csam/letters')
    .type('form')
    .send({ ...SENDER, address: ADDRESS, member: members, _csrf: token })
    .expect(303);
  // The writer confirms their email: only verified letters count on the progress page (issue 18).
  const { db } = t.runtime.deps.storage;
  const batchId = String(saved.headers.location).split('/').pop()!;
  await verifyLetters(
    db,
    await db.selectFrom('letters').selectAll().where('batch_id', '=', batchId).execute(),
    t.clock.now(),
  );
  const progress = await request(t.app).get('/campaigns/stop-csam/progress').expect(200);
  expect(progress.text).toContain(
    '1 of the 3 members of Congress our writers wrote to have signed on to the bill.',
  );
  expect(progress.text).toContain('letters written to members of the 119th Congress so far');
});

test('when a senator cosponsors while the server runs, then its daily refresh thanks her in the next letter, no restart', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dc-sponsors-data-'));
  const source = fs.mkdtempSync(path.join(os.tmpdir(), 'dc-sponsors-source-'));
  for (const file of fs.readdirSync(await importedDataDir())) {
    if (file.endsWith('.json'))
      fs.copyFileSync(path.join(await importedDataDir(), file), path.join(dataDir, file));
  }
  // The source folder has the bills' status files only: the member import fails there, the rolls do not.
  const withCantwell = fs
    .readFileSync(path.join(__dirname, '..', 'fixtures', 'billstatus', 'BILLSTATUS-119s1829.xml'), 'utf8')
    .replace(
      '<cosponsors>',
      '<cosponsors><item><bioguideId>C000127</bioguideId><fullName>Sen. Cantwell, Maria [D-WA]</fullName>' +
        '<sponsorshipDate>2026-11-28</sponsorshipDate><isOriginalCosponsor>False</isOriginalCosponsor></item>',
    );
  fs.writeFileSync(path.join(source, 'BILLSTATUS-119s1829.xml'), withCantwell);
  const running = await createTestApp({ DATA_DIR: dataDir, CIVIC_DATA_FROM: source });
  try {
    const askOf = async () =>
      (
        await request(running.app)
          .post('/api/letters/preview')
          .send({ bioguide: 'C000127', sender: { ...SENDER, state: 'WA', zip: '98101' } })
          .expect(200)
      ).body.ask as string;
    expect(await askOf()).not.toBe('thanks');
    const outcome = await running.runtime.dataRefresh.refreshNow();
    expect(outcome.ok).toBe(false);
    expect(await askOf()).toBe('thanks');
  } finally {
    await running.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(source, { recursive: true, force: true });
  }
});
