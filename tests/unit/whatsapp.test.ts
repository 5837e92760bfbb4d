import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, WHATSAPP_DEFAULT_API_URL } from '../../src/server/config.ts';
import { titleFromBody } from '../../src/server/whatsapp-conversation/conversation.ts';
import { e164ToWa, toE164, waIdToE164 } from '../../src/server/whatsapp/phone.ts';
import { signBody, verifySignature } from '../../src/server/whatsapp/signature.ts';
import { renderTemplate, templateParam, WHATSAPP_TEMPLATES } from '../../src/server/whatsapp/templates.ts';

describe('phone numbers in E.164', () => {
  it('reads Indonesian national, international and wa_id forms', () => {
    expect(toE164('0812-3456-7890')).toBe('+6281234567890');
    expect(toE164('+62 812 3456 7890')).toBe('+6281234567890');
    expect(toE164('6281234567890')).toBe('+6281234567890');
    expect(toE164('0062 812 3456 7890')).toBe('+6281234567890');
    expect(toE164('(0911) 352 123')).toBe('+62911352123');
    expect(toE164('+44 20 7946 0958')).toBe('+442079460958');
    expect(toE164('12345')).toBeNull();
    expect(toE164('telepon saya')).toBeNull();
    expect(waIdToE164('6281234567890')).toBe('+6281234567890');
    expect(waIdToE164('+62812')).toBeNull();
    expect(e164ToWa('+6281234567890')).toBe('6281234567890');
  });
});

describe('webhook signatures', () => {
  const secret = 's3cret';
  it('accepts the HMAC-SHA256 of the exact bytes, including emoji and non-ASCII, and refuses anything else', () => {
    const body = Buffer.from('{"text":"Jalan rusak 😡 — “tolong”"}', 'utf8');
    const header = signBody(body, secret);
    expect(header).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifySignature(body, header, secret)).toBe(true);
    expect(verifySignature(body, header.toUpperCase().replace('SHA256=', 'sha256='), secret)).toBe(true);
    expect(verifySignature(Buffer.from('{"text":"Jalan rusak \\ud83d\\ude21 \\u2014 \\u201ctolong\\u201d"}'), header, secret)).toBe(false);
    expect(verifySignature(body, header, 'other')).toBe(false);
    expect(verifySignature(body, null, secret)).toBe(false);
    expect(verifySignature(body, 'sha256=abc', secret)).toBe(false);
    expect(verifySignature(body, header.replace('sha256=', 'sha1='), secret)).toBe(false);
  });
});

describe('configuration', () => {
  const all = { WHATSAPP_TOKEN: 'EAAG', WHATSAPP_PHONE_NUMBER_ID: '109876543210', WHATSAPP_APP_SECRET: 'secret', WHATSAPP_VERIFY_TOKEN: 'verify-me-please' };
  it('is off without the variables, on with all of them, and refuses half a configuration naming what is missing', () => {
    expect(parseConfig({}).whatsapp).toBeNull();
    expect(parseConfig(all).whatsapp).toEqual({ apiUrl: WHATSAPP_DEFAULT_API_URL, token: 'EAAG', phoneNumberId: '109876543210', appSecret: 'secret', verifyToken: 'verify-me-please' });
    expect(parseConfig({ ...all, WHATSAPP_API_URL: 'http://127.0.0.1:9/v23.0/' }).whatsapp?.apiUrl).toBe('http://127.0.0.1:9/v23.0');
    expect(() => parseConfig({ WHATSAPP_TOKEN: 'EAAG' })).toThrow(ConfigError);
    expect(() => parseConfig({ WHATSAPP_TOKEN: 'EAAG' })).toThrow(/WHATSAPP_APP_SECRET/);
    expect(() => parseConfig({ ...all, WHATSAPP_PHONE_NUMBER_ID: 'abc' })).toThrow(/WHATSAPP_PHONE_NUMBER_ID/);
    expect(() => parseConfig({ ...all, WHATSAPP_VERIFY_TOKEN: 'short' })).toThrow(/WHATSAPP_VERIFY_TOKEN/);
  });
});

describe('templates and titles', () => {
  it('flattens parameters as Meta requires and fills the registered texts', () => {
    expect(templateParam('a\n\nb\t  c     d')).toBe('a b c d');
    expect(templateParam('kata '.repeat(200), 50).length).toBeLessThanOrEqual(50);
    expect(templateParam('')).toBe('-');
    expect(renderTemplate(WHATSAPP_TEMPLATES.receipt.name, 'en', ['Broken road', 'BD-AAAAA-BBBBB', '9 Dec'])).toBe(
      'We have received your feedback "Broken road". Tracking code: BD-AAAAA-BBBBB. Moderators check it by 9 Dec. The code is your private key: do not share it.',
    );
    expect(titleFromBody('Jalan berlubang di depan sekolah. Sudah lama sekali.')).toBe('Jalan berlubang di depan sekolah.');
    expect(titleFromBody('x'.repeat(200)).length).toBeLessThanOrEqual(80);
  });
});
