/**
 * delivery/cwc/document: builds one CWC 2.0 XML document (one letter to one office) with xmlbuilder2, in
 * the element order the format prescribes. Inputs are checked by Zod first against the schema's lengths
 * and patterns (and, for a Senate office, the Senate's prefixes), so a document that leaves here is one
 * the service's schema accepts; optional elements are left out rather than sent empty.
 */
import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces';
import { z } from 'zod';
import { BillType } from '../../campaign/bills';
import { STATE_CODES } from '../../civic-data/states';
import {
  billTypeFor,
  chamberOfOffice,
  CwcEmail,
  cwcText,
  HouseOfficeCode,
  LIBRARY_OF_CONGRESS_TOPICS,
  LIMITS,
  SENATE_PREFIXES,
  SenateOfficeCode,
} from './format';

/** Exactly 32 letters and digits (the schema's uid_type); the same id on every retry of one letter. */
export const DeliveryId = z.string().regex(/^[A-Za-z0-9]{32}$/);
export const CwcPhone = z.string().regex(/^\d{3}-\d{3}-\d{4}$/, 'must look like 202-555-0100');

const optionalText = (limits: readonly [number, number]) => cwcText(limits).optional();

export const CwcDeliveryAgent = z.object({
  name: cwcText(LIMITS.deliveryAgent),
  ackEmail: CwcEmail,
  contactName: cwcText(LIMITS.contactName),
  contactEmail: CwcEmail,
  contactPhone: CwcPhone,
});
export type CwcDeliveryAgent = z.infer<typeof CwcDeliveryAgent>;

export const CwcDocumentInput = z
  .object({
    deliveryId: DeliveryId,
    /** The day of delivery (UTC) for DeliveryDate. */
    deliveryDate: z.date(),
    agent: CwcDeliveryAgent,
    organization: z
      .object({
        // The House's floor (6); the Senate's (3) is lower, so one value serves both.
        name: cwcText(LIMITS.organization),
        contact: z
          .object({ name: cwcText(LIMITS.organizationContactName), email: CwcEmail, phone: CwcPhone })
          .optional(),
        about: optionalText(LIMITS.organizationAbout),
      })
      .optional(),
    campaignId: cwcText(LIMITS.campaignId),
    recipient: z.object({
      memberOffice: z.union([HouseOfficeCode, SenateOfficeCode]),
      isResponseRequested: z.boolean().optional(),
      newsletterOptIn: z.boolean().optional(),
    }),
    constituent: z.object({
      prefix: cwcText(LIMITS.prefix),
      firstName: cwcText(LIMITS.name),
      middleName: optionalText(LIMITS.name),
      lastName: cwcText(LIMITS.name),
      suffix: optionalText(LIMITS.name),
      title: optionalText(LIMITS.name),
      organization: optionalText(LIMITS.constituentOrganization),
      address1: cwcText(LIMITS.address),
      address2: optionalText(LIMITS.address),
      address3: optionalText(LIMITS.address),
      city: cwcText(LIMITS.city),
      state: z.enum(STATE_CODES),
      zip: z.string().regex(/^\d{5}(-\d{4})?$/),
      phone: CwcPhone.optional(),
      addressValidated: z.boolean().optional(),
      email: CwcEmail,
      emailValidated: z.boolean(),
    }),
    message: z
      .object({
        subject: cwcText(LIMITS.subject),
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
        organizationStatement: optionalText(LIMITS.message),
        constituentMessage: optionalText(LIMITS.message),
        moreInfo: z.url().optional(),
      })
      .refine((m) => Boolean(m.organizationStatement || m.constituentMessage), {
        message: 'needs an OrganizationStatement or a ConstituentMessage',
      }),
  })
  .superRefine((d, ctx) => {
    // The Senate's own rules: only these prefixes.
    if (chamberOfOffice(d.recipient.memberOffice) === 'senate') {
      if (!(SENATE_PREFIXES as readonly string[]).includes(d.constituent.prefix)) {
        ctx.addIssue({
          code: 'custom',
          path: ['constituent', 'prefix'],
          message: `the Senate takes only ${SENATE_PREFIXES.join(', ')}`,
        });
      }
    }
  });
export type CwcDocumentInput = z.input<typeof CwcDocumentInput>;

const yesNo = (value: boolean) => (value ? 'Y' : 'N');

