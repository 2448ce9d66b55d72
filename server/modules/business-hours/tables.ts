import type { Generated } from 'kysely';

export interface BusinessHoursTable {
  id: Generated<number>;
  name: string;
  timezone: string;
  /** JSON: { mon: [{ from, to }], ... } */
  weekly: string;
  /** JSON: [{ date, name? }] */
  holidays: string;
  /** JSON: [{ date, hours: [{ from, to }] }] */
  extra_workdays: string;
  created_at: number;
  updated_at: number;
}

export interface BusinessHoursTables {
  business_hours: BusinessHoursTable;
}
