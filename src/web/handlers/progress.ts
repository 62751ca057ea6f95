/**
 * web/handlers/progress: the public campaign progress page and its JSON twin (built in
 * src/tracking/progress-page.ts).
 */
import type { RequestHandler } from 'express';
import { z } from 'zod';
import { buildProgressPageView, buildStatsJson } from '../../tracking/progress-page';
import type { AppDeps } from '../deps';

/** The House district a visitor typed (`?district=il-13`), at most 10 characters of it. */
const ProgressQuery = z.object({
  district: z
    .string()
    .catch('')
    .transform((typed) => typed.slice(0, 10)),
});

/** The progress page and its JSON twin, GET /api/campaigns/:slug/stats. */
export function createProgressHandlers(deps: AppDeps) {
  return {
    progressPage: async (req, res) => {
      const campaign = deps.campaigns.get(String(req.params.slug));
      const { district } = ProgressQuery.parse(req.query);
      const stats = await deps.stats.getCampaignStats(campaign.slug);
      const view = await buildProgressPageView(deps, req, campaign, stats, district);
      res.status(view.districtError ? 400 : 200).render('tracking/progress', view);
    },
    statsJson: async (req, res) => {
      const campaign = deps.campaigns.get(String(req.params.slug));
      const stats = await deps.stats.getCampaignStats(campaign.slug);
      res.setHeader(
        'Cache-Control',
        `public, max-age=${Math.max(0, Math.floor(deps.config.statsCacheMs / 1000))}`,
      );
      res.json(await buildStatsJson(deps, campaign, stats));
    },
  } satisfies Record<string, RequestHandler>;
}
