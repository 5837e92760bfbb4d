import type { TestProject } from 'vitest/node';
import fs from 'node:fs';
import { prepareTemplateDataDir, startServer, type RunningServer } from './server.ts';

/**
 * One shared server process (embedded database) for the raw-HTTP files of the security project;
 * the files that stop or break their server (shutdown, database outage) start their own.
 */
let server: RunningServer | undefined;
let template: string | undefined;

export async function setup(project: TestProject): Promise<void> {
  template = prepareTemplateDataDir();
  project.provide('templateDataDir', template);
  server = await startServer({}, template);
  project.provide('serverUrl', server.url);
}

export async function teardown(): Promise<void> {
  await server?.stop();
  if (template) fs.rmSync(template, { recursive: true, force: true });
}

declare module 'vitest' {
  export interface ProvidedContext {
    serverUrl: string;
    templateDataDir: string;
  }
}
