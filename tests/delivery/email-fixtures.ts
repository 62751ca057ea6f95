/**
 * Shared set-up for the email channel tests: storage (SQLite file or PostgreSQL), a test campaign and
 * member index, letters inserted as drafts, and the service + worker wired to a real SMTP sink.
 */
import { createPdfRenderer } from '../../src/delivery/pdf-renderer';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadCampaigns, type Campaign } from '../../src/campaign/campaign';
import { createAskResolver } from '../../src/campaign/asks';
import { createSponsorRoll } from '../../src/campaign/sponsors';
import { loadCivicIndex } from '../../src/civic-data/load';
import type { Member } from '../../src/civic-data/types';
import type { Clock } from '../../src/platform/clock';
import { loadConfig } from '../../src/config/config';
import { createEmailService } from '../../src/delivery/email-service';
import { createMessageRenderer } from '../../src/delivery/email-content';
import { createMailTransport } from '../../src/delivery/mailer';
import {
  createOutboxWorker,
  type OutboxWorkerOptions,
  type RenderMessage,
} from '../../src/delivery/outbox-worker';
import { insertLetters } from '../../src/letters/letter-store';
import { importedDataDir } from '../helpers/civic-data';
import { ManualClock } from '../helpers/clock';
import { letterRow } from '../helpers/letter-row';
import { createHandlebars } from '../../src/platform/handlebars';
import { newId } from '../../src/platform/ids';
import { openStorage, type Storage } from '../../src/storage/database';
import { recordAction } from '../../src/tracking/actions';
import { createTestPostgres, type TestPostgres } from '../helpers/postgres';
import { SmtpSink } from '../helpers/smtp-sink';

export const APP_SECRET = 'test-secret-0123456789-0123456789-abcdef';
export const PUBLIC_URL = 'https://letters.example.org';
export const MAIL_FROM = 'Stop CSAM Letters <letters@campaign.example.org>';
export const CAMPAIGN_INBOX = 'inbox@campaign.example.org';
export const CANTWELL_INBOX = 'cantwell-letters@senate.example.gov';
/** The production defaults (COUNT_CAP_MAILBOX_PER_DAY, COUNT_CAP_DISTRICT_PER_HOUR). */
export const COUNT_CAPS = loadConfig({ NODE_ENV: 'test' }).countCaps;

const baseCampaign = loadCampaigns(path.resolve('campaigns'), 'stop-csam').get('stop-csam');

export const campaign: Campaign = {
  ...baseCampaign,
  delivery: { inbox: CAMPAIGN_INBOX, byMember: { C000127: CANTWELL_INBOX } },
};
export const campaigns = {
  get: (slug: string): Campaign => {
    if (slug !== campaign.slug) throw new Error(`unknown campaign ${slug}`);
    return campaign;
  },
};

const cantwell: Member = {
  bioguide: 'C000127',
  chamber: 'senate',
  name: 'Maria Cantwell',
  firstName: 'Maria',
  lastName: 'Cantwell',
  formalName: 'Senator Maria Cantwell',
  title: 'Senator',
  state: 'WA',
  district: null,
  party: 'Democrat',
  phone: '202-224-3441',
  url: 'https://www.cantwell.senate.gov',
  contactUrl: 'https://www.cantwell.senate.gov/public/index.cfm/email-maria',
  dcOffice: '511 Hart Senate Office Building',
  districtOffices: [
    {
      id: 'C000127-seattle',
      address: '915 Second Ave., Suite 3206',
      city: 'Seattle',
      state: 'WA',
      zip: '98174',
      phone: null,
      latitude: 47.6043,
      longitude: -122.3352,
    },
  ],
  social: {},
};

const jayapal: Member = {
  ...cantwell,
  bioguide: 'J000298',
  chamber: 'house',
  name: 'Pramila Jayapal',
  firstName: 'Pramila',
  lastName: 'Jayapal',
  formalName: 'Representative Pramila Jayapal',
  title: 'Representative',
  district: 7,
  contactUrl: 'https://jayapal.house.gov/contact/',
  dcOffice: '2346 Rayburn House Office Building',
  districtOffices: [],
};

export const members = { cantwell, jayapal };

/**
 * The email renderer as the server builds it, for the test campaign, with the members in service read from
 * `dataDir` (the committed fixture's, Cantwell and Jayapal among them) and the campaign's asks on `clock`.
 */
export function fixtureMessageRenderer(storage: Storage, clock: Clock, dataDir: string): RenderMessage {
  return createMessageRenderer({
    storage,
    campaigns,
    civic: loadCivicIndex(dataDir),
    asks: createAskResolver({ clock, sponsors: createSponsorRoll(new Map()) }),
    hbs: createHandlebars(),
    templatesDir: path.resolve('templates'),
    publicUrl: PUBLIC_URL,
    mailFrom: MAIL_FROM,
    appSecret: APP_SECRET,
    pdf: createPdfRenderer({ threads: 0, queueLimit: 30 }),
    clock,
  });
}

export interface SenderFixture {
  name?: string;
  email?: string;
  subject?: string;
  body?: string;
}

