/**
 * bootstrap: creates the real dependencies from a Config (data index, campaigns, database, mail transport,
 * outbox worker). `src/server.ts` and the tests both build the app through here, so they cannot drift.
 */
import path from 'node:path';
import { loadCampaigns, reservedDeliveryAddresses, type Campaign } from './campaign/campaign';
import { createAskResolver } from './campaign/asks';
import { createAdoptedBills, withAdoptedBills } from './campaign/adopted-bills';
import { billSituation, expiredChambers } from './campaign/bills';
import { searchReintroductionsInto } from './civic-data/reintroductions';
import { campaignBillRefs, createSponsorRoll } from './campaign/sponsors';
import { billKey, loadBillStatus, type BillRef, type BillSponsorsRecord } from './civic-data/bill-status';
import { loadCivicIndex } from './civic-data/load';
import { ConfigError, type Config } from './config/config';
import { loadShapesForIndex } from './civic-data/district-shapes';
import { createCivicDataRefresh } from './civic-data/refresh';
import { createLetterService } from './letters/letter-service';
import { createCensusGeocoder } from './lookup/census-geocoder';
import { createMemberLocator } from './lookup/locate';
import { systemClock } from './platform/clock';
import { createHandlebars } from './platform/handlebars';
import { createLogger } from './platform/logger';
import { openStorage } from './storage/database';
import { createEmailChannel } from './delivery/email-channel';
import { createPdfRenderer } from './delivery/pdf-renderer';
import { createMailDomainCheck } from './letters/mail-domain';
import { recordAction } from './tracking/actions';
import { startRetentionSchedule } from './tracking/retention';
import { createStatsService } from './tracking/stats';
import {
  createQuestionEmailRenderer,
  createReplyService,
  createResponsivenessService,
  startReplySchedule,
} from './replies';
import { TEMPLATES_DIR } from './web/views';
import type { AppDeps } from './web/deps';

