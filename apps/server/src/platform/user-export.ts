/**
 * One module's share of a user's data export (issue #20): a JSON document for each kind of data it owns, and the
 * stored files that are the user's (by storage key). Each module builds its own through `exportFor(userId)` in its
 * index.ts, reading only its own tables; the privacy module puts the parts together into one ZIP.
 */
export interface UserExportPart {
  /** The JSON files, by name without extension (`questions` becomes `questions.json`). */
  json: Record<string, unknown>;
  /** Stored files to include: `name` is the path inside the ZIP (e.g. `photos/<id>.jpg`), `key` the storage key. */
  files: { name: string; key: string }[];
  /** Files kept in the database rather than storage (a board's state), loaded one at a time while the ZIP is written. */
  blobs?: { name: string; load(): Promise<Buffer> }[];
}

export interface UserExportSource {
  /** Which module this part comes from (logs only). */
  readonly module: string;
  exportFor(userId: string): Promise<UserExportPart>;
}
