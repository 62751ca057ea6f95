/**
 * Rehearsal of 3 January 2027, read as the operator's timeline (docs/data.md tells the same story). The
 * server refreshes itself from a folder that the publishers fill in stages. At each point we look at what
 * writers in Alaska (one seat: its map cannot have changed) and in New York (redrawn: ZIP 10001 is split
 * between the 10th and 12th districts on the 119th map and wholly in the 10th on the 120th) see on the
 * write page, and at what actually leaves: the outbox worker delivers House letters to a local stand-in for
 * Communicating with Congress (CWC) and emails writers through a local SMTP server.
 *
 *   2 Jan 23:00 ET   The 119th Congress, whole. Letters ask to support H.R. 3921; CWC cites H.R. 3921.
 *                    Ana (AK) and Ben (NY) confirm theirs at once: delivered. Cara (AK) and Dev (NY) save
 *                    theirs and leave the confirmation email for the morning.
 *   3 Jan 11:59 ET   Still the 119th: terms end at noon Eastern, not at midnight UTC. Cara and Dev confirm.
 *   3 Jan 12:01 ET   The 119th has ended, and its bills with it. The worker holds Cara's and Dev's letters
 *                    (nothing reaches CWC); the write page names the House members as ended, unticked.
 *                    Upstream publishes the 120th members: the refresh takes them at once. Alaska is served;
 *                    New York is named as not published. Cara is emailed her letter as it would now read
 *                    (the reintroduce ask) and sends it with the button; Dev's letter waits for New York's map.
 *   4 Jan            The Bureau publishes New York's block equivalency file: its ZIP table is the 120th's.
 *                    Dev's held letter is not sent to the 12th district he no longer lives in: he is emailed
 *                    the letter to his new member, and the button sends that one. Boundaries are awaited
 *                    ("use my location" asks for a street address).
 *   1 Feb            The relationship file and the boundaries: nothing is awaited any more; nothing is left
 *                    in the outbox.
 *   1 Mar            congress.gov lists the bill reintroduced in the Senate (S. 41): the refresh finds it,
 *                    and until the organiser adopts it on the admin page the reintroduce ask stands.
 *                    Adopted (the Senate's alone): Senate letters ask to support S. 41 and their CWC
 *                    document cites it alone; House letters, in the same batch, still ask to reintroduce.
 *   8 Mar            The House's H.R. 12 is listed and adopted: House letters ask to support it, and CWC
 *                    cites it. Undoing the House's adoption brings its reintroduce ask back; the Senate's
 *                    stands.
 */
import { promises as fs } from 'node:fs';
import type { RequestListener } from 'node:http';
import path from 'node:path';
import { decodeHTML } from 'entities';
import request from 'supertest';
import { importCivicData } from '../../src/civic-data/import';
import { letterDocument } from '../../src/delivery/cwc/letter-document';
import { HOUSE, legislators, writeSources, type Seat } from '../fixtures/civic/congress-sources';
import { makeTempDir, removeDir } from '../fixtures/civic/mirror';
import { createTestApp, fromManyClients, type TestApp } from '../helpers/app';
import {
  startCongressGovStandIn,
  STOP_CSAM_119,
  STOP_CSAM_120,
  type CongressGovStandIn,
} from '../helpers/congress-gov-stand-in';
import { cwcSettings, startCwcStandIn, type CwcStandIn } from '../helpers/cwc-stand-in';
import { expectSchemaValid } from '../helpers/cwc-schema';
import { SmtpSink, type ReceivedMail } from '../helpers/smtp-sink';
import { zipOf } from '../helpers/zip';
import { adminSession, csrfSession } from '../web/security-helpers';

jest.setTimeout(120_000);

/** Eastern Standard Time (UTC-5) holds from 2 January to 1 March 2027. */
const ET = (isoLocal: string): Date => new Date(`${isoLocal}-05:00`);

const ADMIN_TOKEN = 'admin-token-for-the-rehearsal-of-3-january';
const CONGRESS_GOV_KEY = 'stand-in-key-rehearsal';

const ALASKAN = 'A000001';
const TWELFTH = 'N000012'; // re-elected in the 12th district
const TENTH_119 = 'N000010';
const TENTH_120 = 'N000110'; // new in the 10th district
const NY_SENATOR = 'S000001'; // serving through both Congresses

