// CancelMate web chat: a drafted letter as its own card (title, text, copy button), and copying it to the
// clipboard in any browser the page runs in. Text reaches the page through textContent only.

let letters = 0;

function make(tag, className, text) {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * A document to copy (a reply with `kind: 'letter'`): its own card, named by its title, with a copy button
 * described by the title and a status line that says "copied" (or what to do instead) in the page's
 * language. `t(key)` gives the page's words.
 *
 * @example
 * log.append(letterCard({ kind: 'letter', title: '给商家的书面要求', text: '致 某某卡盟：…' }, t));
 */
export function letterCard(reply, t) {
  letters += 1;
  const card = make('article', 'msg letter');
  const body = make('p', 'text', reply.text);
  const button = make('button', 'copy', t('copy'));
  button.type = 'button';
  button.dataset.t = 'copy';
  if (reply.title) {
    const title = make('h2', 'letter-title', reply.title);
    title.id = `letter-${letters}`;
    card.setAttribute('aria-labelledby', title.id);
    button.setAttribute('aria-describedby', title.id);
    card.append(title);
  }
  const status = make('p', 'copy-status');
  status.setAttribute('role', 'status');
  button.addEventListener('click', async () => {
    status.textContent = '';
    if (await copyText(reply.text)) {
      status.textContent = t('copied');
      button.focus({ preventScroll: true });
    } else {
      selectText(body);
      status.textContent = t('copyManual');
    }
  });
  const tools = make('div', 'letter-tools');
  tools.append(button, status);
  card.append(body, tools);
  return card;
}

/**
 * Copies `text`; resolves true when it is on the clipboard. Uses the Clipboard API where the page may
 * (https, or 127.0.0.1 / localhost), else the older execCommand('copy') on a hidden text box, which also
 * works on plain http; resolves false when neither is allowed, so the caller can select the text instead.
 *
 * @example
 * if (!(await copyText(letter))) selectText(letterNode);
 */
export async function copyText(text) {
  try {
    if (window.isSecureContext && navigator.clipboard?.writeText) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Refused (no permission, page not focused): fall through to the older way.
  }
  const box = document.createElement('textarea');
  box.className = 'copy-buffer';
  box.value = text;
  box.readOnly = true;
  box.tabIndex = -1;
  box.setAttribute('aria-hidden', 'true');
  const before = document.activeElement;
  document.body.append(box);
  box.select();
  box.setSelectionRange(0, text.length);
  let copied = false;
  try {
    copied = document.execCommand('copy');
  } catch {
    copied = false;
  }
  box.remove();
  if (before instanceof HTMLElement) before.focus({ preventScroll: true });
  return copied;
}

/**
 * Selects the text inside `node`, so the user can copy it by hand (long-press → Copy) when the page cannot.
 *
 * @example
 * selectText(document.querySelector('.letter .text'));
 */
export function selectText(node) {
  const selection = window.getSelection();
  if (!selection) return;
  selection.removeAllRanges();
  const range = document.createRange();
  range.selectNodeContents(node);
  selection.addRange(range);
}
