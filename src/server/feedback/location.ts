/**
 * Where a feedback item is, as the public may see it. One rounding for every public surface
 * (site pages, Open311, feeds): 3 decimals of a degree, about 110 m north–south and 110 m
 * east–west at Ambon's latitude (3.7° S), so a pin never points at one house.
 */
export interface PublicPin {
  lat: number;
  long: number;
}

/** The pin rounded to about 100 m, or null when the item has none (both or neither are set). */
export function publicPin(lat: number | null, long: number | null): PublicPin | null {
  if (lat === null || long === null || !Number.isFinite(lat) || !Number.isFinite(long)) return null;
  // Halves round away from zero on both hemispheres alike; `+ 0` turns -0 into 0.
  const round = (v: number) => (Math.sign(v) * Math.round(Math.abs(v) * 1000)) / 1000 + 0;
  return { lat: round(lat), long: round(long) };
}

/**
 * Kota Ambon's bounding box: 3°34'8"–3°47'42" S, 128°1'33"–128°18'3" E as stated by BPS Kota
 * Ambon ("Kota Ambon Dalam Angka"), widened by 0.01° (about 1 km) for the coast. A coarse check
 * for pins that arrive through the API; a finer boundary, when the city's polygon is in
 * db/seeds, replaces it.
 */
export const AMBON_BOUNDS = { south: -3.805, north: -3.559, west: 128.016, east: 128.311 } as const;

export function insideAmbon(lat: number, long: number): boolean {
  const b = AMBON_BOUNDS;
  return lat >= b.south && lat <= b.north && long >= b.west && long <= b.east;
}
