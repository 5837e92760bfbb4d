import type { Db } from '../db/index.ts';
import { cachedRead } from '../db/read-cache.ts';
import type { FeedbackKind, HandlingStatus } from '../db/schema.ts';
import type { BoardFilter } from '../feedback/queries.ts';
import { publicLocation, type LatLng } from '../geo/bounds.ts';
import { selectMapPoints } from './queries.ts';

/** Most points one map shows; the list beside it says when there were more. */
export const MAP_POINT_LIMIT = 500;

export interface MapPoint {
  id: number;
  kind: FeedbackKind;
  title: string;
  status: HandlingStatus;
  createdAt: Date;
  /** Rounded for the public (publicLocation). */
  at: LatLng;
}

/**
 * The board's map of the current filter: public items only, places rounded, bounded in number
 * (the same for everyone: kept in memory until the content changes).
 */
export function boardMap(db: Db, filter: BoardFilter, limit = MAP_POINT_LIMIT): Promise<{ points: MapPoint[]; limited: boolean }> {
  return cachedRead(db, `map:${JSON.stringify([filter, limit])}`, () => readBoardMap(db, filter, limit));
}

async function readBoardMap(db: Db, filter: BoardFilter, limit: number): Promise<{ points: MapPoint[]; limited: boolean }> {
  const rows = await selectMapPoints(db, filter, limit + 1);
  const points: MapPoint[] = [];
  for (const r of rows.slice(0, limit)) {
    const at = publicLocation(r);
    if (at) points.push({ id: r.id, kind: r.kind, title: r.title, status: r.status, createdAt: r.created_at, at });
  }
  return { points, limited: rows.length > limit };
}
