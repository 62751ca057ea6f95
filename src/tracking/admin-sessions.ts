/** tracking/admin-sessions: the organisers' sessions ended by signing out, listed until they would expire. */
import type { Db } from '../storage/schema';

/** Whether the session with this MAC was ended by signing out (on any instance). */
export async function isSessionRevoked(db: Db, mac: string): Promise<boolean> {
  const row = await db
    .selectFrom('admin_session_revocations')
    .select('mac')
    .where('mac', '=', mac)
    .executeTakeFirst();
  return row !== undefined;
}

/** Ends a session until it would have expired; sessions past their expiry leave the list. */
export async function revokeSession(db: Db, session: { mac: string; expiresAt: string }, now: Date) {
  await db.deleteFrom('admin_session_revocations').where('expires_at', '<=', now.toISOString()).execute();
  await db
    .insertInto('admin_session_revocations')
    .values({ mac: session.mac, expires_at: session.expiresAt })
    .onConflict((oc) => oc.column('mac').doNothing())
    .execute();
}
