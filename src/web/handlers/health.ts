/**
 * web/handlers/health: `/healthz` says the process is up; `/readyz` says it can serve: member data loaded
 * and the database answering. Load balancers route on readyz, restarts are decided on healthz. Serving
 * with a problem an operator must see (the last data refresh failed, the data's Congress has ended) is
 * still 200, with status "degraded" and the reasons.
 */
import type { RequestHandler } from 'express';
import type { AppDeps } from '../deps';

export function createHealthHandlers(deps: AppDeps) {
  return {
    live: (_req, res) => {
      res.json({ status: 'ok' });
    },
    ready: async (_req, res) => {
      const database = await deps.storage.ping().then(
        () => true,
        () => false,
      );
      const checks = { data: deps.civic.members.length > 0, database };
      const ready = checks.data && checks.database;
      const degraded: string[] = [];
      const failure = deps.dataRefresh.status().failure;
      // The reason names files and folders of this server: it is in the log (civic_data.refresh_failed), not
      // on a public endpoint.
      if (failure) degraded.push(`data refresh failed at ${failure.at}; the server log says why`);
      if (deps.civic.isStale(deps.clock.now())) {
        degraded.push(
          `the data is of Congress ${deps.civic.meta.congress}, valid until ${deps.civic.meta.validUntil}; the next Congress's data is not loaded yet`,
        );
      }
      // States that cannot be served from maps yet (the Bureau has not published them): named for operators.
      const awaiting = deps.civic.meta.awaitingMaps;
      if (awaiting?.zips.length) {
        degraded.push(
          `the ZIP table of Congress ${deps.civic.meta.congress} is not published yet for ${awaiting.zips.join(', ')}; lookups there need a street address`,
        );
      }
      if (awaiting?.boundaries.length) {
        degraded.push(
          `district boundaries of Congress ${deps.civic.meta.congress} are not published yet for ${awaiting.boundaries.join(', ')}`,
        );
      }
      const status = !ready ? 'not_ready' : degraded.length > 0 ? 'degraded' : 'ready';
      res.status(ready ? 200 : 503).json({
        status,
        checks,
        ...(degraded.length > 0 ? { degraded } : {}),
        ...(awaiting ? { awaitingMaps: awaiting } : {}),
      });
    },
  } satisfies Record<string, RequestHandler>;
}
