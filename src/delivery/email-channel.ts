/**
 * delivery/email-channel: wires the email channel from the Config: mail transport (SMTP_URL, else .eml files
 * under <DATA_DIR>/outbox), message renderer, outbox worker and the service the routes call. bootstrap.ts
 * creates one, puts `service` into AppDeps.email, and starts/stops it with the background work.
 */
import {
  HELD_MAP_AWAITED,
  HELD_TERM_ENDED,
  RECIPIENT_LEFT_CONGRESS,
  recipientStanding,
} from '../letters/recipients';
import { LETTER_OUTDATED, letterMeaning } from '../letters/renewal';
import type { Config } from '../config/config';
import type { OutboxKind } from '../storage/schema';
import type { RecordAction } from '../tracking/record-action';
import { createCwcDelivery, cwcRetryPolicy } from './cwc/cwc-delivery';
import { createMessageRenderer, type EmailContentDeps } from './email-content';
import { createEmailService } from './email-service';
import { createMailTransport, PermanentDeliveryError } from './mailer';
import { createOutboxWorker, type RenderMessage, type WorkerLogger } from './outbox-worker';

/** What waits while a letter's recipient's term has ended. */
const HELD_KINDS = new Set<OutboxKind>(['office', 'cwc', 'sender_copy']);

/** The emails' deps (the members in service also decide which letters are held, and name CWC's offices). */
interface EmailChannelDeps extends Omit<EmailContentDeps, 'publicUrl' | 'mailFrom' | 'appSecret' | 'cwc'> {
  config: Pick<
    Config,
    'smtpUrl' | 'mailFrom' | 'publicUrl' | 'appSecret' | 'outboxDir' | 'outbox' | 'cwc' | 'countCaps'
  >;
  logger: WorkerLogger;
  recordAction: RecordAction;
  /** Emails of other components, by outbox kind (the reply question, src/replies). */
  renderers?: Partial<Record<OutboxKind, RenderMessage>>;
}

export function createEmailChannel(deps: EmailChannelDeps) {
  const { config, storage, clock, logger, civic } = deps;
  const transport = createMailTransport({
    smtpUrl: config.smtpUrl,
    outboxDir: config.outboxDir,
    logger,
    timeoutMs: config.outbox.smtpTimeoutMs,
    maxConnections: config.outbox.smtpConnections,
  });
  const cwc = config.cwc
    ? createCwcDelivery({
        config: config.cwc,
        campaigns: deps.campaigns,
        civic,
        clock,
        publicUrl: config.publicUrl,
        logger,
      })
    : undefined;
  const renderDelivery = createMessageRenderer({
    ...deps,
    cwc,
    publicUrl: config.publicUrl,
    mailFrom: config.mailFrom,
    appSecret: config.appSecret,
  });
  const worker = createOutboxWorker({
    storage,
    transport,
    clock,
    logger,
    holdFor: async (row, letter) => {
      // The letter (email relay or CWC) and the sender's copy, which would otherwise say it went out;
      // never the messages that only tell the sender something (confirmation, delivery failed).
      if (!HELD_KINDS.has(row.kind) || !letter) return null;
      const now = clock.now();
      const standing = recipientStanding(civic, letter.bioguide, now);
      if (standing === 'left_congress') throw new PermanentDeliveryError(RECIPIENT_LEFT_CONGRESS);
      if (standing === 'term_ended') return HELD_TERM_ENDED;
      // A letter already delivered is history: its sender's copy still goes.
      if (letter.status === 'sent') return null;
      // A waiting letter is sent only while it still means what its writer approved (its member represents
      // them, its ask is the campaign's now); otherwise the writer gets it as it would now read.
      const meaning = letterMeaning(deps, letter, now);
      if (meaning === 'map_awaited') return HELD_MAP_AWAITED;
      if (meaning !== 'current') throw new PermanentDeliveryError(LETTER_OUTDATED);
      return null;
    },
    recordAction: deps.recordAction,
    // The other components' emails go to their own renderers.
    renderMessage: (row, letter) => (deps.renderers?.[row.kind] ?? renderDelivery)(row, letter),
    ...(cwc && config.cwc
      ? {
          deliverers: { cwc: (row, letter) => cwc.deliver(row, letter) },
          // Through a maintenance window (the House's is six hours a day): CWC_RETRY_HOURS, at least 8.
          retryPolicies: { cwc: cwcRetryPolicy(config.cwc.retryHours) },
        }
      : {}),
    pollMs: config.outbox.pollMs,
    maxAttempts: config.outbox.maxAttempts,
    concurrency: config.outbox.smtpConnections,
    batchSize: Math.max(5, config.outbox.smtpConnections * 4),
    // Longer than any one send can take (connect + greeting + inactivity timeouts, with room to spare).
    leaseMs: Math.max(5 * 60_000, config.outbox.smtpTimeoutMs * 10),
  });
  const service = createEmailService({
    storage,
    clock,
    appSecret: config.appSecret,
    countCaps: config.countCaps,
    onEnqueued: () => worker.wake(),
    cwc,
  });
  return {
    service,
    worker,
    /** The offices that take CWC today, when CWC is configured (bootstrap refreshes them). */
    cwcOffices: cwc?.offices,
    /** Starts the worker (bootstrap does when OUTBOX_WORKER is on, the default). */
    start() {
      worker.start();
    },
    /** Lets the message in flight finish, then closes the transport. */
    async stop() {
      await worker.stop();
      transport.close();
    },
  };
}