/** Inserts one draft letter per member (Cantwell and Jayapal by default) as one batch. */
export async function insertBatch(
  storage: Storage,
  clock: ManualClock,
  sender: SenderFixture = {},
  who: Member[] = [cantwell, jayapal],
): Promise<{ batchId: string; letterIds: string[] }> {
  const at = clock.now().toISOString();
  const batchId = newId();
  const rows = who.map((m) =>
    letterRow({
      campaign: campaign.slug,
      batch_id: batchId,
      bioguide: m.bioguide,
      chamber: m.chamber,
      state: m.state,
      district: m.district,
      bill: m.chamber === 'senate' ? '119-s-1829' : '119-hr-3921',
      recipient_name: m.formalName,
      sender_name: sender.name ?? 'Zoë Example',
      sender_email: sender.email ?? 'zoe@example.net',
      sender_key: `key-${batchId}`,
      subject:
        sender.subject ??
        `Please support ${m.chamber === 'senate' ? 'S. 1829' : 'H.R. 3921'}, the STOP CSAM Act of 2025`,
      salutation: `Dear ${m.title} ${m.lastName}:`,
      body:
        sender.body ??
        `As your constituent in Seattle, I ask you to support the STOP CSAM Act.\n\nPlease co-sponsor it & vote "yes".`,
      created_at: at,
      updated_at: at,
    }),
  );
  await insertLetters(storage.db, rows);
  return { batchId, letterIds: rows.map((r) => r.id) };
}

export const silentLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** A logger that keeps every line, to check that no personal data is logged. */
export function memoryLogger() {
  const lines: string[] = [];
  const push = (obj: object, msg: string) => lines.push(JSON.stringify({ ...obj, msg }));
  return { lines, info: push, warn: push, error: push };
}

export interface Harness {
  storage: Storage;
  clock: ManualClock;
  service: ReturnType<typeof createEmailService>;
  worker: ReturnType<typeof createOutboxWorker>;
  outboxDir: string;
  close(): Promise<void>;
}

export type StorageKind = 'sqlite' | 'postgres';

/** Opens a fresh database (PostgreSQL suites: describeEachStorage / describePostgres). */
export async function openTestStorage(
  kind: StorageKind,
): Promise<{ storage: Storage; drop(): Promise<void> }> {
  if (kind === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dc-email-'));
    const storage = await openStorage({ kind: 'sqlite', path: path.join(dir, 'test.sqlite') });
    return {
      storage,
      drop: async () => {
        await storage.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const pg: TestPostgres = await createTestPostgres();
  const storage = await openStorage({ kind: 'postgres', url: pg.url });
  return {
    storage,
    drop: async () => {
      await storage.close();
      await pg.drop();
    },
  };
}

/**
 * For a suite: a local SMTP server for all its tests, and a fresh database of `kind` for each (with no
 * messages left from the test before). Read `sink` and `db` inside tests.
 */
export function useSinkAndStorage(kind: StorageKind): {
  readonly sink: SmtpSink;
  readonly db: { storage: Storage; drop(): Promise<void> };
} {
  const suite = {} as { sink: SmtpSink; db: { storage: Storage; drop(): Promise<void> } };
  beforeAll(async () => {
    suite.sink = await SmtpSink.start();
  });
  afterAll(() => suite.sink.stop());
  beforeEach(async () => {
    suite.sink.messages.length = 0;
    suite.db = await openTestStorage(kind);
  });
  afterEach(() => suite.db.drop());
  return suite;
}

export async function createHarness(
  storage: Storage,
  sink: SmtpSink,
  options: Partial<OutboxWorkerOptions> & { clock?: ManualClock } = {},
): Promise<Omit<Harness, 'close'>> {
  const clock = options.clock ?? new ManualClock();
  const outboxDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dc-eml-'));
  const transport = createMailTransport({
    smtpUrl: sink.url,
    outboxDir,
    timeoutMs: 5000,
  });
  const renderMessage = fixtureMessageRenderer(storage, clock, await importedDataDir());
  const service = createEmailService({ storage, clock, appSecret: APP_SECRET, countCaps: COUNT_CAPS });
  const worker = createOutboxWorker({
    storage,
    transport,
    clock,
    logger: silentLogger,
    renderMessage,
    recordAction,
    pollMs: 20,
    maxAttempts: 5,
    backoff: { jitter: 0 },
    batchSize: 10,
    ...options,
  });
  return { storage, clock, service, worker, outboxDir };
}

/** The confirmation link's token from a received confirmation email's text. */
export function tokenFromText(text: string | undefined): string {
  const match = /\/letters\/confirm\/([A-Za-z0-9_-]{43})\b/.exec(text ?? '');
  if (!match?.[1]) throw new Error('no confirmation link in the email');
  return match[1];
}

/** Runs worker rounds until nothing more is due now. */
export async function drain(worker: { runOnce(): Promise<number> }, rounds = 10): Promise<number> {
  let total = 0;
  for (let i = 0; i < rounds; i++) {
    const n = await worker.runOnce();
    total += n;
    if (n === 0) break;
  }
  return total;
}
