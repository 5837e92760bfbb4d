import type { TestProject } from 'vitest/node';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSmtp, type TestSmtp } from '../../support/handling-smtp.ts';
import { prepareTemplateDataDir, startServer, type RunningServer } from './server.ts';

/**
 * One shared server process (embedded database) for the raw-HTTP files of the security project;
 * the files that stop or break their server (shutdown, database outage) start their own.
 * Its emails go to a real SMTP server on 127.0.0.1 (tests/support/handling-smtp.ts), which
 * writes each message it accepts to a folder the test files read (see support/mail.ts).
 */
let server: RunningServer | undefined;
let smtp: TestSmtp | undefined;
let template: string | undefined;
let mailDir: string | undefined;

export async function setup(project: TestProject): Promise<void> {
  template = prepareTemplateDataDir();
  project.provide('templateDataDir', template);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baku-dengar-sec-mail-'));
  mailDir = dir;
  let n = 0;
  smtp = await startSmtp({
    onMessage: (mail) => {
      const file = path.join(dir, `${String(++n).padStart(6, '0')}.json`);
      const body = JSON.stringify({ to: mail.envelopeTo, subject: mail.parsed.subject ?? '', text: mail.parsed.text ?? '' });
      // Written whole, then renamed: a reader never sees half a message.
      fs.writeFileSync(`${file}.tmp`, body);
      fs.renameSync(`${file}.tmp`, file);
    },
  });
  project.provide('mailDir', dir);
  server = await startServer({ SMTP_URL: smtp.url }, template);
  project.provide('serverUrl', server.url);
}

export async function teardown(): Promise<void> {
  await server?.stop();
  await smtp?.close();
  if (template) fs.rmSync(template, { recursive: true, force: true });
  if (mailDir) fs.rmSync(mailDir, { recursive: true, force: true });
}

declare module 'vitest' {
  export interface ProvidedContext {
    serverUrl: string;
    templateDataDir: string;
    mailDir: string;
  }
}