/** YYYYMMDD in UTC. */
export function cwcDate(date: Date): string {
  return date.toISOString().slice(0, 10).replace(/-/g, '');
}

function optional(parent: XMLBuilder, name: string, value: string | undefined): void {
  if (value !== undefined && value !== '') parent.ele(name).txt(value);
}

/** The XML document for one letter; throws a ZodError naming the field when an input is not acceptable. */
export function buildCwcDocument(input: CwcDocumentInput): string {
  const d = CwcDocumentInput.parse(input);
  const chamber = chamberOfOffice(d.recipient.memberOffice);
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele('CWC');
  root.ele('CWCVersion').txt('2.0');

  const delivery = root.ele('Delivery');
  delivery.ele('DeliveryId').txt(d.deliveryId);
  delivery.ele('DeliveryDate').txt(cwcDate(d.deliveryDate));
  delivery.ele('DeliveryAgent').txt(d.agent.name);
  delivery.ele('DeliveryAgentAckEmailAddress').txt(d.agent.ackEmail);
  const agentContact = delivery.ele('DeliveryAgentContact');
  agentContact.ele('DeliveryAgentContactName').txt(d.agent.contactName);
  agentContact.ele('DeliveryAgentContactEmail').txt(d.agent.contactEmail);
  agentContact.ele('DeliveryAgentContactPhone').txt(d.agent.contactPhone);
  if (d.organization) {
    delivery.ele('Organization').txt(d.organization.name);
    if (d.organization.contact) {
      const contact = delivery.ele('OrganizationContact');
      contact.ele('OrganizationContactName').txt(d.organization.contact.name);
      contact.ele('OrganizationContactEmail').txt(d.organization.contact.email);
      contact.ele('OrganizationContactPhone').txt(d.organization.contact.phone);
    }
    optional(delivery, 'OrganizationAbout', d.organization.about);
  }
  delivery.ele('CampaignId').txt(d.campaignId);

  const recipient = root.ele('Recipient');
  recipient.ele('MemberOffice').txt(d.recipient.memberOffice);
  if (d.recipient.isResponseRequested !== undefined) {
    recipient.ele('IsResponseRequested').txt(yesNo(d.recipient.isResponseRequested));
  }
  if (d.recipient.newsletterOptIn !== undefined) {
    recipient.ele('NewsletterOptIn').txt(yesNo(d.recipient.newsletterOptIn));
  }

  const c = d.constituent;
  const constituent = root.ele('Constituent');
  constituent.ele('Prefix').txt(c.prefix);
  constituent.ele('FirstName').txt(c.firstName);
  optional(constituent, 'MiddleName', c.middleName);
  constituent.ele('LastName').txt(c.lastName);
  optional(constituent, 'Suffix', c.suffix);
  optional(constituent, 'Title', c.title);
  optional(constituent, 'ConstituentOrganization', c.organization);
  constituent.ele('Address1').txt(c.address1);
  optional(constituent, 'Address2', c.address2);
  optional(constituent, 'Address3', c.address3);
  constituent.ele('City').txt(c.city);
  constituent.ele('StateAbbreviation').txt(c.state);
  constituent.ele('Zip').txt(c.zip);
  optional(constituent, 'Phone', c.phone);
  // Y only when validated; "N" would claim a check that was not made, so the element is left out.
  if (c.addressValidated) constituent.ele('AddressValidation').txt('Y');
  constituent.ele('Email').txt(c.email);
  if (c.emailValidated) constituent.ele('EmailValidation').txt('Y');

  const m = d.message;
  const message = root.ele('Message');
  message.ele('Subject').txt(m.subject);
  const topics = message.ele('LibraryOfCongressTopics');
  for (const topic of m.topics) topics.ele('LibraryOfCongressTopic').txt(topic);
  if (m.bills.length > 0) {
    const bills = message.ele('Bills');
    for (const bill of m.bills) {
      const b = bills.ele('Bill');
      b.ele('BillCongress').txt(String(bill.congress));
      b.ele('BillTypeAbbreviation').txt(billTypeFor(chamber, bill.type));
      b.ele('BillNumber').txt(String(bill.number));
    }
  }
  optional(message, 'ProOrCon', m.proOrCon);
  optional(message, 'OrganizationStatement', m.organizationStatement);
  optional(message, 'ConstituentMessage', m.constituentMessage);
  optional(message, 'MoreInfo', m.moreInfo);

  return root.end({ prettyPrint: true });
}
