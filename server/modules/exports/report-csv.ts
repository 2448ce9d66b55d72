import type { AgentRow } from '../reports/agents.js';
import type { BreakdownReport } from '../reports/breakdown.js';
import { BOM, csvRow } from './csv.js';

/** A report table as CSV: the same figures as the JSON, times in seconds, rates as fractions. */
export function breakdownCsv(report: BreakdownReport): string {
  const head = [report.by, 'name', 'tickets_created', 'tickets_resolved', 'first_response_median_s', 'first_response_p90_s', 'first_response_average_s',
    'resolution_median_s', 'resolution_p90_s', 'resolution_average_s', 'first_contact_resolution_rate', 'reopen_rate', 'csat_average', 'csat_responses'];
  let out = BOM + csvRow(head);
  for (const r of report.rows) {
    out += csvRow([r.key, r.name, r.ticketsCreated, r.ticketsResolved, r.firstResponseTime.median, r.firstResponseTime.p90, r.firstResponseTime.average,
      r.resolutionTime.median, r.resolutionTime.p90, r.resolutionTime.average, r.firstContactResolutionRate, r.reopenRate, r.csatAverage, r.csatResponses]);
  }
  return out;
}

export function agentsCsv(rows: AgentRow[]): string {
  let out = BOM + csvRow(['agent_id', 'name', 'assigned', 'replied', 'resolved', 'first_response_median_s', 'first_response_p90_s', 'csat_average', 'csat_responses', 'online_s', 'away_s']);
  for (const r of rows) {
    out += csvRow([r.agentId, r.name, r.assigned, r.replied, r.resolved, r.firstResponseTime.median, r.firstResponseTime.p90, r.csatAverage, r.csatResponses, r.onlineSeconds, r.awaySeconds]);
  }
  return out;
}
