import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { insideCity, roundForPublic } from '../../src/server/geo/bounds.ts';
import { error, listDoc, render, toXml, w3c } from '../../src/server/open311/format.ts';
import { parseW3c } from '../../src/server/open311/service.ts';

describe('public rounding of pins (one function for the site, Open311 and feeds)', () => {
  it('rounds to 3 decimals (about 100 m), halves away from zero on both hemispheres', () => {
    const r = (latitude: number, longitude: number) => roundForPublic({ latitude, longitude });
    expect(r(-3.6954321, 128.1816789)).toEqual({ latitude: -3.695, longitude: 128.182 });
    expect(r(-3.6955, 128.1815)).toEqual({ latitude: -3.696, longitude: 128.182 });
    expect(r(3.6955, -128.1815)).toEqual({ latitude: 3.696, longitude: -128.182 });
    expect(Object.is(r(-0.0001, 0).latitude, 0)).toBe(true);
  });
});

describe('insideCity', () => {
  it('accepts the city and refuses elsewhere', () => {
    expect(insideCity({ latitude: -3.6954, longitude: 128.1814 })).toBe(true);
    expect(insideCity({ latitude: -6.2, longitude: 106.8 })).toBe(false);
    expect(insideCity({ latitude: -3.7, longitude: 128.5 })).toBe(false);
  });
});

describe('W3C dates', () => {
  it('formats instants in WIT with the +09:00 offset', () => {
    expect(w3c(new Date('2026-12-04T15:30:00Z'))).toBe('2026-12-05T00:30:00+09:00');
    expect(w3c(null)).toBeNull();
  });
  it('parses dates (a WIT day) and date-times with or without an offset', () => {
    expect(parseW3c('2026-12-04', false)!.toISOString()).toBe('2026-12-03T15:00:00.000Z');
    expect(parseW3c('2026-12-04', true)!.toISOString()).toBe('2026-12-04T14:59:59.999Z');
    expect(parseW3c('2026-12-04T09:30', false)!.toISOString()).toBe('2026-12-04T00:30:00.000Z');
    expect(parseW3c('2026-12-04T09:30:00Z', false)!.toISOString()).toBe('2026-12-04T09:30:00.000Z');
    expect(parseW3c('2026-12-04T09:30:00+0700', false)!.toISOString()).toBe('2026-12-04T02:30:00.000Z');
    expect(parseW3c('2026-12-04T09:30:00.5+09:00', false)!.toISOString()).toBe('2026-12-04T00:30:00.500Z');
    for (const bad of ['kemarin', '2026-12', '04-12-2026', '2026-13-45', '2026-12-04T25:00', '']) expect(parseW3c(bad, false), bad).toBeNull();
  });
});

describe('XML and JSON rendering', () => {
  it('escapes text, drops characters XML cannot carry, keeps empty fields as empty elements', async () => {
    const xml = toXml(listDoc('service_requests', 'request', [{ description: 'a < b & "c"\u0001', zipcode: null }]).xml);
    const parsed = new XMLParser({ isArray: (n) => n === 'request' }).parse(xml);
    expect(parsed.service_requests.request[0]).toEqual({ description: 'a < b & "c"', zipcode: '' });
  });
  it('errors carry the status as their code in both formats', async () => {
    const json = render('json', error(403, 'api_key is required'));
    expect(json.status).toBe(403);
    expect(await json.json()).toEqual([{ code: 403, description: 'api_key is required' }]);
    const xml = render('xml', error(400, 'bad'));
    expect(xml.headers.get('content-type')).toContain('text/xml');
    expect(new XMLParser().parse(await xml.text()).errors.error).toEqual({ code: 400, description: 'bad' });
  });
});

describe('OPEN311_JURISDICTION_ID', () => {
  it("defaults to PUBLIC_URL's host, may be set, and must be a domain name", async () => {
    const { parseConfig, ConfigError } = await import('../../src/server/config.ts');
    expect(parseConfig({ PUBLIC_URL: 'https://bakudengar.ambon.go.id/' }).open311JurisdictionId).toBe('bakudengar.ambon.go.id');
    expect(parseConfig({ OPEN311_JURISDICTION_ID: 'ambon.go.id' }).open311JurisdictionId).toBe('ambon.go.id');
    expect(() => parseConfig({ OPEN311_JURISDICTION_ID: 'Ambon Kota' })).toThrow(ConfigError);
  });
});
