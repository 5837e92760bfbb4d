import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/server/config.ts';
import { boxAround, checkPin, distanceMetres, insideCity, publicLocation, roundForPublic } from '../../src/server/geo/bounds.ts';
import { GEOLOCATION_PERMISSIONS_POLICY, mapContentSecurityPolicy, tileSource } from '../../src/server/http/map-headers.ts';
import { CONTENT_SECURITY_POLICY, securityHeaders } from '../../src/server/http/security-headers.ts';

describe('city bounds', () => {
  it('holds the city and refuses its neighbours', () => {
    const inside = { sirimau: [-3.6955, 128.1814], laha: [-3.7103, 128.0891], passo: [-3.627, 128.245], latuhalat: [-3.78, 128.11], hutumuri: [-3.69, 128.3] };
    const outside = { tulehu: [-3.588, 128.33], suli: [-3.615, 128.31], hitu: [-3.58, 128.18], liliboi: [-3.745, 128.02], masohi: [-3.3, 128.96], jakarta: [-6.2, 106.8] };
    for (const [name, [latitude, longitude]] of Object.entries(inside)) expect(insideCity({ latitude: latitude!, longitude: longitude! }), name).toBe(true);
    for (const [name, [latitude, longitude]] of Object.entries(outside)) expect(insideCity({ latitude: latitude!, longitude: longitude! }), name).toBe(false);
  });

  it('checks form pins', () => {
    expect(checkPin('', '')).toEqual({ ok: true, value: null });
    expect(checkPin('-3.6955', '128.1814')).toEqual({ ok: true, value: { latitude: -3.6955, longitude: 128.1814 } });
    expect(checkPin('-3.6955', '')).toMatchObject({ ok: false, errors: { pin: { key: 'map.err.pinInvalid' } } });
    expect(checkPin('-6.2', '106.8')).toMatchObject({ ok: false, errors: { pin: { key: 'map.err.pinOutside' } } });
  });
});

describe('public location', () => {
  it('rounds to 3 decimals, and only for published, non-confidential items', () => {
    expect(roundForPublic({ latitude: -3.695512, longitude: 128.181437 })).toEqual({ latitude: -3.696, longitude: 128.181 });
    const f = { latitude: -3.695512, longitude: 128.181437, moderation_state: 'published', confidential: false };
    expect(publicLocation(f)).toEqual({ latitude: -3.696, longitude: 128.181 });
    expect(publicLocation({ ...f, confidential: true })).toBeNull();
    expect(publicLocation({ ...f, moderation_state: 'pending' })).toBeNull();
    expect(publicLocation({ ...f, moderation_state: 'hidden' })).toBeNull();
    expect(publicLocation({ ...f, latitude: null, longitude: null })).toBeNull();
  });

  it('measures distances and boxes around points', () => {
    const a = { latitude: -3.6955, longitude: 128.1814 };
    expect(distanceMetres(a, { latitude: -3.6955 - 0.009, longitude: 128.1814 })).toBeGreaterThan(995);
    expect(distanceMetres(a, { latitude: -3.6955 - 0.009, longitude: 128.1814 })).toBeLessThan(1005);
    const box = boxAround(a, 1000);
    expect(box.north - a.latitude).toBeCloseTo(0.009, 3);
    expect(box.east - a.longitude).toBeGreaterThan(0.009);
  });
});

describe('map page headers', () => {
  it('allow images from the tile host only, derived from the URL template', () => {
    expect(tileSource('https://tile.openstreetmap.org/{z}/{x}/{y}.png')).toBe('https://tile.openstreetmap.org');
    expect(tileSource('https://{s}.tiles.example.id:8443/peta/{z}/{x}/{y}.png')).toBe('https://*.tiles.example.id:8443');
    const csp = mapContentSecurityPolicy('https://tile.openstreetmap.org/{z}/{x}/{y}.png');
    expect(csp).toContain("img-src 'self' data: https://tile.openstreetmap.org;");
    expect(csp.replace(" https://tile.openstreetmap.org", '')).toBe(CONTENT_SECURITY_POLICY);
    expect(securityHeaders(false)['Permissions-Policy']).toContain('geolocation=()');
    expect(GEOLOCATION_PERMISSIONS_POLICY).toBe(securityHeaders(false)['Permissions-Policy']!.replace('geolocation=()', 'geolocation=(self)'));
  });

  it('configuration: OpenStreetMap by default, and a tile URL must be a template', () => {
    expect(parseConfig({}).map).toEqual({ tileUrl: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png', tileAttribution: '© OpenStreetMap contributors' });
    expect(() => parseConfig({ MAP_TILE_URL: 'https://tiles.example.id/peta.png' })).toThrow(/MAP_TILE_URL/);
    expect(parseConfig({ MAP_TILE_URL: 'https://{s}.tiles.example.id/{z}/{x}/{y}.png', MAP_TILE_ATTRIBUTION: '© Pemkot Ambon' }).map.tileAttribution).toBe('© Pemkot Ambon');
  });
});
