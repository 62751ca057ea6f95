/**
 * replies: "Did they answer, and where do they stand?". Writers who tick the box when confirming are
 * asked, once per batch, whether each member replied and what the reply said (reply-service.ts, its
 * email in question-email.ts, the signed answer token in reply-token.ts, the tables in reply-store.ts).
 * Everything published from it is reported by writers, not verified; it holds no personal data beyond
 * the links to the writer's letters, which their delete link removes. See docs/tracking.md.
 */
export { createReplyService, startReplySchedule, type ReplyService } from './reply-service';
export { createQuestionEmailRenderer } from './question-email';
export { createResponsivenessService } from './responsiveness';
