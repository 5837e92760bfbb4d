/**
 * Strings of the phone layout, language and markup fixes (issue 11) and of the asset
 * pipeline. Indonesian (the source of the keys) and English; spread into id.ts and en.ts.
 */
export const frontId = {
  'board.filter.toggle': 'Saring',
  'board.filter.active': '{n} aktif',
  'board.filter.monthHint': 'Contoh: 2026-01',
  'table.scroll': '{caption} (geser ke samping untuk melihat semua kolom)',
  'outbox.status.pending': 'Menunggu',
  'outbox.status.sending': 'Sedang dikirim',
  'outbox.status.sent': 'Terkirim',
  'outbox.status.logged': 'Dicatat (tanpa SMTP)',
  'outbox.status.failed': 'Gagal',
};

export const frontEn: Record<keyof typeof frontId, string> = {
  'board.filter.toggle': 'Filter',
  'board.filter.active': '{n} active',
  'board.filter.monthHint': 'For example: 2026-01',
  'table.scroll': '{caption} (scroll sideways to see every column)',
  'outbox.status.pending': 'Waiting',
  'outbox.status.sending': 'Sending',
  'outbox.status.sent': 'Sent',
  'outbox.status.logged': 'Logged (no SMTP)',
  'outbox.status.failed': 'Failed',
};
