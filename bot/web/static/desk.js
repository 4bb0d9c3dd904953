// The organisers' desk: the unanswered log grouped with counts (open / answered /
// dismissed), answer or dismiss through the bot's relay, stats with server-rendered SVG
// charts (announcement progress refreshes live) and the CSV download; feedback after the
// sessions (the numbers /feedback shows: average, distribution, comments) and its CSV.
'use strict';
(function () {
  const { el, api, format, toast, haptic } = window.TG;
  const $ = (id) => document.getElementById(id);
  const state = { view: 'questions', status: 'open', timer: null };
  let S = {};

  function fail(error) {
    $('error').hidden = false;
    $('error').textContent = error && error.status === 403 ? S.desk_refused : window.TG.errorText(error);
    document.body.dataset.ready = 'error';
  }

  function renderTabs() {
    const views = [['questions', S.questions], ['stats', S.stats], ['feedback', S.feedback]];
    $('views').replaceChildren(...views.map(([name, label]) => el('button', {
      type: 'button', role: 'tab', id: 'tab-' + name, 'aria-selected': String(state.view === name),
      onclick: () => show(name),
    }, label)));
    const statuses = [['open', S.open], ['answered', S.answered], ['dismissed', S.dismissed]];
    $('statuses').replaceChildren(...statuses.map(([name, label]) => el('button', {
      type: 'button', class: 'chip', id: 'status-' + name, 'aria-pressed': String(state.status === name),
      onclick: () => { state.status = name; renderTabs(); loadGroups(); },
    }, label)));
  }

  function groupCard(group) {
    const card = el('article', { class: 'card', 'data-question': String(group.id) },
      el('div', { class: 'q' }, group.text),
      el('div', { class: 'meta' }, '#' + group.id + ' · ' + group.asked_at + ' · ' +
        format(S.asked_times, { count: group.count, askers: group.askers })));
    // Passed on after a 👎: which answer did not help, as the organisers' chat post says.
    if (group.rejected && group.rejected.length) {
      card.append(el('div', { class: 'meta rejected', 'data-rejected': '' },
        format(S.rejected, { label: group.rejected.join('; ') })));
    }
    if (group.answer) card.append(el('div', { class: 'answer' }, group.answer));
    if (state.status === 'open') {
      const box = el('textarea', { 'aria-label': S.answer_placeholder, placeholder: S.answer_placeholder, maxlength: '3500' });
      const send = el('button', { type: 'button', class: 'button', 'data-action': 'answer' }, S.send_answer);
      const dismiss = el('button', { type: 'button', class: 'button danger', 'data-action': 'dismiss' }, S.dismiss);
      send.addEventListener('click', () => act(card, 'answer', { id: group.id, text: box.value }, [send, dismiss]));
      dismiss.addEventListener('click', () => act(card, 'dismiss', { id: group.id }, [send, dismiss]));
      card.append(box, el('div', {}, send, dismiss));
    }
    return card;
  }

  async function act(card, action, body, buttons) {
    if (action === 'answer' && !body.text.trim()) return;
    buttons.forEach((b) => { b.disabled = true; });
    try {
      const result = await (await api('api/desk/' + action, body)).json();
      let message;
      if (result.outcome === 'sent') message = format(S.sent, { sent: result.sent, total: result.total });
      else if (result.outcome === 'dismissed') message = format(S.dismissed_count, { count: result.total });
      else message = S.closed;
      haptic('success');
      card.replaceChildren(el('div', { class: 'q' }, card.querySelector('.q').textContent),
        el('div', { class: 'meta result', role: 'status' }, message));
      toast(message);
      if (result.offer) card.append(teachOffer(result.offer));
    } catch (error) {
      buttons.forEach((b) => { b.disabled = false; });
      toast(error.status === 403 ? S.desk_refused : window.TG.errorText(error));
    }
  }

  // After an answer: "Also use this for similar questions?", the chat's one-tap choices,
  // done by the bot's Learner (POST api/desk/teach; "Other…" asks for more entries).
  function teachOffer(offer) {
    const box = el('div', { class: 'teach', 'data-teach': String(offer.id) });
    const choose = async (choice, buttons) => {
      buttons.forEach((b) => { b.disabled = true; });
      try {
        const result = await (await api('api/desk/teach', { id: offer.id, choice })).json();
        haptic(result.outcome === 'taught' ? 'success' : 'warning');
        box.replaceChildren(el('div', { class: 'meta taught', role: 'status', 'data-outcome': result.outcome }, result.message));
      } catch (error) {
        buttons.forEach((b) => { b.disabled = false; });
        toast(error.status === 403 ? S.desk_refused : window.TG.errorText(error));
      }
    };
    const render = (current) => {
      const buttons = [];
      const button = (label, choice, kind) => {
        const b = el('button', { type: 'button', class: 'button ' + kind, 'data-choice': choice }, label);
        buttons.push(b);
        return b;
      };
      const entries = current.entries.map((entry) => button(entry.label, entry.id, 'secondary'));
      const other = current.more ? button(S.teach_other, 'other', 'secondary') : null;
      const fresh = button(S.teach_new, 'new', 'secondary');
      const no = button(S.teach_no, 'no', 'secondary');
      buttons.forEach((b) => {
        if (b === other) {
          b.addEventListener('click', async () => {
            b.disabled = true;
            try {
              render(await (await api('api/desk/teach-more?id=' + offer.id)).json());
            } catch (error) {
              b.disabled = false;
              toast(error.status === 403 ? S.desk_refused : window.TG.errorText(error));
            }
          });
        } else b.addEventListener('click', () => choose(b.dataset.choice, buttons));
      });
      box.replaceChildren(el('div', { class: 'meta' }, S.teach_offer),
        el('div', { class: 'choices' }, entries, other, fresh, no));
    };
    render(offer);
    return box;
  }

  async function loadGroups() {
    try {
      const data = await (await api('api/desk/questions?status=' + state.status)).json();
      $('groups').replaceChildren(...data.groups.map(groupCard));
      $('empty').hidden = data.groups.length > 0;
      $('empty').textContent = S.empty;
      document.body.dataset.ready = 'true';
    } catch (error) { fail(error); }
  }

  function svg(markup) {
    // Server-rendered and escaped there (bot/web/charts.py); parsed as SVG, never as HTML.
    const doc = new DOMParser().parseFromString(markup, 'image/svg+xml');
    return document.importNode(doc.documentElement, true);
  }

  async function loadStats() {
    try {
      const data = await (await api('api/desk/stats')).json();
      const number = (label, value) => el('div', {}, el('b', {}, String(value)), label);
      $('numbers').replaceChildren(number(S.attendees, data.attendees), number(S.questions, data.questions),
        number(S.open, data.open));
      $('charts').replaceChildren(...data.charts.map((markup) => el('div', { class: 'chart' }, svg(markup))));
      document.body.dataset.ready = 'true';
    } catch (error) { fail(error); }
  }

  function feedbackLine(row) {
    const parts = [row.average === null ? format(S.fb_unrated, row) : format(S.fb_row, row)];
    if (row.waiting) parts.push(format(S.fb_waiting, row));
    return parts.join(' · ');
  }

  function feedbackCard(row) {
    const details = el('div', { class: 'fb-detail' });
    const card = el('article', { class: 'card', 'data-feedback': row.id },
      el('button', {
        type: 'button', class: 'item', 'aria-expanded': 'false',
        onclick: (event) => toggleFeedback(row, details, event.currentTarget),
      },
      el('span', { class: 'time' }, row.starts || S.fb_gone),
      el('span', { class: 'title' }, row.title),
      el('span', { class: 'meta' }, feedbackLine(row))),
      details);
    return card;
  }

  async function toggleFeedback(row, details, button) {
    if (button.getAttribute('aria-expanded') === 'true') {
      button.setAttribute('aria-expanded', 'false');
      details.replaceChildren();
      return;
    }
    try {
      const data = await (await api('api/desk/feedback/' + encodeURIComponent(row.id))).json();
      const comments = data.detail.comments;
      details.replaceChildren(...[
        data.average === null ? null : el('p', {}, format(S.fb_average, data)),
        el('div', { class: 'chart' }, svg(data.chart)),
        el('h2', {}, format(S.fb_comments, { count: comments.length })),
        comments.length ? null : el('p', { class: 'hint' }, S.fb_no_comments),
        ...comments.map((c) => el('div', { class: 'comment' },
          el('div', { class: 'meta' }, '⭐'.repeat(c.stars) + ' · ' + (c.at || '')),
          el('div', { class: 'q' }, c.text))),
      ].filter(Boolean));
      button.setAttribute('aria-expanded', 'true');
    } catch (error) { toast(error.status === 403 ? S.desk_refused : window.TG.errorText(error)); }
  }

  async function loadFeedback() {
    try {
      const data = await (await api('api/desk/feedback')).json();
      $('fb-totals').textContent = format(S.fb_totals, data);
      $('fb-sessions').replaceChildren(...data.sessions.map(feedbackCard));
      $('fb-empty').hidden = data.sessions.length > 0;
      $('fb-empty').textContent = S.fb_empty;
      document.body.dataset.ready = 'true';
    } catch (error) { fail(error); }
  }

  function show(view) {
    state.view = view;
    clearInterval(state.timer);
    $('questions-view').hidden = view !== 'questions';
    $('stats-view').hidden = view !== 'stats';
    $('feedback-view').hidden = view !== 'feedback';
    renderTabs();
    if (view === 'stats') {
      loadStats();
      state.timer = setInterval(loadStats, 5000); // announcements' delivery, live
    } else if (view === 'feedback') loadFeedback();
    else loadGroups();
  }

  async function start() {
    try {
      const me = await (await api('api/me?strings=1')).json();
      S = window.TG.strings = me.strings;
      window.TG.setLanguage(me.lang, me.dir);
      $('heading').textContent = S.desk;
      document.title = S.desk;
      if (me.preview) { $('preview').hidden = false; $('preview').textContent = S.preview; }
      if (!me.organiser) { fail({ status: 403 }); return; }
      $('views').hidden = false;
      $('csv').textContent = S.csv;
      $('csv').addEventListener('click', async () => {
        try {
          const link = await (await api('api/desk/csv-link')).json();
          window.TG.openFile(link.path, 'questions.csv');
        } catch (error) { toast(error.status === 403 ? S.desk_refused : window.TG.errorText(error)); }
      });
      $('fb-csv').textContent = S.fb_csv;
      $('fb-csv').addEventListener('click', async () => {
        try {
          const link = await (await api('api/desk/feedback-csv-link')).json();
          window.TG.openFile(link.path, 'feedback.csv');
        } catch (error) { toast(error.status === 403 ? S.desk_refused : window.TG.errorText(error)); }
      });
      show('questions');
    } catch (error) { fail(error); }
  }

  start();
})();
