/**
 * Messages the site sends: the outbox, its statuses and channels, WhatsApp delivery states.
 * Indonesian: the source of the keys (messaging/en.ts must define exactly these).
 */
export const id = {
  'admin.outbox.title': 'Kotak keluar',
  'admin.outbox.lead': 'Surel yang dikirim sistem. Tanpa SMTP_URL, surel hanya dicatat di sini dan di log.',
  'admin.outbox.to': 'Penerima',
  'admin.outbox.subject': 'Subjek',
  'admin.outbox.status': 'Status',
  'admin.outbox.none': 'Belum ada surel.',

  // the outbox of every channel
  'channel.web': 'Situs web',
  'channel.whatsapp': 'WhatsApp',
  'channel.open311': 'Open311',
  'channel.label': 'Saluran',
  'channel.email': 'Surel',
  'outbox.title': 'Kotak keluar',
  'outbox.intro': 'Semua pesan yang dikirim situs ini, per saluran, dengan status pengirimannya.',
  'outbox.filter.channel': 'Saluran',
  'outbox.filter.status': 'Status',
  'outbox.filter.all': 'Semua',
  'outbox.filter.apply': 'Tampilkan',
  'outbox.to': 'Penerima',
  'outbox.delivery': 'Diterima penerima',
  'outbox.fallback': 'Diganti surel #{id}',
  'outbox.status.pending': 'Menunggu',
  'outbox.status.sending': 'Sedang dikirim',
  'outbox.status.sent': 'Terkirim',
  'outbox.status.logged': 'Dicatat (tanpa SMTP)',
  'outbox.status.failed': 'Gagal',
  'delivery.sent': 'Terkirim',
  'delivery.delivered': 'Sampai',
  'delivery.read': 'Dibaca',
  'delivery.failed': 'Gagal',
};
