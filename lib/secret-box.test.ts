import { describe, expect, it } from 'vitest';
import { deriveKey, open, seal } from './secret-box';

const key = deriveKey('a credentials key of at least 32 characters');
const context = 'adapter_connection:org-1:conn-1';

describe('secret box', () => {
  it('opens what it sealed, and the sealed text does not contain the secret', () => {
    const sealed = seal('seam_live_abc123', key, context);
    expect(sealed).not.toContain('seam_live_abc123');
    expect(sealed.startsWith('v1.')).toBe(true);
    expect(open(sealed, key, context)).toBe('seam_live_abc123');
  });

  it('seals the same secret differently each time', () => {
    expect(seal('same', key, context)).not.toBe(seal('same', key, context));
  });

  it('does not open with another key, for another row, or after tampering', () => {
    const sealed = seal('seam_live_abc123', key, context);
    expect(open(sealed, deriveKey('another key of at least 32 characters!'), context)).toBeNull();
    expect(open(sealed, key, 'adapter_connection:org-2:conn-1')).toBeNull();
    const [version, iv, tag, body = ''] = sealed.split('.');
    const flipped = `${body.slice(0, -2)}${body.at(-2) === 'A' ? 'B' : 'A'}${body.at(-1)}`;
    expect(open([version, iv, tag, flipped].join('.'), key, context)).toBeNull();
    expect(open('not sealed at all', key, context)).toBeNull();
  });
});
