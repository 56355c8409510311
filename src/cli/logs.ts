import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type { ContainerInfoClient } from '../api/gen/berth/v1/ContainerInfo.js';
import { call } from './client.js';

const RECORD = /^\S+ (stdout|stderr) ([FP]) (.*)$/;

/**
 * Prints a CRI log file's text, each stream to its own fd; P records
 * continue on the next record. With `follow`, keeps reading until the
 * container has exited and the file has no more.
 */
export async function printLogs(client: ContainerInfoClient, id: string, follow: boolean): Promise<void> {
  const info = await call<{ container_id: string }, { path?: string; state?: string }>(client, client.LogPath, { container_id: id });
  if (!info.path) throw new Error(`container ${id} has no log file (no log_directory or log_path)`);
  let state = info.state;
  let offset = 0;
  let rest = '';
  const drain = () => {
    let size = 0;
    try {
      size = statSync(info.path!).size;
    } catch {
      return;
    }
    if (size <= offset) return;
    const buf = Buffer.alloc(size - offset);
    const fd = openSync(info.path!, 'r');
    try {
      readSync(fd, buf, 0, buf.length, offset);
    } finally {
      closeSync(fd);
    }
    offset = size;
    const lines = (rest + buf.toString()).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) {
      const m = RECORD.exec(line);
      if (!m) continue;
      (m[1] === 'stderr' ? process.stderr : process.stdout).write(m[3] + (m[2] === 'F' ? '\n' : ''));
    }
  };
  drain();
  while (follow && state !== 'EXITED') {
    await new Promise((r) => setTimeout(r, 200));
    drain();
    state = (await call<{ container_id: string }, { state?: string }>(client, client.LogPath, { container_id: id })).state;
  }
  drain();
}
