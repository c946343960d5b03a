import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TEMPLATES,
  formatForGuest,
  renderTemplate,
  SMS_MAX_LENGTH,
  saveTemplateSchema,
  type TemplateFacts,
  unknownPlaceholders,
} from './templates';

const FACTS: TemplateFacts = {
  guestName: 'Ana Silva',
  code: '482913',
  propertyName: 'Harbor Hotel',
  room: '204',
  // 15:00 and 11:00 in New York, in winter.
  startsAt: new Date('2026-12-24T20:00:00Z'),
  endsAt: new Date('2026-12-27T16:00:00Z'),
  timeZone: 'America/New_York',
};

/** The first problem zod finds, as "field: message". */
function problem(input: unknown): string | null {
  const result = saveTemplateSchema.safeParse(input);
  if (result.success) return null;
  const issue = result.error.issues[0];
  return `${issue?.path.join('.')}: ${issue?.message}`;
}

describe('renderTemplate', () => {
  it('fills every placeholder, with times in the property’s zone in a form any guest reads', () => {
    const sms = renderTemplate(
      {
        channel: 'sms',
        body: '{{guest_name}}, {{property}} room {{room}}: {{code}} from {{starts_at}} to {{ends_at}}',
      },
      FACTS,
    );
    expect(sms).toEqual({
      subject: null,
      html: null,
      text: 'Ana Silva, Harbor Hotel room 204: 482913 from 2026-12-24 15:00 (America/New_York) to 2026-12-27 11:00 (America/New_York)',
    });
  });

  it('keeps the wall-clock time across a DST change', () => {
    expect(formatForGuest(new Date('2026-07-01T19:00:00Z'), 'America/New_York')).toBe(
      '2026-07-01 15:00 (America/New_York)',
    );
    expect(formatForGuest(new Date('2026-12-01T20:00:00Z'), 'America/New_York')).toBe(
      '2026-12-01 15:00 (America/New_York)',
    );
  });

  it('escapes HTML in an email body, the guest’s name included, and keeps the text version as typed', () => {
    const email = renderTemplate(
      {
        channel: 'email',
        subject: 'Code for {{guest_name}}',
        body: 'Hi <b>{{guest_name}}</b>,\n\nCode: {{code}}',
      },
      { ...FACTS, guestName: '<script>alert(1)</script> & Co' },
    );
    expect(email.html).toBe(
      '<p>Hi &lt;b&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co&lt;/b&gt;,</p>\n<p>Code: 482913</p>',
    );
    expect(email.html).not.toContain('<script>');
    expect(email.text).toBe('Hi <b><script>alert(1)</script> & Co</b>,\n\nCode: 482913');
    expect(email.subject).toBe('Code for <script>alert(1)</script> & Co');
  });

  it('renders every default template with nothing left unfilled', () => {
    for (const [kind, channels] of Object.entries(DEFAULT_TEMPLATES)) {
      for (const [channel, template] of Object.entries(channels)) {
        const rendered = renderTemplate(
          { channel: channel as 'email' | 'sms', ...template },
          FACTS,
        );
        expect(rendered.text, `${kind}/${channel}`).not.toMatch(/\{\{|\}\}/);
        expect(`${rendered.subject ?? ''} ${rendered.text}`, `${kind}/${channel}`).toContain(
          'Harbor Hotel',
        );
        if (kind !== 'cancellation') expect(rendered.text).toContain('482913');
        expect(problem({ kind, channel, ...template }), `${kind}/${channel}`).toBeNull();
      }
    }
  });
});

describe('saveTemplateSchema', () => {
  it.each([
    [
      'an unknown placeholder',
      { kind: 'guest_code', channel: 'sms', body: 'Code {{pin}} for {{ guest }}' },
      /^body: Body uses \{\{pin\}\}, \{\{guest\}\}, which Keyhold does not know/,
    ],
    [
      'an unknown placeholder in the subject',
      { kind: 'guest_code', channel: 'email', subject: 'Hi {{first_name}}', body: '{{code}}' },
      /^subject: Subject uses \{\{first_name\}\}/,
    ],
    [
      'an email without a subject',
      { kind: 'guest_code', channel: 'email', body: '{{code}}' },
      /^subject: An email needs a subject/,
    ],
    [
      'an empty body',
      { kind: 'backup_code', channel: 'sms', body: '   ' },
      /^body: Body is required/,
    ],
    ['a kind Keyhold does not send', { kind: 'birthday', channel: 'sms', body: 'x' }, /^kind: /],
    [
      'a channel Keyhold cannot use',
      { kind: 'guest_code', channel: 'fax', body: 'x' },
      /^channel: /,
    ],
    [
      'an SMS too long once filled in',
      { kind: 'guest_code', channel: 'sms', body: `${'Welcome! '.repeat(60)}{{code}}` },
      new RegExp(`^body: An SMS must be at most ${SMS_MAX_LENGTH} characters`),
    ],
  ])('refuses %s, naming the field', (_, input, message) => {
    expect(problem(input)).toMatch(message);
  });

  it('accepts spaces inside the braces and trims the body', () => {
    const parsed = saveTemplateSchema.parse({
      kind: 'guest_code',
      channel: 'sms',
      body: '  Code {{ code }}  ',
    });
    expect(parsed.body).toBe('Code {{ code }}');
    expect(renderTemplate({ channel: 'sms', body: parsed.body }, FACTS).text).toBe('Code 482913');
  });

  it('lists unknown placeholders once each', () => {
    expect(unknownPlaceholders('{{a}} {{code}} {{a}} {{ b }}')).toEqual(['a', 'b']);
  });
});
