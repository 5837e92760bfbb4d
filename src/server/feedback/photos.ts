import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import type { MessageKey } from '../../i18n/index.ts';

export const MAX_PHOTOS = 3;
export const MAX_PHOTO_BYTES = 5 * 1024 * 1024;
const MAX_EDGE = 2048;

export type PhotoMime = 'image/jpeg' | 'image/png' | 'image/webp';
const FORMATS: Record<string, { mime: PhotoMime; ext: string }> = {
  jpeg: { mime: 'image/jpeg', ext: 'jpg' },
  png: { mime: 'image/png', ext: 'png' },
  webp: { mime: 'image/webp', ext: 'webp' },
};

export interface ProcessedPhoto {
  data: Buffer;
  mime: PhotoMime;
  ext: string;
  width: number;
  height: number;
}

/**
 * Checks an upload by its content (not its name or declared type) and re-encodes it: turned
 * upright, at most 2048 px on the long edge, and with every piece of metadata (EXIF, GPS,
 * ICC, XMP) dropped, because sharp writes none unless asked.
 */
export async function processPhoto(file: File): Promise<{ ok: true; photo: ProcessedPhoto } | { ok: false; error: MessageKey }> {
  if (file.size > MAX_PHOTO_BYTES) return { ok: false, error: 'err.photoTooLarge' };
  const input = Buffer.from(await file.arrayBuffer());
  let format: string | undefined;
  try {
    format = (await sharp(input).metadata()).format;
  } catch {
    return { ok: false, error: 'err.photoType' };
  }
  const target = format ? FORMATS[format] : undefined;
  if (!target) return { ok: false, error: 'err.photoType' };
  try {
    const pipeline = sharp(input, { failOn: 'error' }).rotate().resize({ width: MAX_EDGE, height: MAX_EDGE, fit: 'inside', withoutEnlargement: true });
    const encoded =
      target.mime === 'image/jpeg'
        ? pipeline.jpeg({ quality: 82, mozjpeg: true })
        : target.mime === 'image/png'
          ? pipeline.png({ compressionLevel: 9 })
          : pipeline.webp({ quality: 80 });
    const { data, info } = await encoded.toBuffer({ resolveWithObject: true });
    return { ok: true, photo: { data, mime: target.mime, ext: target.ext, width: info.width, height: info.height } };
  } catch {
    return { ok: false, error: 'err.photoType' };
  }
}

/** Where photos live: DATA_DIR/uploads, under random names that reveal nothing. */
export interface PhotoStore {
  save(photo: ProcessedPhoto): Promise<string>;
  remove(fileName: string): Promise<void>;
  read(fileName: string): Promise<Buffer | null>;
}

const NAME_RE = /^[a-f0-9]{32}\.(jpg|png|webp)$/;

export function photoStore(dataDir: string): PhotoStore {
  const dir = path.join(dataDir, 'uploads');
  return {
    async save(photo) {
      await fs.mkdir(dir, { recursive: true });
      const bytes = new Uint8Array(16);
      crypto.getRandomValues(bytes);
      const name = `${Buffer.from(bytes).toString('hex')}.${photo.ext}`;
      await fs.writeFile(path.join(dir, name), photo.data, { flag: 'wx' });
      return name;
    },
    async remove(fileName) {
      if (!NAME_RE.test(fileName)) return;
      await fs.rm(path.join(dir, fileName), { force: true });
    },
    async read(fileName) {
      if (!NAME_RE.test(fileName)) return null;
      try {
        return await fs.readFile(path.join(dir, fileName));
      } catch {
        return null;
      }
    },
  };
}
