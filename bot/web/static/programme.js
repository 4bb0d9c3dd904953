// The attendees' programme: day tabs, a "now" line by the conference clock, filters and
// search that work on the loaded data (no reload), a session's details, the star shared
// with the bot's /mysessions, .ics files and "My schedule" with the reminder setting.
'use strict';
(function () {
  const { el, api, format, haptic, toast } = window.TG;
  const $ = (id) => document.getElementById(id);
  const state = {
    data: null, me: null, view: 'programme', day: null, detail: null,
    nowAtLoad: 0, loadedAt: 0, filters: { room: '', track: '', kind: '', q: '' },
  };
  let S = {};

  const now = () => state.nowAtLoad + (performance.now() - state.loadedAt);
  const hhmm = (iso) => iso.slice(11, 16);
  const localDate = (ms) => {
    // The conference-local date of an instant: shift by the offset the server's "now" had.
    const offset = state.offsetMinutes * 60000;
    return new Date(ms + offset).toISOString().slice(0, 10);
  };

  function roomOf(id) { return state.data.rooms.find((r) => r.id === id) || null; }
  function speakerNames(session) {
    return session.speakers.map((id) => (state.data.speakers[id] || {}).name).filter(Boolean);
  }
  function starred(id) { return state.me.stars.includes(id); }

  function option(value, label, selected) {
    return el('option', { value, selected: selected ? 'selected' : false }, label);
  }

  function fillFilters() {
    const d = state.data;
    $('room').replaceChildren(option('', S.all_rooms), ...d.rooms.map((r) => option(r.id, r.name)));
    $('track').replaceChildren(option('', S.all_tracks), ...d.tracks.map((t) => option(t, t)));
    $('kind').replaceChildren(option('', S.all_kinds), ...d.kinds.map((k) => option(k, k)));
    $('track').hidden = !d.tracks.length;
    $('kind').hidden = !d.kinds.length;
    $('search').placeholder = S.search;
    $('search').setAttribute('aria-label', S.search);
    for (const name of ['room', 'track', 'kind']) {
      $(name).addEventListener('change', () => { state.filters[name] = $(name).value; renderList(); });
    }
    $('search').addEventListener('input', () => { state.filters.q = $('search').value.trim().toLowerCase(); renderList(); });
  }

  function matches(session) {
    const f = state.filters;
    if (f.room && session.room !== f.room) return false;
    if (f.track && session.track !== f.track) return false;
    if (f.kind && session.kind !== f.kind) return false;
    if (f.q) {
      const room = roomOf(session.room);
      const haystack = [session.title, session.description || '', session.kind || '', session.track || '',
        room ? room.name : '', ...session.tags, ...speakerNames(session)].join(' ').toLowerCase();
      return f.q.split(/\s+/).every((word) => haystack.includes(word));
    }
    return true;
  }

  function sessionItem(session) {
    const start = Date.parse(session.start), end = Date.parse(session.end);
    const live = start <= now() && now() < end;
    const room = roomOf(session.room);
    const details = [room ? room.name : null, session.kind, session.track].filter(Boolean).join(' · ');
    const names = speakerNames(session);
    return el('li', {},
      el('button', {
        type: 'button', class: 'item' + (live ? ' live' : ''), 'data-session': session.id,
        onclick: () => openDetail(session.id),
      },
      el('span', { class: 'star-mark', 'aria-hidden': 'true' }, starred(session.id) ? '⭐' : ''),
      el('span', { class: 'time' }, hhmm(session.start) + '–' + hhmm(session.end)),
      el('span', { class: 'title' }, session.title),
      details ? el('span', { class: 'meta' }, details) : null,
      names.length ? el('span', { class: 'meta', style: false }, ' · ' + names.join(', ')) : null));
  }

  function nowLine() {
    const label = S.now + ' ' + new Date(now() + state.offsetMinutes * 60000).toISOString().slice(11, 16);
    return el('li', { class: 'now-line', id: 'now-line', role: 'separator' }, label);
  }

  function renderDays() {
    $('days').replaceChildren(...state.data.days.map((day) => el('button', {
      type: 'button', role: 'tab', 'aria-selected': String(day.date === state.day), 'data-day': day.date,
      title: day.long, onclick: () => { state.day = day.date; renderDays(); renderList(); },
    }, day.label + ' · ' + day.short)));
  }

  function renderList() {
    const sessions = state.data.sessions.filter((s) => s.day === state.day && matches(s));
    const items = [];
    const today = localDate(now()) === state.day;
    let lineShown = !today;
    for (const session of sessions) {
      if (!lineShown && Date.parse(session.start) > now()) { items.push(nowLine()); lineShown = true; }
      items.push(sessionItem(session));
    }
    if (!lineShown && sessions.length) items.push(nowLine());
    $('sessions').replaceChildren(...items);
    $('empty').hidden = sessions.length > 0;
    $('empty').textContent = S.no_results;
  }

  function renderMine() {
    const mine = state.data.sessions.filter((s) => starred(s.id));
    const items = [];
    let day = null;
    for (const session of mine) {
      if (session.day !== day) {
        day = session.day;
        const info = state.data.days.find((d) => d.date === day);
        items.push(el('li', {}, el('h2', {}, info ? info.label + ' · ' + info.long : day)));
      }
      items.push(sessionItem(session));
    }
    $('mine').replaceChildren(...items);
    $('mine-empty').hidden = mine.length > 0;
    $('mine-empty').textContent = S.my_empty;
    $('ics-mine').hidden = mine.length === 0;
    $('ics-mine').textContent = S.ics_mine;
    const choices = [option('off', S.reminder_off, state.me.reminder === null)];
    for (const minutes of state.me.reminder_choices) {
      choices.push(option(String(minutes), format(S.reminder_minutes, { minutes }), state.me.reminder === minutes));
    }
    if (state.me.reminder !== null && !state.me.reminder_choices.includes(state.me.reminder)) {
      choices.push(option(String(state.me.reminder), format(S.reminder_minutes, { minutes: state.me.reminder }), true));
    }
    $('reminder').replaceChildren(...choices);
    $('reminder-label').textContent = S.reminder;
  }

  function renderViews() {
    const views = [['programme', S.programme], ['mine', S.my_schedule]];
    $('views').replaceChildren(...views.map(([name, label]) => el('button', {
      type: 'button', role: 'tab', id: 'tab-' + name, 'aria-selected': String(state.view === name && !state.detail),
      onclick: () => show(name),
    }, label)));
  }

  function takesQuestions(session) {
    // The same window as the server's (which checks again): from shortly before the start
    // to shortly after the end, by the conference clock.
    const q = state.data.questions;
    return Date.parse(session.start) - q.opens_before_minutes * 60000 <= now()
      && now() <= Date.parse(session.end) + q.closes_after_minutes * 60000;
  }

  function openQuestions(session, ask) {
    $('detail-view').hidden = true;
    window.QA.open(session, { ask, back: () => openDetail(session.id) });
  }

  function show(view) {
    state.view = view;
    state.detail = null;
    window.QA.stop();
    window.TG.setBack(null);
    $('programme-view').hidden = view !== 'programme';
    $('mine-view').hidden = view !== 'mine';
    $('detail-view').hidden = true;
    $('views').hidden = false;
    renderViews();
    if (view === 'mine') renderMine(); else renderList();
  }

  function openDetail(id) {
    const session = state.data.sessions.find((s) => s.id === id);
    if (!session) return;
    state.detail = id;
    const room = roomOf(session.room);
    const day = state.data.days.find((d) => d.date === session.day);
    const isStarred = starred(id);
    const view = $('detail-view');
    view.replaceChildren(
      el('h1', { id: 'detail-title' }, session.title),
      el('p', { class: 'meta' }, day ? day.long + ', ' : '', el('span', { class: 'ltr' }, hhmm(session.start) + '–' + hhmm(session.end))),
      room ? el('p', { id: 'detail-room' }, '📍 ' + room.name + (room.floor ? ' · ' + room.floor : '')) : null,
      [session.kind, session.track].some(Boolean) ? el('p', { class: 'meta' }, [session.kind, session.track].filter(Boolean).join(' · ')) : null,
      el('button', { type: 'button', class: 'button', id: 'star', 'aria-pressed': String(isStarred), onclick: () => toggleStar(session.id) },
        isStarred ? S.starred : S.star),
      takesQuestions(session) ? el('button', { type: 'button', class: 'button', id: 'qa-ask-button', onclick: () => openQuestions(session, true) }, S.qa_ask) : null,
      el('button', { type: 'button', class: 'button secondary', id: 'qa-top-button', onclick: () => openQuestions(session, false) }, S.qa_top),
      el('a', {
        class: 'button secondary', id: 'ics', href: 'ics/' + encodeURIComponent(session.id) + '.ics', download: session.id + '.ics',
        onclick: (event) => {
          if (!window.TG.webApp) return; // a plain browser follows the link
          event.preventDefault();
          window.TG.openFile('ics/' + encodeURIComponent(session.id) + '.ics', session.id + '.ics');
        },
      }, S.ics),
      session.description ? el('p', { class: 'description', id: 'detail-description' }, session.description) : null,
      session.speakers.length ? el('h2', {}, S.speakers) : null,
      ...session.speakers.map((sid) => {
        const sp = state.data.speakers[sid] || {};
        return el('div', { class: 'speaker' }, el('b', {}, sp.name || ''),
          sp.title ? el('span', { class: 'meta' }, sp.title) : null,
          sp.bio ? el('p', {}, sp.bio) : null);
      }),
    );
    window.QA.stop();
    $('programme-view').hidden = true;
    $('mine-view').hidden = true;
    $('views').hidden = true;
    view.hidden = false;
    window.scrollTo(0, 0);
    window.TG.setBack(() => show(state.view));
  }

  async function toggleStar(id) {
    const wanted = !starred(id);
    haptic();
    try {
      state.me = await (await api('api/star', { session: id, starred: wanted })).json();
      if (state.detail === id) openDetail(id);
    } catch (error) {
      toast(window.TG.errorText(error));
    }
  }

  async function setReminder() {
    const raw = $('reminder').value;
    try {
      state.me = await (await api('api/reminder', { minutes: raw === 'off' ? null : Number(raw) })).json();
      toast(S.reminder_saved);
    } catch (error) {
      toast(window.TG.errorText(error));
    }
  }

  async function load() {
    try {
      const [programme, me] = await Promise.all([
        api('api/programme').then((r) => r.json()),
        api('api/me').then((r) => r.json()),
      ]);
      state.data = programme;
      state.me = me;
      S = window.TG.strings = state.data.strings;
      state.nowAtLoad = Date.parse(me.now);
      state.loadedAt = performance.now();
      const offset = me.now.match(/([+-])(\d\d):(\d\d)$/);
      state.offsetMinutes = offset ? (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3])) : 0;
      window.TG.setLanguage(state.data.lang, state.data.dir);
      document.title = state.data.conference.short_name + ' · ' + S.programme;
      $('conference').textContent = state.data.conference.short_name;
      if (me.preview) { $('preview').hidden = false; $('preview').textContent = S.preview; }
      const today = localDate(now());
      const days = state.data.days.map((d) => d.date);
      state.day = days.includes(today) ? today : days[0] || null;
      fillFilters();
      renderDays();
      window.QA.setup(state.data.questions);
      $('reminder').addEventListener('change', setReminder);
      $('ics-mine').addEventListener('click', async () => {
        try {
          const link = await (await api('api/my-ics-link')).json();
          window.TG.openFile(link.path, 'my-sessions.ics');
        } catch (error) { toast(window.TG.errorText(error)); }
      });
      show('programme');
      document.body.dataset.ready = 'true';
      setInterval(() => { if (!state.detail && state.view === 'programme') renderList(); }, 60000);
    } catch (error) {
      $('error').hidden = false;
      $('error').textContent = window.TG.errorText(error);
      document.body.dataset.ready = 'error';
    }
  }

  load();
})();
