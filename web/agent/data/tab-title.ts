// The browser tab's title: the agent's own unread tickets, so a background tab still shows there is work.
export const APP_TITLE = 'Kefu';

export function tabTitle(unread: number): string {
  return unread > 0 ? `(${unread}) ${APP_TITLE}` : APP_TITLE;
}