// New York's 120th member for the 10th district is new; the others were re-elected.
const HOUSE_120: Seat[] = HOUSE.map((seat) =>
  seat.bioguide === TENTH_119 ? { ...seat, bioguide: TENTH_120, last: 'Newcomer' } : seat,
);

/** New York's block equivalency file of the 120th (the Bureau publishes one per state): 10001 in the 10th. */
const NY_BEF = ['GEOID,CDFP', '360610001001000,10', '360610001001001,10', '360610002001000,12'].join('\n');
/** The 2020 ZCTA-to-block relationship file: the blocks of ZIP 10001 (800 + 200 m²), 10025 and 99501. */
const ZCTA_BLOCKS = [
  'GEOID_ZCTA5_20|GEOID_TABBLOCK_20|AREALAND_PART',
  '10001|360610001001000|800',
  '10001|360610001001001|200',
  '10025|360610002001000|500',
  '99501|020200001001000|900',
].join('\n');
/** The 120th relationship file, when it comes, agrees with the block join. */
const ROWS_120: Array<[string, string, number]> = [
  ['0200', '99501', 900],
  ['3610', '10001', 1000],
  ['3612', '10025', 500],
  ['1198', '20001', 400],
];

interface Writer {
  name: string;
  email: string;
  street: string;
  city: string;
  state: string;
  zip: string;
  /** What the writer typed on the first page. */
  address: string;
}
const writer = (name: string, place: 'AK' | 'NY'): Writer => ({
  name,
  email: `${name.split(' ')[0]!.toLowerCase()}@example.org`,
  ...(place === 'AK'
    ? { street: '1 Main St', city: 'Anchorage', state: 'AK', zip: '99501' }
    : { street: '1 Penn Plaza', city: 'New York', state: 'NY', zip: '10001' }),
  address: place === 'AK' ? '1 Main St, Anchorage, AK 99501' : '1 Penn Plaza, New York, NY 10001',
});
const ANA = writer('Ana Alder', 'AK');
const BEN = writer('Ben Birch', 'NY');
const CARA = writer('Cara Cedar', 'AK');
const DEV = writer('Dev Dogwood', 'NY');

let root: string;
let source: string;
let sink: SmtpSink;
let cwc: CwcStandIn;
let congressGov: CongressGovStandIn;
let t: TestApp;
/** The app as the rehearsal's writers reach it: each request from an address of its own. */
let site: RequestListener;

beforeAll(async () => {
  root = await makeTempDir('rehearsal-');
  source = path.join(root, 'source');
  const data = path.join(root, 'data');
  await writeSources(source, { members: 119, zips: 119, shapes: 119 });
  await importCivicData({ from: source, outDir: data });
  sink = await SmtpSink.start();
  cwc = await startCwcStandIn({ apiKey: 'house-key' });
  // congress.gov knows the 119th's bills; their reintroduction is listed on 1 March.
  congressGov = await startCongressGovStandIn({ apiKey: CONGRESS_GOV_KEY, bills: STOP_CSAM_119 });
  t = await createTestApp({
    DATA_DIR: data,
    CIVIC_DATA_FROM: source,
    SMTP_URL: sink.url,
    MAIL_FROM: 'STOP CSAM campaign <letters@campaign.example.org>',
    PUBLIC_URL: 'https://letters.example.org',
    ...cwcSettings({ house: cwc }),
    CONGRESS_GOV_API_KEY: CONGRESS_GOV_KEY,
    CONGRESS_GOV_API_URL: congressGov.url,
    ADMIN_TOKEN,
    // Every writer here comes from this machine: each request from an address of its own instead.
    TRUST_PROXY: 'loopback',
  });
  site = fromManyClients(t.app);
}, 120_000);
afterAll(async () => {
  await t.close();
  await cwc.close();
  await congressGov.close();
  await sink.stop();
  await removeDir(root);
});

/** What a writer sees on the write page: the members ticked, those shown as ended, the notice, a letter. */
async function writePage(who: Writer, district?: string) {
  const res = await request(site)
    .get('/campaigns/stop-csam/write')
    .query({ address: who.address, ...(district ? { district } : {}) })
    .expect(200);
  const html = decodeHTML(res.text);
  return {
    ticked: [...html.matchAll(/name="member" value="([A-Z]\d{6})" checked/g)].map((m) => m[1]!),
    ended: [...html.matchAll(/id="member-([A-Z]\d{6})-ended"/g)].map((m) => m[1]!),
    html,
    /** The subject line of the letter to a member, as the page's letter text opens. */
    letter: (bioguide: string) =>
      new RegExp(`id="body_${bioguide}"[^>]*>([^<]*)<`).exec(html)?.[1]?.split('\n')[0] ?? '',
  };
}

