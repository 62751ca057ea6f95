/**
 * config: every setting the server reads from the environment, parsed once by Zod into a deeply frozen
 * object; a bad value stops start-up with a list of problems. Nothing in src/ reads `process.env`: server.ts
 * and the scripts hand it to `loadConfig` or `loadDataUpdateConfig` (data:update also reads the defaults of
 * its own options, CIVIC_DATA_FROM, DATA_DIR, CIVIC_DATA_MANIFEST and CIVIC_DATA_DATE).
 */
import path from 'node:path';
import { z } from 'zod';
import { CwcEmail, CwcPhone, cwcText } from '../delivery/cwc/format';
import { parseMailbox } from '../delivery/email-headers';
import { trimEnd } from '../platform/text';

const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const httpUrl = z.url({ protocol: /^https?$/ });

/** A whole number from `min` to `max`, read from its text. */
const integer = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/**
 * Where the public data comes from (docs/data.md): read by the server's refresh and by `npm run
 * data:update` alike, so that both fetch the same files; tests point them at local stand-in servers. The
 * defaults are the publishers' own addresses; file names and folders inside each base are the publishers'
 * and templated by Congress in src/civic-data.
 */
const SourceUrlsSchema = z.object({
  CIVIC_MEMBERS_URL: httpUrl.default('https://unitedstates.github.io/congress-legislators'),
  CENSUS_FILES_URL: httpUrl.default('https://www2.census.gov'),
  ZCCD_URL: httpUrl.default(
    'https://raw.githubusercontent.com/OpenSourceActivismTech/us-zipcodes-congress/master/zccd.csv',
  ),
  DISTRICT_SHAPES_URL: httpUrl.optional(),
  GOVINFO_BILLSTATUS_URL: httpUrl.default('https://www.govinfo.gov/bulkdata/BILLSTATUS'),
  CONGRESS_GOV_API_URL: httpUrl.default('https://api.congress.gov/v3'),
  CONGRESS_GOV_BILL_PAGES_URL: httpUrl.default('https://www.congress.gov/bill'),
});

function sourceUrls(e: z.infer<typeof SourceUrlsSchema>) {
  return Object.freeze({
    /** congress-legislators' published folder: legislators-current.json and its two companions. */
    members: e.CIVIC_MEMBERS_URL,
    /** The Census Bureau's file server: relationship files, BEFs, the ZCTA-block file, boundaries. */
    census: e.CENSUS_FILES_URL,
    /** us-zipcodes-congress's zccd.csv (the 119th Congress's fallback ZIP table). */
    zccd: e.ZCCD_URL,
    /** One fixed boundary file instead of the Census Bureau's for the members' Congress. */
    districtShapes: e.DISTRICT_SHAPES_URL,
    govinfoBillStatus: e.GOVINFO_BILLSTATUS_URL,
    congressGovApi: e.CONGRESS_GOV_API_URL,
    /** congress.gov's bill pages, linked from a reintroduced bill found by the refresh. */
    congressGovBillPages: e.CONGRESS_GOV_BILL_PAGES_URL,
  });
}

export type CivicSourceUrls = ReturnType<typeof sourceUrls>;

/** The publishers' own addresses: every source URL setting left unset. */
export const CANONICAL_SOURCE_URLS = sourceUrls(SourceUrlsSchema.parse({}));

/** What `npm run data:update` reads: where the sources are, and the campaigns whose bills it imports. */
const DataUpdateSchema = SourceUrlsSchema.extend({
  CAMPAIGNS_DIR: z.string().min(1).default('campaigns'),
  /** With it, the congress.gov API is asked for the bills instead of govinfo's bulk data. */
  CONGRESS_GOV_API_KEY: z.string().trim().min(8).optional(),
});

export type DataUpdateConfig = Pick<Config, 'civicSources' | 'campaignsDir' | 'congressGovApiKey'>;

/**
 * The settings of `npm run data:update` alone (it needs none of the server's); throws ConfigError naming
 * each bad variable.
 */
