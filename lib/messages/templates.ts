import { z } from 'zod';
import type { GuestMessageKind, PersonChannel } from '@/db/schema';
import { localDateTimeParts } from '@/lib/time';

/**
 * Guest message templates: `{{placeholder}}` text per organization, kind and
 * channel, rendered in the property's time zone. Pure: storing templates and
 * sending messages are elsewhere.
 */

export const PLACEHOLDERS = [
  'guest_name',
  'code',
  'property',
  'room',
  'starts_at',
  'ends_at',
] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

/** Three SMS segments of GSM-7 text; longer messages are refused at save and at send. */
export const SMS_MAX_LENGTH = 459;
const EMAIL_MAX_LENGTH = 5_000;
const SUBJECT_MAX_LENGTH = 200;

const PLACEHOLDER_PATTERN = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** The placeholders a text uses that Keyhold does not know, in order of appearance. */
export function unknownPlaceholders(text: string): string[] {
  const known = new Set<string>(PLACEHOLDERS);
  const unknown = [...text.matchAll(PLACEHOLDER_PATTERN)]
    .map((m) => m[1] ?? '')
    .filter((name) => !known.has(name));
  return [...new Set(unknown)];
}

const placeholdersKnown = (field: string) => (text: string, ctx: z.RefinementCtx) => {
  const unknown = unknownPlaceholders(text);
  if (unknown.length > 0) {
    ctx.addIssue({
      code: 'custom',
      message: `${field} uses ${unknown.map((u) => `{{${u}}}`).join(', ')}, which Keyhold does not know. Use ${PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}.`,
    });
  }
};

/** Which template: a kind of message and the channel it goes by. */
export const templateKeySchema = z.object({
  kind: z.enum(['guest_code', 'backup_code', 'code_changed', 'cancellation'], {
    error: 'Kind must be guest_code, backup_code, code_changed or cancellation.',
  }),
  channel: z.enum(['email', 'sms'], { error: 'Channel must be email or sms.' }),
});

export const saveTemplateSchema = templateKeySchema
  .extend({
    subject: z
      .string({ error: 'Subject must be text.' })
      .trim()
      .max(SUBJECT_MAX_LENGTH, `Subject must be at most ${SUBJECT_MAX_LENGTH} characters.`)
      .superRefine(placeholdersKnown('Subject'))
      .nullish(),
    body: z
      .string({ error: 'Body must be text.' })
      .trim()
      .min(1, 'Body is required.')
      .max(EMAIL_MAX_LENGTH, `Body must be at most ${EMAIL_MAX_LENGTH} characters.`)
      .superRefine(placeholdersKnown('Body')),
  })
  .superRefine((t, ctx) => {
    if (t.channel === 'email' && !t.subject) {
      ctx.addIssue({ code: 'custom', path: ['subject'], message: 'An email needs a subject.' });
    }
    // The longest a code, a name and two times make the body, measured with sample values.
    if (t.channel === 'sms') {
      const sample = renderText(t.body, SAMPLE_VALUES);
      if (sample.length > SMS_MAX_LENGTH) {
        ctx.addIssue({
          code: 'custom',
          path: ['body'],
          message: `An SMS must be at most ${SMS_MAX_LENGTH} characters once filled in; this one comes to about ${sample.length}.`,
        });
      }
    }
  });
export type SaveTemplateInput = z.input<typeof saveTemplateSchema>;

/** What fills a template: one stay's guest, code and lock. */
export type TemplateFacts = {
  guestName: string;
  code: string;
  propertyName: string;
  room: string | null;
  startsAt: Date | null;
  endsAt: Date | null;
  timeZone: string;
};

/**
 * "2026-11-26 15:00 (America/New_York)": a date every guest reads the same
 * way, whatever their language, with the zone it is in.
 */
export function formatForGuest(at: Date | null, zone: string): string {
  if (!at) return 'no end date';
  const { date, time } = localDateTimeParts(at, zone);
  return `${date} ${time} (${zone})`;
}

export function valuesFor(facts: TemplateFacts): Record<Placeholder, string> {
  return {
    guest_name: facts.guestName,
    code: facts.code,
    property: facts.propertyName,
    room: facts.room ?? '',
    starts_at: formatForGuest(facts.startsAt, facts.timeZone),
    ends_at: formatForGuest(facts.endsAt, facts.timeZone),
  };
}

/**
 * The shortest SMS that still does the job, for when a template filled in runs
 * past SMS_MAX_LENGTH (a very long name, or a stay's many locks with their own
 * digits). Tries the fullest first.
 */
