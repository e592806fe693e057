// CancelMate web chat: plain browser JavaScript, no build step, no external requests.
// Every piece of user or guide text reaches the page through textContent, never innerHTML.
// Contract: POST /api/chat { text | choice+turn, messageId } → { replies, lang }; GET /api/history.
import { letterCard } from './letters.js';

const strings = JSON.parse(document.body.dataset.strings);
const scroller = document.getElementById('scroller');
const historyBox = document.getElementById('history');
const log = document.getElementById('log');
const form = document.getElementById('composer');
const input = document.getElementById('msg');
const sendButton = document.getElementById('send');
const restartButton = document.getElementById('restart');
const langButtons = Array.from(document.querySelectorAll('[data-lang]'));

let lang = document.documentElement.lang === 'en' ? 'en' : 'zh-CN';
let busy = false;

/** A page string in the current language, with `{{name}}` filled from `vars`. */
function t(key, vars = {}) {
  const text = strings[lang]?.[key] ?? strings['zh-CN'][key] ?? key;
  return text.replace(/\{\{(\w+)\}\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
}

/** A fresh message id (crypto.randomUUID needs a secure context; getRandomValues does not). */
function newMessageId() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return `w${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** Switches the page's own labels to `next` (the conversation's language, as the server reports it). */
function applyLang(next) {
  if (next !== 'en' && next !== 'zh-CN') return;
  lang = next;
  document.documentElement.lang = next;
  for (const node of document.querySelectorAll('[data-t]')) node.textContent = t(node.dataset.t);
  for (const node of document.querySelectorAll('[data-t-placeholder]'))
    node.placeholder = t(node.dataset.tPlaceholder);
  for (const node of document.querySelectorAll('[data-t-label]'))
    node.setAttribute('aria-label', t(node.dataset.tLabel));
  for (const button of langButtons) button.setAttribute('aria-pressed', String(button.dataset.lang === next));
}

function make(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** One speech bubble: `who` is 'user' or 'guide'. */
function bubble(who, text) {
  const item = make('div', `msg ${who}`);
  item.append(make('span', 'sr-only', who === 'user' ? t('you') : t('guide')));
  item.append(make('p', 'text', text));
  return item;
}

/** Links to a receipt by its secret token: the same links in a fresh reply and after a reload, in any browser. */
function receiptLinks(receipt) {
  const id = encodeURIComponent(receipt.id);
  const token = `?t=${encodeURIComponent(receipt.token)}`;
  const base = '/receipts';
  const links = make('p', 'receipt');
  const page = make('a', '', t('receiptHtml'));
  page.href = `${base}/${id}${token}`;
  page.target = '_blank';
  page.rel = 'noopener noreferrer';
  const data = make('a', '', t('receiptJson'));
  data.href = `${base}/${id}.json${token}`;
  data.setAttribute('download', `receipt-${receipt.id}.json`);
  links.append(page, data);
  return links;
}

/** Download links for files sent inline (the "my data" export): the bubble keeps the summary, never the file. */
function fileLinks(files) {
  const links = make('p', 'receipt files');
  for (const file of files) {
    const link = make('a', '', t('download', { file: file.filename }));
    link.href = URL.createObjectURL(new Blob([file.content], { type: file.contentType }));
    link.setAttribute('download', file.filename);
    links.append(link);
  }
  return links;
}

/** Width in columns (a CJK character counts two), to decide whether labels fit two to a row. */
function columns(label) {
  let width = 0;
  for (const ch of label) width += (ch.codePointAt(0) ?? 0) >= 0x2e80 ? 2 : 1;
  return width;
}

/** A reply's choices as numbered buttons: button n answers what typing n answers. */
function choiceButtons(reply) {
  const group = make('div', 'choices');
  group.setAttribute('role', 'group');
  group.setAttribute('aria-label', t('options'));
  // Long lists of short labels (the ten platforms) go two to a row where the screen is wide enough.
  if (reply.choices.length >= 4 && reply.choices.every((c) => columns(c.label) <= 24))
    group.classList.add('compact');
  reply.choices.forEach((choice, i) => {
    const button = make('button', 'choice');
    button.type = 'button';
    button.dataset.choice = choice.id;
    const number = make('span', 'num', String(i + 1));
    number.setAttribute('aria-hidden', 'true');
    button.append(number, make('span', 'label', choice.label));
    button.addEventListener('click', () => {
      const body = { choice: choice.id };
      if (typeof reply.turn === 'number') body.turn = reply.turn;
      send(body, choice.label, true);
    });
    group.append(button);
  });
  return group;
}

/** A guide reply: a letter card or a bubble, its receipt or file links, its choices (only the newest keeps them). */
function renderReply(reply) {
  const item = reply.kind === 'letter' ? letterCard(reply, t) : bubble('guide', reply.text);
  if (reply.receipt) item.append(receiptLinks(reply.receipt));
  if (Array.isArray(reply.files) && reply.files.length > 0) item.append(fileLinks(reply.files));
  if (Array.isArray(reply.choices) && reply.choices.length > 0) item.append(choiceButtons(reply));
  log.append(item);
  return item;
}

/** Scrolls only the conversation pane (scrollIntoView would also scroll the page, hiding the header). */
function reveal(node, where) {
  if (where === 'end') {
    scroller.scrollTop = scroller.scrollHeight;
    return;
  }
  const top = node.getBoundingClientRect().top - scroller.getBoundingClientRect().top + scroller.scrollTop;
  scroller.scrollTop = Math.max(0, top - 12);
}

function clearTransient() {
  for (const node of log.querySelectorAll('.choices, .notice, .pending')) node.remove();
}

/**
 * After replies arrive the pane shows the start of the first new message (a letter is longer than a
 * screen: the user must not land at its end). A button user's focus moves there too, without scrolling,
 * so a screen reader reads on from the start and Tab reaches the copy buttons and choices in reading
 * order; a typist stays in the text box and hears the replies through the log's live region.
 */
function showNew(first, viaButton) {
  if (!first) return;
  reveal(first, 'start');
  if (!viaButton) return;
  first.tabIndex = -1;
  first.focus({ preventScroll: true });
}

function showProblem(message, retry) {
  const box = make('div', 'notice');
  box.setAttribute('role', 'alert');
  box.append(make('p', 'text', message));
  const again = make('button', '', t('retry'));
  again.type = 'button';
  again.addEventListener('click', retry);
  box.append(again);
  log.append(box);
  reveal(box, 'end');
  return again;
}

function setBusy(on) {
  busy = on;
  sendButton.disabled = on;
}

/** Posts one message; on failure offers a retry that resends the same messageId (the server dedupes). */
async function deliver(payload, viaButton) {
  setBusy(true);
  const pending = make('p', 'pending', t('sending'));
  log.append(pending);
  reveal(pending, 'end');
  let response;
  let data;
  try {
    response = await fetch('/api/chat', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(payload),
      credentials: 'same-origin',
    });
    data = await response.json();
  } catch {
    data = undefined;
  }
  pending.remove();
  setBusy(false);
  if (response?.ok && data && Array.isArray(data.replies)) {
    applyLang(data.lang);
    const shown = data.replies.map(renderReply);
    showNew(shown[0], viaButton);
    return;
  }
  const message = typeof data?.message === 'string' ? data.message : t('offline');
  const again = showProblem(message, () => {
    if (busy) return;
    clearTransient();
    deliver(payload, viaButton);
  });
  if (viaButton) again.focus();
}

/** Sends free text or a choice; `echo` is what the user's bubble shows (none for the page's own /start). */
function send(body, echo, viaButton = false) {
  if (busy) return;
  clearTransient();
  if (echo) log.append(bubble('user', echo));
  return deliver({ ...body, messageId: newMessageId() }, viaButton);
}

/**
 * Redraws the earlier conversation (outside the live region, so a screen reader does not re-read it); each
 * receipt's links go back under the message that handed it out.
 */
function drawHistory(entries, receipts) {
  const shown = entries.filter((e) => !(e.dir === 'in' && e.text.trim() === '/start'));
  const placed = new Set();
  if (shown.length > 0) {
    const divider = make('p', 'divider', t('earlier'));
    divider.dataset.t = 'earlier';
    historyBox.append(divider);
  }
  for (const entry of shown) {
    if (entry.dir === 'in') {
      historyBox.append(bubble('user', entry.text.replace(/^\[(.*)\]$/s, '$1')));
      continue;
    }
    const item = bubble('guide', entry.text);
    for (const r of receipts)
      if (!placed.has(r.id) && entry.text.includes(r.id)) {
        item.append(receiptLinks(r));
        placed.add(r.id);
      }
    historyBox.append(item);
  }
  // A receipt whose message is not in the history any more still keeps its links.
  for (const r of receipts)
    if (!placed.has(r.id)) {
      const item = bubble('guide', r.id);
      item.append(receiptLinks(r));
      historyBox.append(item);
    }
}

async function getJson(url) {
  const response = await fetch(url, { headers: { accept: 'application/json' }, credentials: 'same-origin' });
  return response.ok ? response.json() : undefined;
}

async function boot() {
  try {
    const history = await getJson('/api/history');
    if (history) {
      applyLang(history.lang);
      const receipts = (Array.isArray(history.receipts) ? history.receipts : []).map((r) => ({
        id: r.id,
        token: new URL(r.html, location.href).searchParams.get('t') ?? '',
      }));
      drawHistory(Array.isArray(history.entries) ? history.entries : [], receipts);
    }
  } catch {
    // No history is fine: /start below still shows where the conversation stands.
  }
  await send({ text: '/start' });
  scroller.setAttribute('data-ready', 'true');
}

function resizeInput() {
  input.style.height = 'auto';
  input.style.height = `${Math.min(input.scrollHeight + 3, 136)}px`;
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = input.value.trim();
  if (!text || busy) return;
  input.value = '';
  resizeInput();
  send({ text }, text);
});

input.addEventListener('keydown', (event) => {
  // Enter sends, Shift+Enter makes a new line; Enter that confirms an IME composition (拼音) does neither.
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
    event.preventDefault();
    form.requestSubmit();
  }
});
input.addEventListener('input', resizeInput);

for (const button of langButtons) {
  button.addEventListener('click', () => {
    const word = button.dataset.lang === 'en' ? 'English' : '中文';
    // As for a choice, focus moves to the reply (on a narrow screen this button is hidden once pressed).
    send({ text: word }, word, true);
  });
}

restartButton.addEventListener('click', () => send({ text: t('restartCommand') }, t('restart'), true));

boot();
