// Checks an audit log CSV exported from Roster's console, offline: every event's hash is the
// SHA-256 of the exact text it covers (`hashed_content`, the event's canonical JSON), that text
// says what the row's columns say, and consecutive events link (each names the hash before it).
//   node scripts/verify-audit-export.mjs roster-audit-….csv
// Exit 0: intact; 1: the first row that does not verify is named. docs/decisions/0020.
import { createHash } from "node:crypto";
import fs from "node:fs";
import { isDeepStrictEqual } from "node:util";
import Papa from "papaparse";

// The hashed fields a row shows in a column of its own (an empty cell for none).
const COLUMNS = {
  actorType: "actor_type",
  actorName: "actor_name",
  actorId: "actor_id",
  action: "action",
  targetType: "target_type",
  targetId: "target_id",
  outcome: "outcome",
  requestId: "request_id",
};

const file = process.argv[2];
if (!file) {
  console.error("usage: node scripts/verify-audit-export.mjs EXPORT.csv");
  process.exit(2);
}
const { data: rows } = Papa.parse(fs.readFileSync(file, "utf8"), { header: true, skipEmptyLines: true });
// A cell the export escaped (a leading ' before = + - @) reads back as its content.
const cell = (text) => (/^'[=+\-@\t\r]/.test(text) ? text.slice(1) : text);
const fail = (row, why) => {
  console.error(`BROKEN: event ${row.event_id} (#${row.chain_seq}): ${why}`);
  process.exit(1);
};

const chained = rows.filter((row) => row.hash !== "").sort((a, b) => Number(a.chain_seq) - Number(b.chain_seq));
let previous = null;
for (const row of chained) {
  if (createHash("sha256").update(row.hashed_content).digest("hex") !== row.hash) fail(row, "its hash does not match its content");
  const content = JSON.parse(row.hashed_content);
  const says = { id: row.event_id, seq: Number(row.chain_seq), prevHash: row.prev_hash };
  for (const [key, column] of Object.entries(COLUMNS)) says[key] = cell(row[column]);
  for (const [key, value] of Object.entries(says)) if ((content[key] ?? "") !== value) fail(row, `its ${key} is not the one its hash covers`);
  if (!isDeepStrictEqual(content.details, row.details === "" ? null : JSON.parse(cell(row.details)))) fail(row, "its details are not the ones its hash covers");
  if (new Date(content.createdAt).toISOString() !== row.time) fail(row, "its time is not the one its hash covers");
  if (previous && Number(previous.chain_seq) + 1 === says.seq && previous.hash !== says.prevHash) fail(row, "it does not follow the event before it");
  previous = row;
}
const unchained = rows.length - chained.length;
console.log(`ok: ${chained.length} events verified${unchained ? `, ${unchained} outside the chain` : ""}`);
