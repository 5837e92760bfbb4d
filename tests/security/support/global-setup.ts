import type { TestProject } from 'vitest/node';
import { startServer, type RunningServer } from './server.ts';

/**
 * One shared server process (embedded database) for the raw-HTTP files of the security project;
 * the files that stop or break their server (shutdown, database outage) start their own.
 */
let server: RunningServer | undefined;

export async function setup(project: TestProject): Promise<void> {
  server = await startServer();
  project.provide('serverUrl', server.url);
}

export async function teardown(): Promise<void> {
  await server?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    serverUrl: string;
  }
}
