import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/server/config.ts';

/** The ConfigError thrown for `env`, or a failed assertion if none is thrown. */
function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    parseConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(env)}`);
}

describe('parseConfig', () => {
  it('has working defaults for an empty environment', () => {
    expect(parseConfig({})).toMatchObject({
      port: 4321,
      host: 'localhost',
      dataDir: path.resolve('./data'),
      databaseUrl: undefined,
      publicUrl: 'http://localhost:4321',
      production: false,
      trustProxy: false,
      smtpUrl: undefined,
      mailFrom: 'Baku Dengar <no-reply@localhost>',
      logLevel: 'info',
      bodyLimitBytes: 20 * 1024 * 1024,
      session: {
        residentIdleSeconds: 14 * 86400,
        residentAbsoluteSeconds: 30 * 86400,
        staffIdleSeconds: 4 * 3600,
        staffAbsoluteSeconds: 12 * 3600,
      },
    });
  });

  it('reads every variable', () => {
    const c = parseConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      DATA_DIR: '/var/lib/baku',
      DATABASE_URL: 'postgresql://app:secret@db:5432/baku',
      PUBLIC_URL: 'https://dengar.ambon.go.id/',
      NODE_ENV: 'production',
      TRUST_PROXY: 'yes',
      SMTP_URL: 'smtps://user:pw@mail.ambon.go.id:465',
      MAIL_FROM: 'Baku Dengar <noreply@ambon.go.id>',
      LOG_LEVEL: 'warn',
      BODY_LIMIT_MB: '5',
      SESSION_RESIDENT_IDLE_DAYS: '7',
      SESSION_RESIDENT_MAX_DAYS: '60',
      SESSION_STAFF_IDLE_HOURS: '1',
      SESSION_STAFF_MAX_HOURS: '8',
    });
    expect(c).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      dataDir: '/var/lib/baku',
      databaseUrl: 'postgresql://app:secret@db:5432/baku',
      publicUrl: 'https://dengar.ambon.go.id',
      production: true,
      trustProxy: true,
      smtpUrl: 'smtps://user:pw@mail.ambon.go.id:465',
      mailFrom: 'Baku Dengar <noreply@ambon.go.id>',
      logLevel: 'warn',
      bodyLimitBytes: 5 * 1024 * 1024,
      session: { residentIdleSeconds: 7 * 86400, residentAbsoluteSeconds: 60 * 86400, staffIdleSeconds: 3600, staffAbsoluteSeconds: 8 * 3600 },
    });
  });

  it('derives the public URL from host and port, with 0.0.0.0 shown as localhost', () => {
    expect(parseConfig({ HOST: '0.0.0.0', PORT: '3000' }).publicUrl).toBe('http://localhost:3000');
    expect(parseConfig({ HOST: 'baku.local', PORT: '3000' }).publicUrl).toBe('http://baku.local:3000');
  });

  it('keeps public reads in memory unless READ_CACHE turns it off', () => {
    expect(parseConfig({}).readCache).toBe(true);
    expect(parseConfig({ READ_CACHE: 'false' }).readCache).toBe(false);
    expect(parseConfig({ READ_CACHE: '0' }).readCache).toBe(false);
    expect(parseConfig({ READ_CACHE: 'yes' }).readCache).toBe(true);
  });

  it('treats empty DATABASE_URL and SMTP_URL as unset', () => {
    const c = parseConfig({ DATABASE_URL: '', SMTP_URL: '' });
    expect(c.databaseUrl).toBeUndefined();
    expect(c.smtpUrl).toBeUndefined();
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '0'],
    ['PORT', '65536'],
    ['PORT', '80.5'],
    ['DATABASE_URL', 'mysql://localhost/baku'],
    ['DATABASE_URL', 'localhost:5432'],
    ['SMTP_URL', 'http://mail.example'],
    ['SMTP_URL', 'mail.example:25'],
    ['PUBLIC_URL', 'ftp://example.id'],
    ['PUBLIC_URL', 'not a url'],
    ['TRUST_PROXY', 'maybe'],
    ['READ_CACHE', 'sometimes'],
    ['LOG_LEVEL', 'verbose'],
    ['BODY_LIMIT_MB', '0'],
    ['SESSION_STAFF_IDLE_HOURS', '-1'],
  ])('refuses %s=%j with a ConfigError naming the variable', (name, value) => {
    const e = configError({ [name]: value });
    expect(e.message).toContain(name);
    // Only the bad variable is named.
    for (const other of ['PORT', 'DATABASE_URL', 'SMTP_URL', 'PUBLIC_URL', 'LOG_LEVEL']) {
      if (other !== name && !name.includes(other)) expect(e.message).not.toMatch(new RegExp(`\\b${other}:`));
    }
  });

  it('names every bad variable at once, and does not echo a secret in the message', () => {
    const e = configError({ PORT: 'x', DATABASE_URL: 'mysql://root:hunter2@db/baku', SMTP_URL: 'http://u:pw@mail' });
    expect(e.message).toMatch(/PORT/);
    expect(e.message).toMatch(/DATABASE_URL/);
    expect(e.message).toMatch(/SMTP_URL/);
    expect(e.message).not.toContain('hunter2');
  });
});