/**
 * A form or button on the site, pressed by a writer who opened the page now (a CSRF session opened at the
 * clock's time); answers the redirect's location.
 */
async function press(path: string, fields: Record<string, unknown> = {}): Promise<string> {
  const session = await csrfSession(t.app);
  const res = await request(site)
    .post(path)
    .set('Cookie', session.cookie)
    .type('form')
    .send({ _csrf: session.token, ...fields })
    .expect(303);
  return res.headers.location as string;
}

/** Saves a letter to one House member, as the write page's form posts it; returns the batch's URL. */
async function save(who: Writer, bioguide: string, district?: string): Promise<string> {
  const { address, ...sender } = who;
  return press('/campaigns/stop-csam/letters', {
    ...sender,
    address,
    member: [bioguide],
    ...(district ? { district } : {}),
  });
}

/** The writer asks for the letters to be emailed; returns the confirmation email's link. */
async function askToEmail(batchUrl: string): Promise<string> {
  const before = sink.messages.length;
  await press(`${batchUrl}/email`);
  await worker();
  const confirmation = (await sink.waitForMessages(before + 1))[before]!;
  return /https:\/\/letters\.example\.org(\/letters\/confirm\/[\w-]+)/.exec(
    confirmation.parsed.text ?? '',
  )![1]!;
}

/** One pass of the outbox worker over everything due now. */
async function worker(): Promise<void> {
  while ((await t.runtime.worker.runOnce()) > 0);
}

/** What reached the House's CWC since the last call: office, the (first) bill cited, subject, writer. */
let cwcSeen = 0;
function deliveredToCwc() {
  const docs = cwc.received.slice(cwcSeen);
  cwcSeen = cwc.received.length;
  return docs.map((d) => ({
    office: d.memberOffice,
    bill: d.fields['Message.Bills.Bill.BillNumber']
      ? `${d.fields['Message.Bills.Bill.BillCongress']} ${d.fields['Message.Bills.Bill.BillTypeAbbreviation']} ${d.fields['Message.Bills.Bill.BillNumber']}`
      : 'none',
    subject: d.fields['Message.Subject'],
    from: d.fields['Constituent.FirstName'],
  }));
}

/** The emails a writer received with this subject. */
const emailsTo = (who: Writer, subject: RegExp): ReceivedMail[] =>
  sink.messages.filter((m) => m.envelopeTo.includes(who.email) && subject.test(m.parsed.subject ?? ''));

/** The one email offering a writer's letter as it would now read, naming the letter's recipient. */
function offerTo(who: Writer, recipient: string): ReceivedMail {
  const offers = emailsTo(who, /here it is as it would read now/);
  expect(offers.map((m) => m.parsed.subject)).toEqual([
    `Your letter to ${recipient} was not sent: here it is as it would read now`,
  ]);
  return offers[0]!;
}

async function batchPage(batchUrl: string): Promise<string> {
  return decodeHTML((await request(site).get(batchUrl).expect(200)).text);
}

/** The "send this letter instead" link of the email offering a letter as it would now read. */
function renewalLink(email: ReceivedMail): string {
  return /https:\/\/letters\.example\.org(\/letters\/[\w-]+\/renewal)/.exec(email.parsed.text ?? '')![1]!;
}
/** The letter the JSON preview gives for a member: its ask, or the refusal's status. */
async function previewAsk(who: Writer, bioguide: string): Promise<string | number> {
  const { address: _typed, ...sender } = who;
  const res = await request(site).post('/api/letters/preview').send({ bioguide, sender });
  return res.status === 200 ? (res.body.ask as string) : res.status;
}

async function lookup(query: Record<string, string | number>) {
  return request(site).get('/api/representatives').query(query);
}
async function readyz() {
  return (await request(site).get('/readyz')).body;
}
async function refresh() {
  return t.runtime.dataRefresh.refreshNow();
}
/** Upstream's congress-legislators now lists the 120th Congress's members. */
async function publishMembers120(): Promise<void> {
  await fs.writeFile(
    path.join(source, 'congress-legislators', 'legislators-current.json'),
    legislators(120, HOUSE_120),
  );
}