export function loadDataUpdateConfig(env: Readonly<Record<string, string | undefined>>): DataUpdateConfig {
  const e = parseEnv(DataUpdateSchema, env);
  return deepFreeze({
    civicSources: sourceUrls(e),
    campaignsDir: path.resolve(e.CAMPAIGNS_DIR),
    congressGovApiKey: e.CONGRESS_GOV_API_KEY,
  });
}

/** The environment parsed by `schema`, or a ConfigError naming each bad variable. */
function parseEnv<S extends z.ZodType>(schema: S, env: Readonly<Record<string, string | undefined>>) {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  return parsed.data;
}

const EnvSchema = DataUpdateSchema.extend({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: integer(0, 65535).default(3000),
  PUBLIC_URL: httpUrl.optional(),
  DATA_DIR: z.string().min(1).default('data'),
  DATA_REFRESH: z.enum(['off', 'daily']).optional(),
  CIVIC_DATA_FROM: z.string().min(1).optional(),
  CIVIC_DATA_MANIFEST: z.string().min(1).optional(),
  OUTBOX_DIR: z.string().min(1).optional(),
  DEFAULT_CAMPAIGN: z
    .string()
    .regex(/^[a-z0-9-]+$/, 'must be a campaign folder name (lower case, digits, dashes)')
    .default('stop-csam'),
  DATABASE_URL: z
    .string()
    .regex(
      /^postgres(ql)?:\/\//,
      'must be a postgres:// URL; leave it unset for the embedded SQLite database',
    )
    .optional(),
  SQLITE_PATH: z.string().min(1).optional(),
  DATABASE_POOL_SIZE: integer(1, 100).default(5),
  REQUEST_DEADLINE_MS: integer(100, 300_000).default(30_000),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
    .optional(),
  MAIL_TRANSPORT: z.enum(['smtp', 'files']).optional(),
  MAIL_FROM: z
    .string()
    .refine(
      (value) => parseMailbox(value) !== undefined,
      'must be an address with a dotted domain, like "Campaign <letters@example.org>"',
    )
    .optional(),
  APP_SECRET: z.string().min(32, 'must be at least 32 characters (use `openssl rand -hex 32`)').optional(),
  ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  TRUST_PROXY: z.string().default('false'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FILE: z.string().min(1).optional(),
  RETENTION_DAYS: integer(1, 3650).default(90),
  OUTBOX_WORKER: booleanFromEnv.default(true),
  OUTBOX_POLL_MS: integer(10, 60_000).default(1000),
  OUTBOX_MAX_ATTEMPTS: integer(1, 50).default(8),
  SMTP_TIMEOUT_MS: integer(100, 120_000).default(10_000),
  SMTP_CONNECTIONS: integer(1, 20).default(5),
  PDF_THREADS: integer(0, 16).default(1),
  // About a second and a half of drawing at the bounded cost of a letter.
  PDF_QUEUE_LIMIT: integer(1, 10_000).default(30),
  CENSUS_GEOCODER_ENABLED: booleanFromEnv.optional(),
  CENSUS_GEOCODER_URL: z.url().default('https://geocoding.geo.census.gov'),
  CENSUS_GEOCODER_VINTAGE: z
    .string()
    .regex(/^[A-Za-z0-9]+_[A-Za-z0-9]+$/, 'must be a geocoder vintage name like "ACS2025_Current"')
    .optional(),
  REPLY_ASK_AFTER_DAYS: integer(1, 365).default(14),
  REPLY_REMINDER_AFTER_DAYS: integer(1, 365).default(28),
  REPLY_CLOSE_AFTER_DAYS: integer(1, 365).default(14),
  REPLY_PUBLIC_MIN_ANSWERS: integer(1, 100_000).default(10),
  REPLY_SCHEDULE_MS: integer(1000, 86_400_000).default(600_000),
  STATS_CACHE_MS: integer(0, 600_000).default(5000),
  ADOPTED_BILLS_CACHE_MS: integer(0, 600_000).default(5000),
  MIN_FORM_FILL_MS: integer(0, 600_000).default(3000),
  EMAIL_MX_CHECK: booleanFromEnv.optional(),
  DNS_SERVERS: z
    .string()
    .regex(/^[\w.:[\]-]+(,[\w.:[\]-]+)*$/, 'must be a comma-separated list like "127.0.0.1:5353,[::1]:53"')
    .optional(),
  COUNT_CAP_MAILBOX_PER_DAY: integer(1, 1000).default(3),
  COUNT_CAP_DISTRICT_PER_HOUR: integer(1, 1_000_000).default(150),
  // Communicating with Congress (docs/delivery.md): all of a group or none of it. Lengths and patterns
  // are the CWC schema's, counted in characters as XML counts them.
  CWC_URL: httpUrl.optional(),
  CWC_API_KEY: z.string().min(1).max(200).optional(),
  CWC_DELIVERY_AGENT: cwcText(4, 500, 'your registered vendor name').optional(),
  CWC_ACK_EMAIL: CwcEmail.optional(),
  CWC_CONTACT_NAME: cwcText(6, 500, 'the vendor contact’s full name').optional(),
  CWC_CONTACT_EMAIL: CwcEmail.optional(),
  CWC_CONTACT_PHONE: CwcPhone.optional(),
  CWC_TIMEOUT_MS: integer(100, 120_000).default(30_000),
  // At least eight hours: the House's daily maintenance window is six (docs/delivery.md).
  CWC_RETRY_HOURS: integer(8, 72).default(12),
  SCWC_URL: httpUrl.optional(),
  SCWC_OFFICES_URL: httpUrl.default('https://soapbox.senate.gov/api/active_offices'),
});

const CWC_AGENT_VARS = [
  'CWC_DELIVERY_AGENT',
  'CWC_ACK_EMAIL',
  'CWC_CONTACT_NAME',
  'CWC_CONTACT_EMAIL',
  'CWC_CONTACT_PHONE',
] as const;
const CWC_HOUSE_SERVICE = ['CWC_URL', 'CWC_API_KEY'] as const;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const DEV_SECRET = 'dev-only-secret-do-not-use-in-production-0123456789';

function parseTrustProxy(raw: string): boolean | number | string {
  if (raw === 'true') return true;
  if (raw === 'false' || raw === '') return false;
  if (/^\d+$/.test(raw)) return Number(raw);
  return raw;
}

type ParsedEnv = z.infer<typeof EnvSchema>;

/**
 * Half a CWC configuration would silently send nothing (or send documents the service rejects), so each
 * group is all-or-nothing: the House (CWC_URL, CWC_API_KEY and the agent) and the Senate (SCWC_URL and
 * the agent).
 */
function missingCwcSettings(e: ParsedEnv): string[] {
  const isSet = (name: keyof ParsedEnv) => e[name] !== undefined;
  const house = CWC_HOUSE_SERVICE.some(isSet);
  const senate = isSet('SCWC_URL');
  if (!house && !senate && !CWC_AGENT_VARS.some(isSet)) return [];
  // The agent alone means the House service was meant (the Senate's is the optional addition).
  return [...(house || !senate ? CWC_HOUSE_SERVICE : []), ...CWC_AGENT_VARS]
    .filter((name) => !isSet(name))
    .map(
      (name) => `${name}: missing; Communicating with Congress is only half configured (docs/delivery.md)`,
    );
}

function cwcConfig(e: ParsedEnv) {
  if (!e.CWC_DELIVERY_AGENT || !e.CWC_ACK_EMAIL || !e.CWC_CONTACT_NAME) return undefined;
  if (!e.CWC_CONTACT_EMAIL || !e.CWC_CONTACT_PHONE) return undefined;
  const house = e.CWC_URL && e.CWC_API_KEY ? { url: e.CWC_URL, apiKey: e.CWC_API_KEY } : undefined;
  const senate = e.SCWC_URL ? { url: e.SCWC_URL, officesUrl: e.SCWC_OFFICES_URL } : undefined;
  if (!house && !senate) return undefined;
  return {
    /** The vendor registration behind every CWC document (docs/delivery.md). */
    agent: {
      name: e.CWC_DELIVERY_AGENT,
      ackEmail: e.CWC_ACK_EMAIL,
      contactName: e.CWC_CONTACT_NAME,
      contactEmail: e.CWC_CONTACT_EMAIL,
      contactPhone: e.CWC_CONTACT_PHONE,
    },
    /** The House service; undefined when only the Senate's is configured. */
    house,
    /**
     * The Senate's service: the messages URL as the Senate gave it (nothing is appended) and its public
     * active-office list, read at start-up and with each data refresh.
     */
    senate,
    timeoutMs: e.CWC_TIMEOUT_MS,
    /** How long a letter is retried while the service is down or in maintenance (at least 8 h). */
    retryHours: e.CWC_RETRY_HOURS,
  };
}

export type CwcConfig = NonNullable<ReturnType<typeof cwcConfig>>;
export type CwcAgentConfig = CwcConfig['agent'];

/** Freezes an object and every object inside it: no part of the configuration changes after start-up. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/** Parses the environment into a frozen Config, or throws ConfigError listing every bad variable. */
export function loadConfig(env: Record<string, string | undefined>) {
  const e = parseEnv(EnvSchema, env);
  const problems: string[] = [];
  if (e.NODE_ENV === 'production') {
    if (!e.APP_SECRET) problems.push('APP_SECRET: required in production (signs one-time links and forms)');
    if (!e.PUBLIC_URL) problems.push('PUBLIC_URL: required in production (links in emails point to it)');
    if (!e.MAIL_FROM)
      problems.push("MAIL_FROM: required in production (the campaign's verified sender address)");
    // Without an SMTP server every confirmation email would silently become a file nobody reads.
    if (!e.SMTP_URL && e.MAIL_TRANSPORT !== 'files') {
      problems.push(
        'SMTP_URL: required in production (confirmation emails are sent through it); set MAIL_TRANSPORT=files to write them as .eml files under OUTBOX_DIR on purpose',
      );
    }
  }
  if (e.MAIL_TRANSPORT === 'smtp' && !e.SMTP_URL)
    problems.push('SMTP_URL: required with MAIL_TRANSPORT=smtp');
  problems.push(...missingCwcSettings(e));
  if (problems.length > 0) throw new ConfigError(problems);

  const dataDir = path.resolve(e.DATA_DIR);
  const publicUrl = trimEnd(e.PUBLIC_URL ?? `http://${e.HOST}:${e.PORT}`, '/');
  return deepFreeze({
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    publicUrl,
    dataDir,
    /** 'daily': the running server re-imports the civic data and swaps it in (default in production). */
    dataRefresh: e.DATA_REFRESH ?? (e.NODE_ENV === 'production' ? 'daily' : 'off'),
    /** A local folder laid out like the data mirror, read instead of the canonical URLs. */
    civicDataFrom: e.CIVIC_DATA_FROM ? path.resolve(e.CIVIC_DATA_FROM) : undefined,
    /** A manifest giving the dates of CIVIC_DATA_FROM's files (docs/data.md). */
    civicDataManifest: e.CIVIC_DATA_MANIFEST ? path.resolve(e.CIVIC_DATA_MANIFEST) : undefined,
    civicSources: sourceUrls(e),
    /** With it, the bill status comes from the congress.gov API instead of govinfo's bulk data. */
    congressGovApiKey: e.CONGRESS_GOV_API_KEY,
    /** Worker threads that draw PDFs (src/delivery/pdf-renderer.ts); 0 draws in the request thread. */
    pdfThreads: e.PDF_THREADS,
    /** Letters of PDF downloads waiting or being drawn at once; past it a download answers 503. */
    pdfQueueLimit: e.PDF_QUEUE_LIMIT,
    outboxDir: path.resolve(e.OUTBOX_DIR ?? path.join(dataDir, 'outbox')),
    campaignsDir: path.resolve(e.CAMPAIGNS_DIR),
    defaultCampaign: e.DEFAULT_CAMPAIGN,
    database: e.DATABASE_URL
      ? {
          kind: 'postgres' as const,
          url: e.DATABASE_URL,
          poolSize: e.DATABASE_POOL_SIZE,
          // A request waits for a connection up to its deadline.
          connectWaitMs: e.REQUEST_DEADLINE_MS,
        }
      : { kind: 'sqlite' as const, path: e.SQLITE_PATH ?? path.join(dataDir, 'dear-congress.sqlite') },
    // MAIL_TRANSPORT=files writes .eml files even where an SMTP_URL is set (a staging copy of production).
    smtpUrl: e.MAIL_TRANSPORT === 'files' ? undefined : e.SMTP_URL,
    // The .invalid domain can never receive mail: fine for .eml files on a laptop, refused by real servers.
    mailFrom: e.MAIL_FROM ?? 'Dear Congress <letters@dear-congress.invalid>',
    appSecret: e.APP_SECRET ?? DEV_SECRET,
    adminToken: e.ADMIN_TOKEN,
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    logLevel: e.LOG_LEVEL,
    logFile: e.LOG_FILE ? path.resolve(e.LOG_FILE) : undefined,
    retentionDays: e.RETENTION_DAYS,
    outbox: {
      enabled: e.OUTBOX_WORKER,
      pollMs: e.OUTBOX_POLL_MS,
      maxAttempts: e.OUTBOX_MAX_ATTEMPTS,
      smtpTimeoutMs: e.SMTP_TIMEOUT_MS,
      /** Pooled SMTP connections, and so messages sent at once. */
      smtpConnections: e.SMTP_CONNECTIONS,
    },
    /** `vintage`: a fixed geocoder vintage; unset, the one whose districts are the index's Congress is chosen. */
    geocoder: {
      enabled: e.CENSUS_GEOCODER_ENABLED ?? e.NODE_ENV === 'production',
      url: e.CENSUS_GEOCODER_URL,
      vintage: e.CENSUS_GEOCODER_VINTAGE,
    },
    statsCacheMs: e.STATS_CACHE_MS,
    /** How long an instance reads the organiser's adopted bill numbers from memory. */
    adoptedBillsCacheMs: e.ADOPTED_BILLS_CACHE_MS,
    /** "Did your members reply?" (src/replies, docs/tracking.md): its delays and the public threshold. */
    replies: {
      askAfterDays: e.REPLY_ASK_AFTER_DAYS,
      reminderAfterDays: e.REPLY_REMINDER_AFTER_DAYS,
      closeAfterDays: e.REPLY_CLOSE_AFTER_DAYS,
      publicMinAnswers: e.REPLY_PUBLIC_MIN_ANSWERS,
      scheduleMs: e.REPLY_SCHEDULE_MS,
    },
    minFormFillMs: e.MIN_FORM_FILL_MS,
    /**
     * Senders' email domains: `mxCheck` asks DNS (`dnsServers`, or the system's) for mail exchangers; the
     * disposable-domain list is always consulted (src/letters/mail-domain.ts).
     */
    emailDomains: {
      mxCheck: e.EMAIL_MX_CHECK ?? e.NODE_ENV === 'production',
      dnsServers: e.DNS_SERVERS ? e.DNS_SERVERS.split(',') : [],
    },
    /** Verified letters counted per mailbox a day and per House district an hour; more wait for the organiser. */
    countCaps: {
      mailboxPerDay: e.COUNT_CAP_MAILBOX_PER_DAY,
      districtPerHour: e.COUNT_CAP_DISTRICT_PER_HOUR,
    },
    /** Delivery through Communicating with Congress; undefined when not configured (letters go by relay). */
    cwc: cwcConfig(e),
  });
}

export type Config = Readonly<ReturnType<typeof loadConfig>>;
