// A folder as the evidence store (the local stack's default). Keys map to paths under the root; a
// key that would leave the root (`..`, an absolute path) is refused, whatever wrote it.
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EvidenceStore } from './store';

export class FileEvidenceStore implements EvidenceStore {
  readonly root: string;

  constructor(readonly location: string) {
    this.root = path.resolve(fileURLToPath(location));
  }

  /** The file of `key`, refusing any key that resolves outside the root. */
  pathOf(key: string): string {
    const file = path.resolve(this.root, key);
    if (key.split('/').includes('..') || path.isAbsolute(key) || !file.startsWith(this.root + path.sep))
      throw new Error(`evidence store: key ${JSON.stringify(key)} is outside ${this.root}`);
    return file;
  }

  async put(key: string, body: string | Buffer): Promise<void> {
    const file = this.pathOf(key);
    await mkdir(path.dirname(file), { recursive: true });
    // written beside, then renamed: a reader never sees half a file
    const partial = `${file}.partial-${process.pid}`;
    await writeFile(partial, body);
    await rename(partial, file);
  }

  async get(key: string): Promise<Buffer | undefined> {
    try {
      return await readFile(this.pathOf(key));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async list(prefix: string): Promise<string[]> {
    const dir = prefix ? this.pathOf(prefix) : this.root;
    try {
      const entries = await readdir(dir, { recursive: true, withFileTypes: true });
      return entries
        .filter((e) => e.isFile() && !e.name.includes('.partial-'))
        .map((e) => path.relative(this.root, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
        .sort();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }

  async settingsWarnings(): Promise<string[]> {
    return [];
  }
}
