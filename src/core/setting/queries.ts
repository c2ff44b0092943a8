// The settings queries the core needs (interface only; src/db/queries/setting.ts implements them).

export interface SettingRow {
  key: string;
  value: unknown;
  updatedAt: number;
  updatedBy: string | null;
}

export interface SettingQueries {
  all(): Promise<SettingRow[]>;
  /** Inserts or replaces one setting. */
  put(row: SettingRow): Promise<void>;
}
