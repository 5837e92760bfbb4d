import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { en } from '../../src/i18n/en.ts';
import { id } from '../../src/i18n/id.ts';
import { translator } from '../../src/i18n/index.ts';
import { auditActionLabel, auditChanges } from '../../src/server/audit/present.ts';

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Every action key the services record, with the dynamic ones expanded. */
function recordedActions(): string[] {
  const found = new Set<string>();
  for (const file of sources('src/server')) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/recordAudit\(\s*[^,]+,\s*(?:[^,()]+|\{[^}]*\}|[^,]*\([^)]*\)),\s*(['`])([^'`]+)\1/g)) found.add(m[2]!);
  }
  const expanded = [...found].flatMap((a) => {
    if (a === 'flag.${decision}') return ['flag.keep', 'flag.hide'];
    if (a === 'forum.question_${decision}') return ['forum.question_select', 'forum.question_decline'];
    if (a === 'user.password_${used.purpose}') return ['user.password_reset', 'user.password_setup'];
    return [a];
  });
  return expanded.sort();
}

describe('audit log presentation', () => {
  it('finds the actions the services record', () => {
    const actions = recordedActions();
    expect(actions).toContain('feedback.publish');
    expect(actions).toContain('flag.hide');
    expect(actions.length).toBeGreaterThan(50);
    expect(actions.filter((a) => a.includes('$'))).toEqual([]);
  });

  it('every recorded action has a label in Indonesian and in English', () => {
    const missing = recordedActions().filter((a) => !(`audit.action.${a}` in id) || !(`audit.action.${a}` in en));
    expect(missing).toEqual([]);
  });

  it('labels an action, and reads an unknown one as words rather than a key', () => {
    expect(auditActionLabel('feedback.publish', translator('id'))).toBe('Masukan ditayangkan');
    expect(auditActionLabel('feedback.publish', translator('en'))).toBe('Feedback published');
    expect(auditActionLabel('something.new_thing', translator('id'))).toBe('something new thing');
  });

  it('shows the fields that changed, not the JSON', () => {
    expect(auditChanges({ moderation_state: 'pending', open_flags: 3, title: 'A' }, { moderation_state: 'hidden', title: 'A' })).toEqual([
      { field: 'moderation state', before: 'pending', after: 'hidden' },
      { field: 'open flags', before: '3', after: null },
    ]);
    expect(auditChanges(null, { role: 'asn', unit_ids: [1, 2] })).toEqual([
      { field: 'role', before: null, after: 'asn' },
      { field: 'unit ids', before: null, after: '1, 2' },
    ]);
    expect(auditChanges(null, null)).toEqual([]);
    expect(auditChanges('a', 'b')).toEqual([{ field: 'value', before: 'a', after: 'b' }]);
    expect(auditChanges({ body: 'x'.repeat(500) }, null)[0]!.before).toHaveLength(160);
  });
});