/** Opens everything the app needs; throws a DataError naming the command to run when data is missing. */
export async function createRuntime(config: Config) {
  const logger = createLogger(config.logLevel, config.logFile);
  const clock = systemClock;
  const civic = loadCivicIndex(config.dataDir);
  const campaignFiles = loadCampaigns(config.campaignsDir, config.defaultCampaign);
  if (config.env === 'production') {
    // The relay would report letters as sent to an inbox that cannot exist: refuse to start instead.
    const reserved = reservedDeliveryAddresses(campaignFiles.list());
    if (reserved.length > 0) {
      throw new ConfigError([
        ...reserved,
        `set real addresses in ${path.join(config.campaignsDir, '<slug>', 'campaign.json')} ("delivery"), or mount your own campaigns folder as CAMPAIGNS_DIR (docs/delivery.md)`,
      ]);
    }
  }
  // The data refresh replaces the sponsor rolls while the server runs (a cosponsor signs on any day).
  let billStatus: ReadonlyMap<string, BillSponsorsRecord> = loadBillStatus(config.dataDir);
  const billRecords = { get: (billId: string) => billStatus.get(billId) };
  const sponsors = createSponsorRoll(billRecords);
  const asks = createAskResolver({ clock, sponsors });
  const storage = await openStorage(config.database);
  // The reintroduced bills the organiser adopted (in the database, shared by every instance): the
  // campaigns are read with them everywhere, pages, letters, CWC and renewals alike.
  const adoptedBills = createAdoptedBills({ storage, clock, cacheMs: config.adoptedBillsCacheMs, logger });
  await adoptedBills.refresh();
  const campaigns = withAdoptedBills(campaignFiles, adoptedBills);
  const hbs = createHandlebars();
  if (!config.emailDomains.mxCheck) {
    logger.info('mail exchanger check off (EMAIL_MX_CHECK): only the disposable-domain list is consulted');
  }
  const mailDomains = createMailDomainCheck({ ...config.emailDomains, logger });
  const letters = createLetterService({
    mailDomains,
    storage,
    hbs,
    campaigns,
    asks,
    civic,
    clock,
    appSecret: config.appSecret,
    // The locator is built below (it needs the boundaries); the letters ask it only when saving.
    geocode: (input) => locator.findForAddress(input),
  });
  const geocoder = config.geocoder.enabled
    ? createCensusGeocoder({ baseUrl: config.geocoder.url, vintage: config.geocoder.vintage })
    : null;
  // Chosen now rather than on the first person's lookup; a failure is retried on that lookup.
  void geocoder?.prepare(civic.meta.congress);
  // Boundaries are served only with the index they were written with (civic-data/import).
  const loaded = loadShapesForIndex(config.dataDir, civic.meta);
  if (loaded.problem) {
    logger.warn(
      { event: 'civic_data.boundaries_refused', problem: loaded.problem },
      'districts.json does not belong to the member index in service; "use my location" is off until the next import',
    );
  }
  let shapes = loaded.shapes;
  const liveShapes = {
    current: () => shapes,
    replace: (next: typeof shapes) => {
      shapes = next;
    },
  };
  const locator = createMemberLocator({ civic, clock, shapes: liveShapes.current, geocoder });
  const dataRefresh = createCivicDataRefresh({
    dataDir: config.dataDir,
    from: config.civicDataFrom,
    manifest: config.civicDataManifest,
    urls: config.civicSources,
    civic,
    shapes: liveShapes,
    clock,
    logger,
    onReplaced: (next) => void geocoder?.prepare(next.meta.congress),
    eachRound: () => email.cwcOffices?.refresh() ?? Promise.resolve(),
    billStatus: {
      bills: () => [...campaignBillRefs(config.campaignsDir), ...adoptedBills.refs()],
      congressGovApiKey: config.congressGovApiKey,
      replace: (next) => {
        billStatus = next;
      },
    },
    reintroductions: {
      search: async (now) => {
        await adoptedBills.refresh();
        return searchReintroductionsInto(config.dataDir, {
          bills: expiredCampaignBills(campaigns.list(), now),
          now,
          apiKey: config.congressGovApiKey,
          apiBaseUrl: config.civicSources.congressGovApi,
          billPagesUrl: config.civicSources.congressGovBillPages,
        });
      },
    },
  });
  const pdf = createPdfRenderer({ threads: config.pdfThreads, queueLimit: config.pdfQueueLimit });
  // "Did they answer?" (src/replies): its emails go through the same outbox, woken like the others.
  let wakeOutbox = (): void => undefined;
  const replies = createReplyService({
    storage,
    clock,
    appSecret: config.appSecret,
    retentionDays: config.retentionDays,
    settings: config.replies,
    onEnqueued: () => wakeOutbox(),
  });
  const email = createEmailChannel({
    config,
    storage,
    clock,
    logger,
    hbs,
    campaigns,
    civic,
    asks,
    recordAction,
    templatesDir: TEMPLATES_DIR,
    pdf,
    renderers: {
      reply_question: createQuestionEmailRenderer({
        storage,
        campaigns,
        hbs,
        templatesDir: TEMPLATES_DIR,
        publicUrl: config.publicUrl,
        mailFrom: config.mailFrom,
        appSecret: config.appSecret,
        askAfterDays: config.replies.askAfterDays,
        reminderAfterDays: config.replies.reminderAfterDays,
        closesAt: replies.closesAt,
      }),
    },
  });
  wakeOutbox = () => email.worker.wake();
  // Which offices take CWC today: read before the first letter is routed (a failure keeps the relay).
  await email.cwcOffices?.refresh();
  const deps: AppDeps = {
    config,
    logger,
    clock,
    hbs,
    civic,
    campaigns,
    asks,
    billRecords,
    adoptedBills,
    storage,
    stats: createStatsService({
      storage,
      clock,
      cacheMs: config.statsCacheMs,
      goalFor: (slug) => campaigns.list().find((c) => c.slug === slug)?.goal,
    }),
    letters,
    locator,
    pdf,
    email: email.service,
    replies,
    replyStats: createResponsivenessService({
      storage,
      clock,
      cacheMs: config.statsCacheMs,
      minAnswers: config.replies.publicMinAnswers,
    }),
    dataRefresh,
    cwcOffices: email.cwcOffices,
  };
  let retention: { stop(): void } | undefined;
  let replySchedule: { stop(): void } | undefined;
  let adoptionReads: NodeJS.Timeout | undefined;
  return {
    deps,
    /** The email outbox worker; tests drive it with `runOnce()`. */
    worker: email.worker,
    /** "Did they answer?"; tests drive its schedule with `runSchedule()`. */
    replies,
    /** The civic data refresh (DATA_REFRESH); tests call `refreshNow()`. */
    dataRefresh,
    /** Starts background work (the outbox worker, the retention purge). */
    startBackground: () => {
      if (config.outbox.enabled) email.start();
      if (config.dataRefresh === 'daily') dataRefresh.start();
      retention = startRetentionSchedule({ storage, clock, retentionDays: config.retentionDays, logger });
      replySchedule = startReplySchedule(replies, { intervalMs: config.replies.scheduleMs, logger });
      // The outbox worker renders held letters as they would now read: adoptions reach it without a request.
      adoptionReads = setInterval(
        () => void adoptedBills.refresh(),
        Math.max(config.adoptedBillsCacheMs, 1000),
      );
      adoptionReads.unref();
    },
    /** Stops background work, letting a message in flight finish. */
    stopBackground: async () => {
      clearInterval(adoptionReads);
      retention?.stop();
      replySchedule?.stop();
      await Promise.all([email.stop(), dataRefresh.stop()]);
    },
    /** Closes the database; call after the HTTP server and worker have stopped. */
    close: async () => {
      await Promise.all([storage.close(), pdf.close()]);
    },
  };
}

export type Runtime = Awaited<ReturnType<typeof createRuntime>>;

/** Each campaign's bills whose Congress has ended by `now` with no later entry or adoption in their chamber. */
function expiredCampaignBills(list: Campaign[], now: Date): Array<{ bill: BillRef; title: string }> {
  const bills = new Map<string, { bill: BillRef; title: string }>();
  for (const campaign of list) {
    const situation = billSituation(campaign.congresses, now);
    for (const bill of expiredChambers(situation).map((chamber) => situation.bills[chamber])) {
      const ref = { congress: bill.congress, type: bill.type, number: bill.number };
      bills.set(billKey(ref), { bill: ref, title: bill.title });
    }
  }
  return [...bills.values()];
}
