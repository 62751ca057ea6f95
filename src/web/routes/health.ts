/**
 * web/routes/health: `/healthz` says the process is up; `/readyz` says it can serve: member data loaded
 * and the database answering. Load balancers route on readyz, restarts are decided on healthz.
 */
import { Router } from 'express';
import type { AppDeps } from '../deps';

export function createHealthRouter(deps: AppDeps): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const checks = { data: deps.civic.members.length > 0, database: false };
    try {
      await deps.storage.ping();
      checks.database = true;
    } catch {
      checks.database = false;
    }
    const ready = checks.data && checks.database;
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks });
  });
  return router;
}
