import fs from 'node:fs';
import path from 'node:path';
import { fail, type Result } from '../forms.ts';
import { seedsDir } from '../reference/seed.ts';

/**
 * Places on the map: the city's bounds (reference data in db/seeds/kota-ambon-boundary.json,
 * sources in db/seeds/SOURCES-map.md), the one rounding used by everything public, and distances.
 */

export interface LatLng {
  latitude: number;
  longitude: number;
}

interface BoundaryFile {
  geometry: { type: 'Polygon'; coordinates: number[][][] };
}

let ring: Array<[number, number]> | null = null;

/** The outer ring of the city's boundary as [longitude, latitude] pairs (read once). */
export function cityRing(): Array<[number, number]> {
  if (ring) return ring;
  const file = JSON.parse(fs.readFileSync(path.join(seedsDir(), 'kota-ambon-boundary.json'), 'utf8')) as BoundaryFile;
  const outer = file.geometry?.coordinates?.[0];
  if (file.geometry?.type !== 'Polygon' || !outer || outer.length < 4) throw new Error('kota-ambon-boundary.json: expected a GeoJSON Polygon');
  ring = outer.map(([lon, lat]) => [Number(lon), Number(lat)] as [number, number]);
  return ring;
}

/** The bounding box of the city, [[south, west], [north, east]] (to frame maps). */
export function cityBox(): [[number, number], [number, number]] {
  const r = cityRing();
  const lats = r.map((p) => p[1]);
  const lons = r.map((p) => p[0]);
  return [
    [Math.min(...lats), Math.min(...lons)],
    [Math.max(...lats), Math.max(...lons)],
  ];
}

/** Ray casting over the ring: true when the point is inside Kota Ambon's polygon. */
export function insideCity(p: LatLng): boolean {
  const r = cityRing();
  let inside = false;
  for (let i = 0, j = r.length - 1; i < r.length; j = i++) {
    const [xi, yi] = r[i]!;
    const [xj, yj] = r[j]!;
    if (yi > p.latitude !== yj > p.latitude && p.longitude < ((xj - xi) * (p.latitude - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/**
 * The one rounding of a location shown in public (pages, map, feeds, APIs): 3 decimals, about
 * 110 m of latitude. Callers must already have decided the item may be public (published, not
 * confidential): see `publicLocation` for the whole rule.
 */
export function roundForPublic(p: LatLng): LatLng {
  // Halves round away from zero on both hemispheres alike; `+ 0` turns -0 into 0.
  const round = (v: number) => (Math.sign(v) * Math.round(Math.abs(v) * 1000)) / 1000 + 0;
  return { latitude: round(p.latitude), longitude: round(p.longitude) };
}

/**
 * A feedback item's location as the public may see it: null unless the item is published and
 * not confidential and has a pin; otherwise the pin rounded to about 100 m.
 */
export function publicLocation(f: {
  latitude: number | null;
  longitude: number | null;
  moderation_state: string;
  confidential: boolean;
}): LatLng | null {
  if (f.moderation_state !== 'published' || f.confidential) return null;
  if (f.latitude === null || f.longitude === null) return null;
  return roundForPublic({ latitude: f.latitude, longitude: f.longitude });
}

const EARTH_RADIUS_M = 6_371_008.8;

/** Great-circle distance in metres (haversine). */
export function distanceMetres(a: LatLng, b: LatLng): number {
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLon = (b.longitude - a.longitude) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** A latitude/longitude box that contains every point within `metres` of `p` (for index range reads). */
export function boxAround(p: LatLng, metres: number): { south: number; north: number; west: number; east: number } {
  const dLat = metres / 111_320;
  const dLon = metres / (111_320 * Math.max(0.01, Math.cos((p.latitude * Math.PI) / 180)));
  return { south: p.latitude - dLat, north: p.latitude + dLat, west: p.longitude - dLon, east: p.longitude + dLon };
}

/** Parses a pair of form fields; undefined when both are empty, null when malformed. */
export function parseLatLng(lat: string | undefined, lng: string | undefined): LatLng | null | undefined {
  const a = (lat ?? '').trim();
  const b = (lng ?? '').trim();
  if (a === '' && b === '') return undefined;
  const re = /^-?\d{1,3}(\.\d{1,10})?$/;
  if (!re.test(a) || !re.test(b)) return null;
  const latitude = Number(a);
  const longitude = Number(b);
  if (!(latitude >= -90 && latitude <= 90 && longitude >= -180 && longitude <= 180)) return null;
  return { latitude, longitude };
}

/**
 * Checks an optional pin (form fields `latitude`, `longitude`): none is fine; a malformed one
 * or one outside Kota Ambon is refused with a message for the `pin` field.
 */
export function checkPin(lat: string | undefined, lng: string | undefined): Result<LatLng | null> {
  const p = parseLatLng(lat, lng);
  if (p === undefined) return { ok: true, value: null };
  if (p === null) return fail('pin', 'map.err.pinInvalid');
  if (!insideCity(p)) return fail('pin', 'map.err.pinOutside');
  return { ok: true, value: p };
}
