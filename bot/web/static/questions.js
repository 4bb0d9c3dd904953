// A session's Top questions (live Q&A): ask the speaker, upvote or take the vote back,
// and, for the session's moderators, answered / hide / pin. The server ranks and filters
// (hidden questions never reach an attendee's page) and checks every call; this page only
// shows what it gets, as text, and refreshes every 5 seconds while it is open.
'use strict';
(function () {
  const { el, api, format, haptic, toast } = window.TG;
  const $ = (id) => document.getElementById(id);
  const REFRESH_MS = 5000;
  const MORE = 100;
  const state = { session: null, limit: MORE, timer: null, busy: false, data: null, limits: null, sent: 0, shown: 0 };
  const S = () => window.TG.strings;

  function stop() {
    clearInterval(state.timer);
    state.timer = null;
    state.session = null;
    $('qa-view').hidden = true;
  }

  function marks(q) {
    if (q.status === 'answered') return S().qa_answered_mark;
    if (q.status === 'hidden') return S().qa_hidden_mark;
    return q.pinned ? S().qa_pinned_mark : null;
  }

  function byline(q, data) {
    const parts = [];
    if (q.own) parts.push(S().qa_yours);
    if (q.name) parts.push(data.moderator && !q.name_shown ? q.name + ' · ' + S().qa_anonymous : q.name);
    return parts.length ? el('div', { class: 'meta' }, parts.join(' · ')) : null;
  }

  function card(q, data) {
    const open = q.status === 'open';
    const vote = el('button', {
      type: 'button', class: 'vote', 'data-action': 'vote', 'aria-pressed': String(q.voted),
      'aria-label': S().qa_upvote + ' · ' + q.votes, title: S().qa_upvote, disabled: q.own || !open,
      onclick: () => act('vote', { id: q.id }),
    }, '👍 ' + q.votes);
    const mark = marks(q);
    const item = el('li', { class: 'card qa ' + q.status + (q.pinned ? ' pinned' : ''), 'data-question': String(q.id) },
      el('div', { class: 'qa-head' },
        el('span', { class: 'rank' }, q.rank + '.'),
        mark ? el('span', { class: 'qa-mark' }, mark) : null,
        vote),
      el('div', { class: 'q' }, q.text),
      byline(q, data));
    const actions = [];
    if (q.own && open) {
      actions.push(el('button', {
        type: 'button', class: 'button secondary', 'data-action': 'name',
        onclick: () => act('name', { id: q.id, show: !q.name_shown }),
      }, q.name_shown ? S().qa_hide_my_name : S().qa_show_my_name));
    }
    if (data.moderator && open) {
      const moderation = [['answered', S().qa_mark_answered], ['hidden', S().qa_hide], ['pin', q.pinned ? S().qa_unpin : S().qa_pin]];
      for (const [action, label] of moderation) {
        actions.push(el('button', {
          type: 'button', class: 'button ' + (action === 'hidden' ? 'danger' : 'secondary'), 'data-action': action,
          onclick: () => act('moderate', { id: q.id, action }),
        }, label));
      }
    }
    if (actions.length) item.append(el('div', { class: 'qa-actions' }, ...actions));
    return item;
  }

  function render(data, seq) {
    if (!state.session || data.session !== state.session.id) return; // left meanwhile
    if (seq < state.shown) return; // an older refresh answered after a newer vote
    state.shown = seq;
    state.data = data;
    const s = S();
    $('qa-moderating').hidden = !data.moderator;
    $('qa-moderating').textContent = s.qa_moderating;
    $('qa-ask').hidden = !data.can_ask;
    $('qa-closed').hidden = data.can_ask;
    $('qa-closed').textContent = s.qa_not_open;
    $('qa-counts').textContent = data.moderator && data.counts
      ? format(s.qa_mod_counts, data.counts) : format(s.qa_count, { count: data.total });
    $('qa-list').replaceChildren(...data.questions.map((q) => card(q, data)));
    $('qa-empty').hidden = data.total > 0;
    $('qa-empty').textContent = s.qa_empty;
    $('qa-more').hidden = data.questions.length >= data.total;
    $('qa-more').textContent = s.qa_more;
    document.body.dataset.qa = 'ready';
  }

  async function load() {
    if (!state.session || state.busy || document.visibilityState === 'hidden') return;
    const id = state.session.id;
    const seq = ++state.sent;
    try {
      const response = await api('api/qa/questions/' + encodeURIComponent(id) + '?limit=' + state.limit);
      render(await response.json(), seq);
    } catch (error) {
      if (state.session && state.session.id === id) toast(window.TG.errorText(error));
    }
  }

  async function act(kind, body) {
    if (state.busy) return;
    state.busy = true;
    const seq = ++state.sent;
    try {
      const response = await api('api/qa/' + kind, Object.assign({ limit: state.limit }, body));
      const data = await response.json();
      haptic(kind === 'vote' ? undefined : 'success');
      render(data, seq);
      toast(data.message);
    } catch (error) {
      toast(window.TG.errorText(error));
      state.busy = false;
      load(); // a refusal often means the list changed meanwhile (hidden, answered)
    } finally {
      state.busy = false;
    }
  }

  function counter() {
    const length = $('qa-text').value.trim().length;
    $('qa-chars').textContent = length + '/' + state.limits.max_chars;
  }

  async function send() {
    const text = $('qa-text').value;
    if (!text.trim() || state.busy) return;
    state.busy = true;
    $('qa-send').disabled = true;
    $('qa-refused').hidden = true;
    const seq = ++state.sent;
    try {
      const response = await api('api/qa/ask', {
        session: state.session.id, text, show_name: $('qa-named').checked, limit: state.limit,
      });
      const data = await response.json();
      $('qa-text').value = '';
      $('qa-named').checked = false;
      counter();
      haptic('success');
      render(data, seq);
      toast(data.message);
    } catch (error) {
      // The server's reason (too short, 30 s, three open, closed) stays next to the box.
      $('qa-refused').hidden = false;
      $('qa-refused').textContent = window.TG.errorText(error);
    } finally {
      state.busy = false;
      $('qa-send').disabled = false;
    }
  }

  function open(session, options) {
    const s = S();
    state.session = session;
    state.limit = MORE;
    state.data = null;
    delete document.body.dataset.qa;
    $('qa-heading').textContent = s.qa_top;
    $('qa-session').textContent = session.title;
    $('qa-list').replaceChildren();
    $('qa-counts').textContent = '';
    $('qa-empty').hidden = true;
    $('qa-refused').hidden = true;
    $('qa-ask').hidden = true;
    $('qa-closed').hidden = true;
    $('qa-moderating').hidden = true;
    $('qa-text').placeholder = format(s.qa_placeholder, { min: state.limits.min_chars, max: state.limits.max_chars });
    $('qa-text').setAttribute('aria-label', $('qa-text').placeholder);
    $('qa-text').maxLength = state.limits.max_chars;
    $('qa-named-label').textContent = s.qa_show_name;
    $('qa-send').textContent = s.qa_send;
    counter();
    $('qa-view').hidden = false;
    window.scrollTo(0, 0);
    window.TG.setBack(options.back);
    clearInterval(state.timer);
    state.timer = setInterval(load, REFRESH_MS);
    load().then(() => { if (options.ask && state.data && state.data.can_ask) $('qa-text').focus(); });
  }

  function setup(limits) {
    state.limits = limits;
    $('qa-send').addEventListener('click', send);
    $('qa-text').addEventListener('input', counter);
    $('qa-more').addEventListener('click', () => { state.limit += MORE; load(); });
    document.addEventListener('visibilitychange', load);
  }

  window.QA = { setup, open, stop };
})();
