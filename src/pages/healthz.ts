import type { APIRoute } from 'astro';
import { sql } from 'kysely';
import { initApp } from '../server/app.ts';
import { log } from '../server/log.ts';

/** Liveness and database status for load balancers: 200 when the database answers, else 503. */
export const GET: APIRoute = async () => {
  const headers = { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' };
  try {
    const { db, kind } = await initApp();
    await sql`select 1`.execute(db);
    return new Response(JSON.stringify({ status: 'ok', database: 'ok', dialect: kind }), { status: 200, headers });
  } catch (e) {
    log.error('health check failed', { error: e });
    return new Response(JSON.stringify({ status: 'error', database: 'unavailable' }), { status: 503, headers });
  }
};
