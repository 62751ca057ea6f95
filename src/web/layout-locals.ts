/**
 * web/layout-locals: what every page's layout (templates/layouts/main.hbs) shows besides the page: how
 * fresh the member data is (and a warning once it is past its validUntil date), the maps notices, and
 * whether the campaign's bills died with their Congress (the letters then ask to reintroduce them).
 */
import type { RequestHandler } from 'express';
import { billExpiryNotice } from '../campaign/bills';
import { ordinal } from '../civic-data/congress';
import type { CivicDataMeta } from '../civic-data/types';
import { stateName } from '../tracking/labels';
import type { AppDeps } from './deps';

const CAMPAIGN_PATH = /^\/campaigns\/([a-z0-9-]{1,64})(?:\/|$)/;

/** Sets the layout's locals for every page; the campaign is the path's, else the default one. */
export function layoutLocals(deps: AppDeps): RequestHandler {
  return (req, res, next) => {
    const slug = CAMPAIGN_PATH.exec(req.path)?.[1] ?? deps.campaigns.defaultSlug;
    const campaign = deps.campaigns.list().find((c) => c.slug === slug);
    const meta = deps.civic.meta;
    Object.assign(res.locals, {
      billNotice: campaign && billExpiryNotice(deps.asks.situation(campaign), req.language),
      dataAsOf: meta.snapshotDate,
      dataStale: deps.civic.isStale(deps.clock.now()),
      dataValidUntil: meta.validUntil,
      congress: meta.congress,
      congressOrdinal: ordinal(meta.congress),
      ...mapsNotices(meta),
    });
    next();
  };
}

/**
 * `previousMaps`, the states whose new members are served on the previous Congress's maps (proven
 * unchanged), and `awaitingMaps`, the states whose new ZIP rows or boundaries are not published yet
 * (civic-data/previous-maps decides both at import), by English name (en, es) and code (ar).
 */
function mapsNotices(meta: Pick<CivicDataMeta, 'previousMaps' | 'awaitingMaps'>) {
  const awaiting = meta.awaitingMaps;
  const listed = (states: readonly string[]) =>
    states.length > 0 ? { names: states.map(stateName).join(', '), codes: states.join(', ') } : undefined;
  const zips = listed(awaiting?.zips ?? []);
  const boundaries = listed((awaiting?.boundaries ?? []).filter((s) => !awaiting?.zips.includes(s)));
  return {
    previousMaps: meta.previousMaps && {
      congress: meta.previousMaps.congress,
      ordinal: ordinal(meta.previousMaps.congress),
      stateList: meta.previousMaps.states.join(', '),
    },
    awaitingMaps: zips || boundaries ? { zips, boundaries } : undefined,
  };
}
