/**
 * web/handlers/api: the JSON API (documented in docs/api.md). The representatives lookup reads only the
 * in-memory civic index: it never touches the database, so it keeps answering when the database is down.
 */
import type { RequestHandler } from 'express';
import { z } from 'zod';
import { fieldErrorsFromZod, ValidationError } from '../../platform/errors';
import type { AppDeps } from '../deps';

const RepresentativesQuery = z.object({
  address: z.string().max(10_000).optional(),
  zip: z.string().max(100).optional(),
  district: z.string().max(10).optional(),
  lat: z.coerce.number().min(-90).max(90).optional(),
  lon: z.coerce.number().min(-180).max(180).optional(),
});

const PreviewRequest = z.object({
  campaign: z.string().max(64).optional(),
  bioguide: z.string().max(16),
  district: z.string().max(10).optional(),
  sender: z.unknown(),
  personalNote: z.unknown().optional(),
  body: z.unknown().optional(),
});

/** GET /api/representatives (read-only, answered from memory) and POST /api/letters/preview. */
export function createApiHandlers(deps: AppDeps) {
  return {
    findRepresentatives: async (req, res) => {
      const query = RepresentativesQuery.safeParse(req.query);
      if (!query.success) {
        const field = String(query.error.issues[0]?.path[0] ?? 'address');
        throw ValidationError.forField(
          field,
          field === 'lat' || field === 'lon' ? 'messages.latLonDegrees' : 'messages.addressFarTooLong',
        );
      }
      const { address, zip, district, lat, lon } = query.data;
      if (lat !== undefined || lon !== undefined) {
        if (lat === undefined || lon === undefined) {
          throw ValidationError.forField(lat === undefined ? 'lat' : 'lon', 'messages.latLonBoth');
        }
        res.json(await deps.locator.findForPoint(lat, lon));
        return;
      }
      res.json(await deps.locator.findForAddress({ address, zip, district }));
    },
    previewLetter: (req, res) => {
      const parsed = PreviewRequest.safeParse(req.body ?? {});
      if (!parsed.success)
        throw new ValidationError('messages.previewIncomplete', { fields: fieldErrorsFromZod(parsed.error) });
      const { campaign = deps.campaigns.defaultSlug, ...draft } = parsed.data;
      const { ask, letter } = deps.letters.previewLetter({ campaign, ...draft });
      res.json({
        ask: letter.ask.kind,
        bill: { id: ask.bill.id, label: ask.bill.label, title: ask.bill.title, url: ask.bill.url },
        ...(ask.sponsorship
          ? { sponsorship: { role: ask.sponsorship.role, since: ask.sponsorship.since } }
          : {}),
        recipient: letter.recipient,
        subject: letter.subject,
        salutation: letter.salutation,
        body: letter.body,
        closing: letter.closing,
        signature: letter.signature,
        addressBlock: letter.addressBlock,
      });
    },
  } satisfies Record<string, RequestHandler>;
}
