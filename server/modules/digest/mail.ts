import type { Overview, PeriodFigures } from '../reports/overview.js';
import { DIGEST_TEXTS, type DigestLanguage, type DigestTexts } from './texts.js';

/** The hour of the week most tickets came in, on the digest zone's clock; weekday 0 is Monday. */
export interface BusiestHour {
  weekday: number;
  hour: number;
  tickets: number;
}

export interface DigestFigures {
  overview: Overview;
  busiest: { current: BusiestHour | null; previous: BusiestHour | null };
}

export interface DigestMailInput {
  language: DigestLanguage;
  name: string;
  /** first and last local day of the week, YYYY-MM-DD */
  first: string;
  last: string;
  timezone: string;
  figures: DigestFigures;
  link: string;
}

type Row = [label: string, current: string, previous: string];

const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function duration(tx: DigestTexts, seconds: number | null): string {
  if (seconds === null) return tx.none;
  const s = Math.round(seconds);
  return tx.duration(Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60);
}

const percent = (tx: DigestTexts, r: number | null): string => (r === null ? tx.none : `${Math.round(r * 1000) / 10}%`);
const busiest = (tx: DigestTexts, b: BusiestHour | null): string => (b === null ? tx.none : tx.weekday(b.weekday, b.hour));

/** Each figure this week and the week before, as the digest lists them; SLA targets only where any were measured. */
export function digestRows(tx: DigestTexts, f: DigestFigures): Row[] {
  const now: PeriodFigures = f.overview;
  const before: PeriodFigures = f.overview.previous;
  const pair = (read: (p: PeriodFigures) => string, label: string): Row => [label, read(now), read(before)];
  const rows: Row[] = [
    pair((p) => String(p.ticketsCreated), tx.created),
    pair((p) => String(p.ticketsResolved), tx.resolved),
    pair((p) => duration(tx, p.firstResponseTime.median), tx.frtMedian),
    pair((p) => duration(tx, p.firstResponseTime.p90), tx.frtP90),
    pair((p) => duration(tx, p.resolutionTime.median), tx.resolutionMedian),
    pair((p) => duration(tx, p.resolutionTime.p90), tx.resolutionP90),
    pair((p) => (p.csat.average === null ? tx.none : p.csat.average.toFixed(2)), tx.csatAverage),
    pair((p) => percent(tx, p.csat.responseRate), tx.csatResponseRate),
  ];
  const targets = [...new Set([...now.slaCompliance, ...before.slaCompliance].map((s) => s.target))];
  for (const target of targets) {
    const rateIn = (p: PeriodFigures) => percent(tx, p.slaCompliance.find((s) => s.target === target)?.rate ?? null);
    rows.push(pair(rateIn, tx.sla(target)));
  }
  rows.push([tx.busiestHour, busiest(tx, f.busiest.current), busiest(tx, f.busiest.previous)]);
  return rows;
}

/** The digest in plain text and HTML: the same figures, the same link. */
export function digestMail(m: DigestMailInput): { subject: string; text: string; html: string } {
  const tx = DIGEST_TEXTS[m.language];
  const rows = digestRows(tx, m.figures);
  const text = [
    tx.greeting(m.name),
    '',
    tx.intro(m.first, m.last, m.timezone),
    '',
    ...rows.map(([label, current, previous]) => `${label}: ${current} (${tx.weekBefore}: ${previous})`),
    '',
    `${tx.open}: ${m.link}`,
    '',
    tx.footer,
    '',
  ].join('\n');
  const cell = 'padding:6px 10px;border-bottom:1px solid #e5e7eb;text-align:left';
  const table =
    `<table style="border-collapse:collapse;font-size:14px"><thead><tr>` +
    [tx.metric, tx.thisWeek, tx.weekBefore].map((h) => `<th style="${cell};color:#6b7280;font-weight:600">${escapeHtml(h)}</th>`).join('') +
    `</tr></thead><tbody>` +
    rows
      .map(([label, current, previous]) => `<tr><td style="${cell}">${escapeHtml(label)}</td><td style="${cell};font-weight:600">${escapeHtml(current)}</td><td style="${cell};color:#6b7280">${escapeHtml(previous)}</td></tr>`)
      .join('') +
    `</tbody></table>`;
  const html =
    `<div style="font-family:system-ui,-apple-system,'PingFang SC','Microsoft YaHei',sans-serif;font-size:15px;color:#1f2937;line-height:1.5">` +
    `<p>${escapeHtml(tx.greeting(m.name))}</p><p>${escapeHtml(tx.intro(m.first, m.last, m.timezone))}</p>${table}` +
    `<p><a href="${escapeHtml(m.link)}" style="display:inline-block;margin-top:12px;padding:10px 14px;border-radius:8px;background:#2563eb;color:#fff;text-decoration:none">${escapeHtml(tx.open)}</a></p>` +
    `<p style="color:#6b7280;font-size:13px">${escapeHtml(tx.footer)}</p></div>`;
  return { subject: tx.subject(m.first, m.last), text, html };
}
