/** web/deps: everything the Express app is built from. `src/bootstrap.ts` creates the real ones. */
import type { PdfRenderer } from '../delivery/pdf-renderer';
import type { AskResolver } from '../campaign/asks';
import type { AdoptedBills } from '../campaign/adopted-bills';
import type { BillSponsorsRecord } from '../civic-data/bill-status';
import type { CampaignCatalog } from '../campaign/campaign';
import type { CivicIndex } from '../civic-data/load';
import type { RefreshStatus } from '../civic-data/refresh';
import type { Config } from '../config/config';
import type { OfficeListStatus } from '../delivery/cwc/offices';
import type { LetterService } from '../letters/letter-service';
import type { MemberLocator } from '../lookup/locate';
import type { Clock } from '../platform/clock';
import type { HandlebarsInstance } from '../platform/handlebars';
import type { Logger } from '../platform/logger';
import type { Storage } from '../storage/database';
import type { EmailService } from '../delivery/email-service';
import type { StatsService } from '../tracking/stats';
import type { ReplyService } from '../replies/reply-service';
import type { ResponsivenessService } from '../replies/responsiveness';

export interface AppDeps {
  config: Config;
  logger: Logger;
  clock: Clock;
  hbs: HandlebarsInstance;
  civic: CivicIndex;
  campaigns: CampaignCatalog;
  /** Which letter each member gets (the bills' Congress, the sponsor roll). */
  asks: AskResolver;
  storage: Storage;
  /** The campaign counts, cached briefly and shared by every page. */
  stats: StatsService;
  letters: LetterService;
  locator: MemberLocator;
  /** Draws the printable PDFs (in a worker thread). */
  pdf: PdfRenderer;
  /** Email delivery (double opt-in and outbox). */
  email: EmailService;
  /** "Did they answer?" (src/replies): the question, its answers and the responsiveness table. */
  replies: ReplyService;
  /** The answers added up per member (public from REPLY_PUBLIC_MIN_ANSWERS answers), cached like stats. */
  replyStats: ResponsivenessService;
  /** The bills' own records (bill-status.json, refreshed with the data): latest action and its date. */
  billRecords: { get(billId: string): BillSponsorsRecord | undefined };
  /** The reintroduced bills the organiser adopted (read again per request when the cached copy is old). */
  adoptedBills: AdoptedBills;
  /** The civic data refresh, for /readyz. */
  dataRefresh: { status(): RefreshStatus };
  /** The offices that take CWC today, for the organiser's page; absent without CWC. */
  cwcOffices?: { status(): OfficeListStatus[] };
}
