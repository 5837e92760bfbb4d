import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/server/config.ts';
import { flatten } from '../../src/server/privacy/service.ts';

describe('privacy configuration', () => {
  it('defaults: 24 months for contact details, 90 days for email bodies, a DPO named', () => {
    expect(parseConfig({}).privacy).toEqual({
      dpoName: expect.stringMatching(/Pelindungan Data Pribadi/),
      dpoEmail: 'ppdp@ambon.go.id',
      retentionContactMonths: 24,
      outboxBodyDays: 90,
    });
  });

  it('reads the variables and names each bad one', () => {
    expect(parseConfig({ DPO_NAME: 'Ibu Ratna', DPO_EMAIL: 'dpo@ambon.go.id', RETENTION_CONTACT_MONTHS: '12', OUTBOX_BODY_RETENTION_DAYS: '30' }).privacy).toEqual({
      dpoName: 'Ibu Ratna',
      dpoEmail: 'dpo@ambon.go.id',
      retentionContactMonths: 12,
      outboxBodyDays: 30,
    });
    let message = '';
    try {
      parseConfig({ DPO_EMAIL: 'bukan surel', RETENTION_CONTACT_MONTHS: '0', PORT: 'x' });
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      message = (e as Error).message;
    }
    expect(message).toMatch(/DPO_EMAIL/);
    expect(message).toMatch(/RETENTION_CONTACT_MONTHS/);
    expect(message).toMatch(/PORT/);
  });
});

describe('flatten (CSV export rows)', () => {
  it('gives one row per leaf with section, record number and dotted field', () => {
    const at = new Date('2026-12-01T00:00:00Z');
    expect(
      flatten({
        account: { email: 'a@contoh.id', created_at: at, unit: null },
        feedback: [{ id: 7, photos: [{ file_name: 'x.png' }], after: { fields: ['email'] } }],
        empty: [],
      }),
    ).toEqual([
      ['account', '1', 'email', 'a@contoh.id'],
      ['account', '1', 'created_at', '2026-12-01T00:00:00.000Z'],
      ['account', '1', 'unit', ''],
      ['feedback', '1', 'id', '7'],
      ['feedback', '1', 'photos[0].file_name', 'x.png'],
      ['feedback', '1', 'after.fields', '["email"]'],
    ]);
  });
});
