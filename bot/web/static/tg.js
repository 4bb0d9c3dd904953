// Shared by the Mini App's pages: Telegram's WebApp object when the page runs inside
// Telegram, the same launch parameters read from the URL otherwise; the API client that
// sends initData with every call; a DOM builder that only ever sets text.
'use strict';
(function () {
  const webApp = window.Telegram && window.Telegram.WebApp && window.Telegram.WebApp.initData !== undefined
    ? window.Telegram.WebApp : null;
  const launch = new URLSearchParams(location.hash.slice(1));
  const initData = (webApp && webApp.initData) || launch.get('tgWebAppData') || '';

  function applyTheme() {
    let params = webApp ? webApp.themeParams : null;
    if (!params || !Object.keys(params).length) {
      try { params = JSON.parse(launch.get('tgWebAppThemeParams') || '{}'); } catch (e) { params = {}; }
    }
    const root = document.documentElement;
    if (Object.keys(params).length) root.classList.add('tg');
    for (const [key, value] of Object.entries(params)) {
      if (typeof value === 'string' && /^#[0-9a-fA-F]{3,8}$/.test(value)) {
        root.style.setProperty('--tg-theme-' + key.replace(/_/g, '-'), value);
      }
    }
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === 'class') node.className = value;
      else if (key === 'text') node.textContent = value;
      else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? '' : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function format(template, values) {
    return String(template).replace(/\{(\w+)\}/g, (m, name) => (name in values ? values[name] : m));
  }

  function nonce() {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  }

  class ApiError extends Error {
    // `text`: the server's own sentence for the reader (live Q&A refusals), when it sent one.
    constructor(status, reason, text) { super(reason); this.status = status; this.reason = reason; this.text = text || null; }
  }

  async function api(path, body) {
    const options = { headers: { 'X-Telegram-Init-Data': initData }, credentials: 'omit' };
    if (body !== undefined) {
      options.method = 'POST';
      options.headers['Content-Type'] = 'application/json';
      options.body = JSON.stringify(Object.assign({}, body, { nonce: nonce() }));
    }
    const response = await fetch(path, options);
    if (!response.ok) {
      let reason = 'error';
      let text = null;
      try {
        const found = await response.json();
        reason = found.error || reason;
        text = typeof found.message === 'string' ? found.message : null;
      } catch (e) { /* not JSON */ }
      throw new ApiError(response.status, reason, text);
    }
    return response;
  }

  function openFile(path, filename) {
    // Inside Telegram a page cannot save a file itself: Telegram downloads it by URL
    // (Bot API 8.0+), or the system browser opens it; in a plain browser, a download link.
    const url = new URL(path, location.href).href;
    if (webApp && webApp.isVersionAtLeast && webApp.isVersionAtLeast('8.0') && webApp.downloadFile) {
      webApp.downloadFile({ url, file_name: filename });
    } else if (webApp && webApp.openLink) {
      webApp.openLink(url);
    } else {
      const link = el('a', { href: url, download: filename });
      document.body.append(link);
      link.click();
      link.remove();
    }
  }

  let backHandler = null;
  let pageBack = null;
  function setBack(handler) {
    // Telegram's own BackButton inside Telegram; a link-style button in a plain browser.
    if (webApp && webApp.BackButton) {
      if (backHandler) webApp.BackButton.offClick(backHandler);
      backHandler = handler;
      if (handler) { webApp.BackButton.onClick(handler); webApp.BackButton.show(); }
      else webApp.BackButton.hide();
      return;
    }
    if (pageBack) { pageBack.remove(); pageBack = null; }
    if (handler) {
      pageBack = el('button', { class: 'back', id: 'back', type: 'button', onclick: handler }, '← ' + (TG.strings.back || 'Back'));
      if (document.documentElement.dir === 'rtl') pageBack.textContent = '→ ' + (TG.strings.back || '');
      document.querySelector('main').prepend(pageBack);
    }
  }

  function haptic(kind) {
    if (webApp && webApp.HapticFeedback) {
      if (kind === 'success') webApp.HapticFeedback.notificationOccurred('success');
      else webApp.HapticFeedback.impactOccurred('light');
    }
  }

  let toastTimer = null;
  function toast(text) {
    let node = document.getElementById('toast');
    if (!node) { node = el('div', { id: 'toast', class: 'toast', role: 'status' }); document.body.append(node); }
    node.textContent = text;
    node.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { node.hidden = true; }, 3000);
  }

  function setLanguage(lang, dir) {
    document.documentElement.lang = lang;
    document.documentElement.dir = dir;
  }

  function errorText(error) {
    if (error && error.text) return error.text;
    if (error && error.status === 401) return TG.strings.error_auth || 'Please open this page from the bot in Telegram.';
    if (error && error.status === 429) return TG.strings.slow_down || 'Too many requests.';
    return TG.strings.error || 'Something went wrong.';
  }

  applyTheme();
  if (webApp) {
    webApp.ready();
    webApp.expand();
    webApp.onEvent('themeChanged', applyTheme);
  }
  window.TG = { webApp, initData, el, format, api, openFile, setBack, haptic, toast, setLanguage, errorText, strings: {}, ApiError };
})();
