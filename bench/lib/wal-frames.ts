import fs from "node:fs";
import type Database from "better-sqlite3";

/**
 * What a run of SQLite transactions wrote to the WAL, by table or index: the WAL's frames (one
 * page each) read from `walPath`, and each page's b-tree named by the `dbstat` table of `client`
 * (a connection to the same file, which sees the pages still in the WAL). Read before any
 * checkpoint starts the WAL over. A commit writes every page its transaction changed, once.
 */
export type WalFrames = { frames: number; commits: number; distinctPages: number; byBtree: [name: string, frames: number][] };

const WAL_HEADER_BYTES = 32;
const FRAME_HEADER_BYTES = 24;

export function walFrames(client: Database.Database, walPath: string): WalFrames {
  const file = fs.openSync(walPath, "r");
  const pageNumbers: number[] = [];
  let commits = 0;
  try {
    const header = Buffer.alloc(WAL_HEADER_BYTES);
    fs.readSync(file, header, 0, WAL_HEADER_BYTES, 0);
    const frameBytes = FRAME_HEADER_BYTES + header.readUInt32BE(8);
    const walBytes = fs.fstatSync(file).size;
    // Only the frame headers: the page number, and the database size in pages on a commit's last frame (0 otherwise).
    for (let offset = WAL_HEADER_BYTES; offset + frameBytes <= walBytes; offset += frameBytes) {
      fs.readSync(file, header, 0, FRAME_HEADER_BYTES, offset);
      pageNumbers.push(header.readUInt32BE(0));
      if (header.readUInt32BE(4) !== 0) commits += 1;
    }
  } finally {
    fs.closeSync(file);
  }
  const written = new Set(pageNumbers);
  const owner = new Map<number, string>();
  for (const { name, pageno } of client.prepare("select name, pageno from dbstat").iterate() as Iterable<{ name: string; pageno: number }>)
    if (written.has(pageno)) owner.set(pageno, name);
  const byName = new Map<string, number>();
  for (const page of pageNumbers) {
    const name = owner.get(page) ?? "(free or header pages)";
    byName.set(name, (byName.get(name) ?? 0) + 1);
  }
  return { frames: pageNumbers.length, commits, distinctPages: written.size, byBtree: [...byName].sort((a, b) => b[1] - a[1]) };
}
