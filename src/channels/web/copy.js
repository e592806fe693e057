// CancelMate web chat: copying a drafted letter to the clipboard, in any browser the page runs in.

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
