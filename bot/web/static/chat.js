// The preview's chat: what you type goes to the real bot; its messages and keyboards are
// shown as it sent them (HTML cleaned on the server to Telegram's tags). Buttons press
// like in Telegram; new messages (e.g. an answer from the desk) arrive by long polling.
'use strict';
(function () {
  const $ = (id) => document.getElementById(id);
  let version = 0;
  let language = 'en';
  const nodes = new Map();

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value);
    }
    node.append(...children);
    return node;
  }

  async function post(path, body) {
    const response = await fetch(path, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
    });
    return response.json();
  }

  function toast(text) {
    if (!text) return;
    const node = el('div', { class: 'toast', role: 'status' }, text);
    document.body.append(node);
    setTimeout(() => node.remove(), 2500);
  }

  function keyboard(message) {
    const box = el('div', { class: 'keyboard' });
    for (const row of message.keyboard) {
      const line = el('div', { class: 'row' });
      for (const button of row) {
        if (button.data !== undefined) {
          line.append(el('button', {
            type: 'button', 'data-callback': button.data,
            onclick: async () => toast((await post('/preview/api/press', { message: message.id, data: button.data })).toast),
          }, button.text));
        } else if (button.web_app || button.url) {
          line.append(el('a', { href: button.web_app ? '/preview/open/programme' : button.url, target: '_blank', rel: 'noopener noreferrer' }, button.text));
        }
      }
      box.append(line);
    }
    return box;
  }

  function render(message) {
    const bubble = el('div', { class: 'bubble ' + message.from, 'data-message': String(message.id) });
    const body = el('div', { class: 'text' });
    // Cleaned on the server (bot/web/preview.py safe_html): only Telegram's formatting tags.
    body.innerHTML = message.html;
    bubble.append(body);
    if (message.document) bubble.append(el('div', { class: 'meta' }, '📎 ' + message.document));
    if (message.keyboard.length) bubble.append(keyboard(message));
    const old = nodes.get(message.id);
    if (old) old.replaceWith(bubble); else $('chat').append(bubble);
    nodes.set(message.id, bubble);
  }

  async function poll() {
    for (;;) {
      try {
        const data = await (await fetch('/preview/api/messages?after=' + version)).json();
        data.messages.forEach(render);
        if (data.messages.length) window.scrollTo(0, document.body.scrollHeight);
        version = data.version;
      } catch (e) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  function setLanguage(lang) {
    language = lang;
    $('lang-en').setAttribute('aria-pressed', String(lang === 'en'));
    $('lang-ur').setAttribute('aria-pressed', String(lang === 'ur'));
  }

  $('lang-en').addEventListener('click', () => setLanguage('en'));
  $('lang-ur').addEventListener('click', () => setLanguage('ur'));
  $('composer').addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = $('text').value.trim();
    if (!text) return;
    $('text').value = '';
    await post('/preview/api/say', { text, lang: language });
  });
  document.body.dataset.ready = 'true';
  poll();
})();