export function compactSms(kind: GuestMessageKind, facts: TemplateFacts): string {
  const v = valuesFor(facts);
  const property = v.property.slice(0, 60);
  const room = v.room ? `, room ${v.room.slice(0, 60)}` : '';
  const tries =
    kind === 'cancellation'
      ? [`${property}: your stay from ${v.starts_at} is cancelled; its door code no longer works.`]
      : [
          `${property}: door code ${v.code}${room}, from ${v.starts_at} to ${v.ends_at}.`,
          `${property}: door code ${v.code}, until ${v.ends_at}.`,
          `${property}: your door code does not fit in a text message. Please check your email or ask the front desk.`,
        ];
  return (
    tries.find((t) => t.length <= SMS_MAX_LENGTH) ?? (tries.at(-1) ?? '').slice(0, SMS_MAX_LENGTH)
  );
}

const SAMPLE_VALUES: Record<Placeholder, string> = {
  guest_name: 'Maximiliana Hohenzollern-Sigmaringen',
  code: '12345678',
  property: 'The Grand Harbour Hotel and Residences',
  room: '1204',
  starts_at: '2026-12-24 15:00 (America/Argentina/Buenos_Aires)',
  ends_at: '2026-12-31 11:00 (America/Argentina/Buenos_Aires)',
};

function renderText(text: string, values: Record<string, string>, encode = (s: string) => s) {
  return text.replace(PLACEHOLDER_PATTERN, (whole, name: string) =>
    Object.hasOwn(values, name) ? encode(values[name] ?? '') : whole,
  );
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);

export type RenderedMessage = { subject: string | null; text: string; html: string | null };

/**
 * Fill a template. Email gets a plain-text body and an HTML body in which
 * everything — the template's words and the guest's name alike — is escaped,
 * so a name like `<script>` arrives as text.
 */
export function renderTemplate(
  template: { channel: PersonChannel; subject?: string | null; body: string },
  facts: TemplateFacts,
): RenderedMessage {
  return renderWith(template, valuesFor(facts));
}

/**
 * Fill any template with its own placeholders' values (a staff member's
 * message has other facts than a guest's), escaped for HTML the same way.
 */
export function renderWith(
  template: { channel: PersonChannel; subject?: string | null; body: string },
  values: Record<string, string>,
): RenderedMessage {
  const text = renderText(template.body, values);
  if (template.channel === 'sms') return { subject: null, text, html: null };
  const html = escapeHtml(template.body)
    .split(/\n{2,}/)
    .map(
      (paragraph) => `<p>${renderText(paragraph, values, escapeHtml).replace(/\n/g, '<br>')}</p>`,
    )
    .join('\n');
  return { subject: renderText(template.subject ?? '', values), text, html };
}

/** What an organization sends until it writes its own. */
export const DEFAULT_TEMPLATES: Record<
  GuestMessageKind,
  Record<PersonChannel, { subject: string | null; body: string }>
> = {
  guest_code: {
    email: {
      subject: 'Your door code for {{property}}',
      body: 'Hello {{guest_name}},\n\nYour code for room {{room}} at {{property}} is {{code}}.\nIt works from {{starts_at}} until {{ends_at}}.\n\nEnjoy your stay.',
    },
    sms: {
      subject: null,
      body: '{{property}}: your code for room {{room}} is {{code}}, from {{starts_at}} to {{ends_at}}.',
    },
  },
  backup_code: {
    email: {
      subject: 'A new door code for {{property}}',
      body: 'Hello {{guest_name}},\n\nPlease use this code for room {{room}}: {{code}}.\nIt works from {{starts_at}} until {{ends_at}}.',
    },
    sms: {
      subject: null,
      body: '{{property}}: please use code {{code}} for room {{room}}. It works from {{starts_at}} until {{ends_at}}.',
    },
  },
  code_changed: {
    email: {
      subject: 'Your door code for {{property}} has been updated',
      body: 'Hello {{guest_name}},\n\nYour door code has been updated: for room {{room}} it is {{code}}, from {{starts_at}} until {{ends_at}}. Please use this one from now on.',
    },
    sms: {
      subject: null,
      body: '{{property}}: your door code was updated. Room {{room}}: {{code}}, from {{starts_at}} to {{ends_at}}. Please use this one from now on.',
    },
  },
  cancellation: {
    email: {
      subject: 'Your stay at {{property}} is cancelled',
      body: 'Hello {{guest_name}},\n\nYour stay at {{property}} from {{starts_at}} is cancelled, and its door code no longer works.',
    },
    sms: {
      subject: null,
      body: '{{property}}: your stay from {{starts_at}} is cancelled; its door code no longer works.',
    },
  },
};
