/**
 * delivery/cwc/document: builds one CWC 2.0 XML document (one letter to one office) with xmlbuilder2, in
 * the element order the format prescribes. The letter's fields are checked by Zod first against the
 * schema's lengths and patterns (and, for a Senate office, the Senate's prefixes); the delivery agent was
 * checked the same way by the config at start-up. So a document that leaves here is one the service's
 * schema accepts; optional elements are left out rather than sent empty, and those no letter fills (a
 * middle name, a second address line, the organisation's contact, the response flags) are not built.
 */
import { create } from 'xmlbuilder2';
import { z } from 'zod';
import { BillType } from '../../campaign/bills';
import { STATE_CODES } from '../../civic-data/states';
import type { CwcAgentConfig } from '../../config/config';
import {
  billTypeFor,
  chamberOfOffice,
  CwcEmail,
  CwcPhone,
  cwcText,
  HouseOfficeCode,
  LIBRARY_OF_CONGRESS_TOPICS,
  SENATE_PREFIXES,
  SenateOfficeCode,
  senateTakesPrefix,
} from './format';

/** Exactly 32 letters and digits (the schema's uid_type); the same id on every retry of one letter. */
const DeliveryId = z.string().regex(/^[A-Za-z0-9]{32}$/);

const optionalText = (min: number, max: number) => cwcText(min, max).optional();

const LetterFields = z
  .object({
    deliveryId: DeliveryId,
    /** The day of delivery (UTC) for DeliveryDate. */
    deliveryDate: z.date(),
    organization: z
      .object({
        // The House's floor (6); the Senate's (3) is lower, so one value serves both.
        name: cwcText(6, 500),
        about: optionalText(6, 500),
      })
      .optional(),
    campaignId: cwcText(2, 500),
    recipient: z.object({ memberOffice: z.union([HouseOfficeCode, SenateOfficeCode]) }),
    constituent: z.object({
      prefix: cwcText(1, 500),
      firstName: cwcText(1, 500),
      lastName: cwcText(1, 500),
      address1: cwcText(3, 500),
      city: cwcText(3, 500),
      state: z.enum(STATE_CODES),
      zip: z.string().regex(/^\d{5}(-\d{4})?$/),
      phone: CwcPhone.optional(),
      email: CwcEmail,
      emailValidated: z.boolean(),
    }),
    message: z
      .object({
        subject: cwcText(6, 500),
        topics: z.array(z.enum(LIBRARY_OF_CONGRESS_TOPICS)).min(1),
        bills: z
          .array(
            z.object({
              congress: z.number().int().min(1).max(999),
              type: BillType,
              number: z.number().int().min(1),
            }),
          )
          .default([]),
        proOrCon: z.enum(['Pro', 'Con']).optional(),
        organizationStatement: optionalText(6, 10_000),
        constituentMessage: optionalText(6, 10_000),
        moreInfo: z.url().optional(),
      })
      .refine((m) => Boolean(m.organizationStatement || m.constituentMessage), {
        message: 'needs an OrganizationStatement or a ConstituentMessage',
      }),
  })
  .superRefine((d, ctx) => {
    // The Senate's own rules: only these prefixes.
    if (chamberOfOffice(d.recipient.memberOffice) === 'senate' && !senateTakesPrefix(d.constituent.prefix)) {
      ctx.addIssue({
        code: 'custom',
        path: ['constituent', 'prefix'],
        message: `the Senate takes only ${SENATE_PREFIXES.join(', ')}`,
      });
    }
  });
export type CwcDocumentInput = z.input<typeof LetterFields> & { agent: CwcAgentConfig };

/** The XML document for one letter; throws a ZodError naming the field when a letter's field is not acceptable. */
export function buildCwcDocument({ agent, ...letter }: CwcDocumentInput): string {
  const { organization, recipient, constituent: c, message: m, ...d } = LetterFields.parse(letter);
  const chamber = chamberOfOffice(recipient.memberOffice);
  // Keys in the format's element order; xmlbuilder2 leaves out undefined values (optional elements).
  const cwc = {
    CWCVersion: '2.0',
    Delivery: {
      DeliveryId: d.deliveryId,
      DeliveryDate: d.deliveryDate.toISOString().slice(0, 10).replace(/-/g, ''), // YYYYMMDD, UTC
      DeliveryAgent: agent.name,
      DeliveryAgentAckEmailAddress: agent.ackEmail,
      DeliveryAgentContact: {
        DeliveryAgentContactName: agent.contactName,
        DeliveryAgentContactEmail: agent.contactEmail,
        DeliveryAgentContactPhone: agent.contactPhone,
      },
      Organization: organization?.name,
      OrganizationAbout: organization?.about,
      CampaignId: d.campaignId,
    },
    Recipient: { MemberOffice: recipient.memberOffice },
    Constituent: {
      Prefix: c.prefix,
      FirstName: c.firstName,
      LastName: c.lastName,
      Address1: c.address1,
      City: c.city,
      StateAbbreviation: c.state,
      Zip: c.zip,
      Phone: c.phone,
      Email: c.email,
      // Y only when validated; "N" would claim a check that was not made, so the element is left out.
      EmailValidation: c.emailValidated ? 'Y' : undefined,
    },
    Message: {
      Subject: m.subject,
      LibraryOfCongressTopics: { LibraryOfCongressTopic: m.topics },
      Bills:
        m.bills.length > 0
          ? {
              Bill: m.bills.map((bill) => ({
                BillCongress: String(bill.congress),
                BillTypeAbbreviation: billTypeFor(chamber, bill.type),
                BillNumber: String(bill.number),
              })),
            }
          : undefined,
      ProOrCon: m.proOrCon,
      OrganizationStatement: m.organizationStatement,
      ConstituentMessage: m.constituentMessage,
      MoreInfo: m.moreInfo,
    },
  };
  return create({ version: '1.0', encoding: 'UTF-8' }).ele({ CWC: cwc }).end({ prettyPrint: true });
}
