import './kf-chat.js';

// The channel is the path segment before /frame: /widget/<channel>/frame
const channel = decodeURIComponent(location.pathname.split('/').slice(-2, -1)[0] ?? '');
const chat = document.createElement('kf-chat');
chat.channel = channel;
document.body.appendChild(chat);
