import type { Generated } from 'kysely';

export interface LabelsTable {
  id: Generated<number>;
  name: string;
  color: Generated<string>;
  created_at: number;
}

export interface LabelTables {
  labels: LabelsTable;
}
