// Desktop notifications and a short chime for what needs this agent: new chats, customer messages on
// their tickets, and mentions in notes.
import { t } from '../shared/i18n/i18n.js';
import type { Agent, AgentNotification, LiveEvent } from '../shared/types.js';

export interface Alert {
  title: string;
  body: string;
  ticketId: number;
}

export function alertFor(ev: LiveEvent, me: Agent): Alert | null {
  const ticket = ev.ticket;
  const ticketId = ev.ticketId ?? ticket?.id ?? ev.message?.ticketId;
  if (!ticketId) return null;
  if (ev.actor?.kind === 'agent' && ev.actor.id === me.id) return null;
  const who = ticket?.contact.name ?? ticket?.contact.email ?? '';
  const m = ev.message;
  if (ev.type === 'message.created' && m) {
    if (m.kind === 'note' && m.mentions.includes(me.id)) {
      return { title: t('notify.mention', { name: m.author.name }), body: m.text.slice(0, 140), ticketId };
    }
    // A new ticket's first message comes without the ticket (its ticket.created carried it): the event says whose it is.
    const assigneeId = ticket ? (ticket.assignee?.id ?? null) : ev.assigneeId;
    if (m.kind === 'inbound' && (assigneeId === undefined || assigneeId === me.id)) {
      return { title: t('notify.message', { name: m.author.name || who }), body: m.text.slice(0, 140), ticketId };
    }
    return null;
  }
  if (ev.type === 'ticket.created' && ticket && ticket.channel.kind !== 'email' && (!ticket.assignee || ticket.assignee.id === me.id)) {
    return { title: t('notify.newChat', { name: who || `#${ticket.number}` }), body: ticket.lastMessage?.preview ?? ticket.subject, ticketId };
  }
  return null;
}

let audio: AudioContext | null = null;

export function chime(): void {
  try {
    audio ??= new AudioContext();
    // A context made before the page had a user gesture starts suspended and stays so until resumed.
    if (audio.state === 'suspended') void audio.resume().catch(() => undefined);
    const now = audio.currentTime;
    for (const [i, freq] of [880, 1320].entries()) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = freq;
      osc.type = 'sine';
      gain.gain.setValueAtTime(0.0001, now + i * 0.12);
      gain.gain.exponentialRampToValueAtTime(0.12, now + i * 0.12 + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, now + i * 0.12 + 0.3);
      osc.connect(gain).connect(audio.destination);
      osc.start(now + i * 0.12);
      osc.stop(now + i * 0.12 + 0.32);
    }
  } catch {
    // Audio may be blocked until the page had a user gesture.
  }
}

/** An SLA warning or breach as an alert: "#1003 is breaching", the subject and the target. */
export function alertForNotification(n: AgentNotification): Alert | null {
  if (n.ticketId === null) return null;
  const number = n.ticketNumber ?? n.ticketId;
  if (n.kind === 'reminder') return { title: t('notify.reminder', { n: number }), body: n.note || n.subject, ticketId: n.ticketId };
  const target = n.target === 'first_response' || n.target === 'next_response' || n.target === 'resolution' ? t(`sla.target.${n.target}`) : n.target;
  return {
    title: t(n.kind === 'sla.breach' ? 'notify.slaBreach' : 'notify.slaWarning', { n: number }),
    body: `${target} · ${n.subject}`,
    ticketId: n.ticketId,
  };
}

export function showAlert(a: Alert, me: Agent, open: (ticketId: number) => void): void {
  if (me.preferences.sound !== false) chime();
  if (me.preferences.desktopNotifications === false) return;
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  if (document.visibilityState === 'visible' && document.hasFocus()) return;
  const n = new Notification(a.title, { body: a.body, tag: `kefu-ticket-${a.ticketId}` });
  n.onclick = () => {
    window.focus();
    open(a.ticketId);
    n.close();
  };
}