/** The subjects of the two letters a House member can get here, and how each letter's text opens. */
const SUPPORT = 'Please support H.R. 3921, the STOP CSAM Act of 2025';
const REINTRODUCE = 'Please reintroduce the STOP CSAM Act in the 120th Congress';
const ASKS_SUPPORT = 'I am writing to ask you to support H.R. 3921';
const ASKS_REINTRODUCTION =
  'H.R. 3921 was not passed before the 119th Congress ended, so it must be introduced again';

test('the operator timeline of 3 January 2027', async () => {
  // --- 2 January, 23:00 Eastern: the 119th Congress, whole. ---
  t.clock.set(ET('2027-01-02T23:00:00'));
  // Ana (Alaska) sees her one representative ticked, the letter asking to support H.R. 3921.
  const anaPage = await writePage(ANA);
  expect(anaPage.ticked).toContain(ALASKAN);
  expect(anaPage.letter(ALASKAN)).toContain(ASKS_SUPPORT);
  // Ben (New York) is in ZIP 10001, split between the 10th and the 12th: he picks the 12th.
  const benPage = await writePage(BEN, 'NY-12');
  expect(benPage.ticked).toContain(TWELFTH);
  expect(benPage.letter(TWELFTH)).toContain(ASKS_SUPPORT);
  // Both confirm at once: the worker delivers both to their offices, citing H.R. 3921.
  await press(await askToEmail(await save(ANA, ALASKAN)));
  await press(await askToEmail(await save(BEN, TWELFTH, 'NY-12')));
  await worker();
  expect(deliveredToCwc()).toEqual([
    { office: 'HAK00', bill: '119 hr 3921', subject: SUPPORT, from: 'Ana' },
    { office: 'HNY12', bill: '119 hr 3921', subject: SUPPORT, from: 'Ben' },
  ]);
  // Cara (Alaska) and Dev (New York) save the same letters and leave the confirmation email for the morning.
  const caraBatch = await save(CARA, ALASKAN);
  const caraConfirm = await askToEmail(caraBatch);
  const devBatch = await save(DEV, TWELFTH, 'NY-12');
  const devConfirm = await askToEmail(devBatch);

  // --- 3 January, 11:59 Eastern: still the 119th; terms end at noon Eastern, not at midnight UTC. ---
  t.clock.set(ET('2027-01-03T11:59:00'));
  expect((await lookup({ zip: '99501' })).body.data.stale).toBe(false);
  expect((await writePage(ANA)).letter(ALASKAN)).toContain(ASKS_SUPPORT);
  // Cara and Dev press their confirmation emails' buttons; the worker's next pass is after noon.
  await press(caraConfirm);
  await press(devConfirm);

  // --- 3 January, 12:01 Eastern: the 119th Congress has ended, and its bills with it. ---
  t.clock.set(ET('2027-01-03T12:01:00'));
  expect((await lookup({ zip: '99501' })).body.data.stale).toBe(true);
  // The worker holds Cara's and Dev's letters: their members' terms have ended. Nothing reaches CWC.
  await worker();
  expect(deliveredToCwc()).toEqual([]);
  expect(await batchPage(caraBatch)).toContain('dc-status--held');
  expect(await batchPage(devBatch)).toContain('dc-status--held');
  // The write page shows the ended House member unticked, with the reason; no letter to them is previewed.
  const ended = await writePage(ANA);
  expect(ended.ticked).not.toContain(ALASKAN);
  expect(ended.ended).toContain(ALASKAN);
  expect(ended.html).toContain("Pat Alaskan's term ended at noon on 3 January 2027");
  expect(await previewAsk(ANA, ALASKAN)).toBe(409);

  // Upstream publishes the 120th members; nothing else yet. The refresh takes them at once.
  await publishMembers120();
  expect(await refresh()).toMatchObject({ ok: true, congress: 120 });
  // Alaska: its one district is the state, so its re-elected member is served and written to, with the
  // between-Congresses ask (the bill died with the 119th).
  const alaska = await lookup({ zip: '99501' });
  expect(alaska.body.data).toMatchObject({ congress: 120, stale: false });
  const anaAfter = await writePage(ANA);
  expect(anaAfter.ticked).toContain(ALASKAN);
  expect(anaAfter.letter(ALASKAN)).toContain(ASKS_REINTRODUCTION);
  expect(await previewAsk(ANA, ALASKAN)).toBe('reintroduce');
  // New York: senators only, and the reason the House member is not known yet.
  const newYork = await lookup({ zip: '10001' });
  expect(newYork.body).toMatchObject({ needsFullAddress: true, districts: [] });
  expect(newYork.body.message).toContain("New York's new districts are not published yet");
  // Ben's write page offers his senator only, and says why no House member is named.
  const benWaits = await writePage(BEN);
  expect(benWaits.ticked).toEqual([NY_SENATOR]);
  expect(benWaits.html).toContain(
    "The 120th Congress's new districts are not published yet for New York: if you live there, enter your full street address",
  );
  expect((await readyz()).awaitingMaps).toEqual({ zips: ['NY'], boundaries: ['NY'] });

  // The worker's next look at the held letters (15 minutes on). Cara's member is back but the letter she
  // approved asks for a dead bill: it is not sent; she is emailed it as it would now read.
  t.clock.advance(16 * 60_000);
  await worker();
  expect(deliveredToCwc()).toEqual([]);
  const caraOffer = offerTo(CARA, 'Representative Pat Alaskan');
  expect(caraOffer.parsed.text).toContain('H.R. 3921 died with the 119th Congress');
  expect(caraOffer.parsed.text).toContain(`Subject: ${REINTRODUCE}`);
  // Dev's letter waits: whether he still lives in the 12th is not known until New York's map is published.
  expect(emailsTo(DEV, /here it is as it would read now|was not sent/)).toEqual([]);
  expect(await batchPage(devBatch)).toContain(
    "held, not sent: your state's districts for the new Congress are not published yet",
  );
  // The page offers no print view or PDF of it, and neither answers: the letter may go to a member who no
  // longer represents him.
  const devLetter = await t.runtime.deps.storage.db
    .selectFrom('letters')
    .select(['id', 'status_reason'])
    .where('batch_id', '=', devBatch.split('/').at(-1)!)
    .executeTakeFirstOrThrow();
  expect(devLetter.status_reason).toBe('held: map_awaited');
  expect(await batchPage(devBatch)).not.toContain(`/letters/${devLetter.id}/print`);
  const devPrint = await request(site).get(`/letters/${devLetter.id}/print`).expect(409);
  expect(decodeHTML(devPrint.text)).toContain(
    "your state's districts for the new Congress are not published yet",
  );
  await request(site).get(`/letters/${devLetter.id}.pdf`).expect(409);
  // Cara presses "Send this letter instead": it reaches her member's office, citing no bill (none exists).
  await press(renewalLink(caraOffer));
  await worker();
  expect(deliveredToCwc()).toEqual([{ office: 'HAK00', bill: 'none', subject: REINTRODUCE, from: 'Cara' }]);

  // --- 4 January: the Bureau publishes New York's block equivalency file. ---
  t.clock.set(ET('2027-01-04T12:00:00'));
  await fs.mkdir(path.join(source, 'census'), { recursive: true });
  await fs.writeFile(path.join(source, 'census', 'cd120.zip'), zipOf({ 'CD120_36.txt': NY_BEF }));
  await fs.writeFile(path.join(source, 'census', 'tab20_zcta520_tabblock20_natl.txt'), ZCTA_BLOCKS);
  expect(await refresh()).toMatchObject({ ok: true, congress: 120 });
  // Ben: ZIP 10001 is now wholly in the 10th, whose member is new.
  const redrawn = await lookup({ zip: '10001' });
  expect(redrawn.body.districts).toEqual([expect.objectContaining({ state: 'NY', district: 10, share: 1 })]);
  const benNow = await writePage(BEN);
  expect(benNow.ticked).toContain(TENTH_120);
  expect(benNow.ticked).not.toContain(TWELFTH);
  expect(benNow.letter(TENTH_120)).toContain(ASKS_REINTRODUCTION);
  // Dev's held letter: the 12th's member was re-elected but no longer represents him. It is not sent; he
  // is emailed the letter to his new member, which only the button sends.
  await worker();
  expect(deliveredToCwc()).toEqual([]);
  const devOffer = offerTo(DEV, 'Representative Pat Twelver');
  expect(devOffer.parsed.text).toContain('Representative Pat Twelver no\nlonger represents your address');
  expect(devOffer.parsed.text).toContain('Dear Representative Newcomer:');
  expect(devOffer.parsed.text).toContain(`Subject: ${REINTRODUCE}`);
  await press(renewalLink(devOffer));
  await worker();
  expect(deliveredToCwc()).toEqual([{ office: 'HNY10', bill: 'none', subject: REINTRODUCE, from: 'Dev' }]);
  // Its boundaries are not published: "use my location" there asks for a street address.
  expect((await lookup({ lat: 40.5, lon: -73.5 })).status).toBe(503);
  expect((await readyz()).awaitingMaps).toEqual({ zips: [], boundaries: ['NY'] });

  // --- 1 February: the relationship file and the boundaries are published. ---
  t.clock.set(ET('2027-02-01T12:00:00'));
  await writeSources(source, { members: 120, zips: 120, zipRows: ROWS_120, shapes: 120 });
  await publishMembers120();
  expect(await refresh()).toMatchObject({ ok: true, congress: 120 });
  expect(t.runtime.deps.civic.meta.awaitingMaps).toBeUndefined();
  expect(t.runtime.deps.civic.meta.previousMaps).toBeUndefined();
  const point = await lookup({ lat: 40.5, lon: -73.5 });
  expect(point.body).toMatchObject({ precision: 'point', districts: [{ state: 'NY', district: 10 }] });
  expect(point.body.members.map((m: { bioguide: string }) => m.bioguide)).toContain(TENTH_120);
  expect((await readyz()).status).toBe('ready');
  // Nothing is left waiting in the outbox: nothing more reaches CWC.
  await worker();
  expect(deliveredToCwc()).toEqual([]);

  // --- 1 March: congress.gov lists the bill reintroduced in the Senate (S. 41); the House's is not yet. ---
  t.clock.set(ET('2027-03-01T12:00:00'));
  congressGov.bills = [...STOP_CSAM_119, ...STOP_CSAM_120.filter((b) => b.type === 's')];
  expect(await refresh()).toMatchObject({ ok: true, congress: 120 });
  // The refresh found the Senate's new number and the admin page offers it; until the organiser adopts
  // it, the reintroduce ask stands.
  let admin = await adminSession(t.app, ADMIN_TOKEN);
  const dashboard = await request(site).get('/admin').set('Cookie', admin.cookies).expect(200);
  expect(dashboard.text).toContain('Senate: the reintroduction of S.\u00a01829');
  expect(dashboard.text).toContain('No House bill found yet');
  expect(await previewAsk(BEN, NY_SENATOR)).toBe('reintroduce');
  // The organiser adopts the Senate's at once (stored in the database: no redeploy). Senate letters ask
  // to support S. 41; House letters still ask for the reintroduction.
  const adopt = (form: Record<string, string>) =>
    request(site)
      .post('/admin/bills/adopt')
      .set('Cookie', admin.cookies)
      .type('form')
      .send({ _csrf: admin.token, campaign: 'stop-csam', ...form })
      .expect(303);
  await adopt({ senate: '120-s-41' });
  // The admin page offers the House's alone now, and undo beside the Senate's adoption.
  const afterSenate = (await request(site).get('/admin').set('Cookie', admin.cookies).expect(200)).text;
  expect(afterSenate).toContain('Undo the Senate’s adoption');
  expect(afterSenate).not.toContain('Undo the House’s adoption');
  expect(afterSenate).toContain('House: the reintroduction of H.R.\u00a03921');
  expect(afterSenate).not.toContain('Senate: the reintroduction of S.\u00a01829');
  const senateOnly = await writePage(BEN);
  expect(senateOnly.letter(NY_SENATOR)).toContain('I am writing to ask you to support S. 41');
  expect(senateOnly.letter(TENTH_120)).toContain(ASKS_REINTRODUCTION);
  // The pages' notice names only the House's dead bill, and the Senate's new one.
  expect(senateOnly.html).toContain(
    'H.R. 3921 expired with the 119th Congress on 3 January 2027. Until it is introduced again with a new number, the letters here to that chamber ask for its reintroduction in the 120th Congress; the letters to the other chamber ask about its new bill, S. 41.',
  );
  // One batch to both: each letter keeps its chamber's ask; the Senate's CWC document cites S. 41 alone
  // (no House bill of the 120th is adopted), the House's none (it asks for a bill that has no number yet).
  const { address: benTyped, ...benSender } = BEN;
  const both = await press('/campaigns/stop-csam/letters', {
    ...benSender,
    address: benTyped,
    prefix: 'Mr.', // the Senate's CWC takes no letter without one
    member: [NY_SENATOR, TENTH_120],
  });
  const batchLetters = () =>
    t.runtime.deps.storage.db
      .selectFrom('letters')
      .selectAll()
      .where('batch_id', '=', both.split('/').at(-1)!)
      .orderBy('chamber', 'desc')
      .execute();
  const [senateLetter, houseLetter] = await batchLetters();
  expect([senateLetter!.bill, houseLetter!.bill]).toEqual(['120-s-41', '119-hr-3921']);
  const senateXml = letterDocument({
    letter: {
      ...senateLetter!,
      sender_name: senateLetter!.sender_name!,
      sender_email: senateLetter!.sender_email!,
      body: senateLetter!.body!,
    },
    // The rehearsal's roster names no Senate class, which the Senate office code needs: New York's 1st.
    member: { ...t.runtime.deps.civic.memberByBioguide(NY_SENATOR)!, senateClass: 1 },
    campaign: t.runtime.deps.campaigns.get('stop-csam'),
    agent: {
      name: 'Dear Congress Test Vendor',
      ackEmail: 'ack@vendor.example.org',
      contactName: 'Pat Vendor',
      contactEmail: 'pat@vendor.example.org',
      contactPhone: '202-555-0100',
    },
    deliveryId: 'c'.repeat(32),
    deliveredAt: t.clock.now(),
  });
  expect(citedBills(senateXml)).toEqual(['120 S. 41']);
  await expectSchemaValid([{ name: 'senate-only-adopted', xml: senateXml }]);
  await press(await askToEmail(both));
  await worker();
  expect(deliveredToCwc()).toEqual([{ office: 'HNY10', bill: 'none', subject: REINTRODUCE, from: 'Ben' }]);

  // --- 8 March: the House's reintroduction (H.R. 12) is listed too, and adopted. ---
  t.clock.set(ET('2027-03-08T12:00:00'));
  congressGov.bills = [...STOP_CSAM_119, ...STOP_CSAM_120];
  expect(await refresh()).toMatchObject({ ok: true, congress: 120 });
  admin = await adminSession(t.app, ADMIN_TOKEN); // a week on: the organiser signs in again
  expect((await request(site).get('/admin').set('Cookie', admin.cookies).expect(200)).text).toContain(
    'House: the reintroduction of H.R.\u00a03921',
  );
  // From now on both chambers' letters ask to support the new bills, and CWC cites them.
  await adopt({ house: '120-hr-12' });
  const adopted = await writePage(BEN);
  expect(adopted.letter(NY_SENATOR)).toContain('I am writing to ask you to support S. 41');
  expect(adopted.letter(TENTH_120)).toContain('I am writing to ask you to support H.R. 12');
  await press(await askToEmail(await save(BEN, TENTH_120)));
  await worker();
  expect(deliveredToCwc()).toEqual([
    {
      office: 'HNY10',
      bill: '120 hr 12',
      subject: 'Please support H.R. 12, the STOP CSAM Act of 2027',
      from: 'Ben',
    },
  ]);

  // The organiser undoes the House's adoption (undo names its chamber): House letters ask for the
  // reintroduction again; the Senate's adoption stands.
  await request(site)
    .post('/admin/bills/undo')
    .set('Cookie', admin.cookies)
    .type('form')
    .send({ _csrf: admin.token, campaign: 'stop-csam', chamber: 'house' })
    .expect(303);
  const undone = await writePage(BEN);
  expect(undone.letter(TENTH_120)).toContain(ASKS_REINTRODUCTION);
  expect(undone.letter(NY_SENATOR)).toContain('I am writing to ask you to support S. 41');
});

/** The bills a CWC document cites: "120 S. 41". */
function citedBills(xml: string): string[] {
  return [
    ...xml.matchAll(
      /<Bill>\s*<BillCongress>(\d+)<\/BillCongress>\s*<BillTypeAbbreviation>([^<]+)<\/BillTypeAbbreviation>\s*<BillNumber>(\d+)<\/BillNumber>/g,
    ),
  ].map((m) => `${m[1]} ${m[2]} ${m[3]}`);
}
