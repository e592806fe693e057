// The /verify page's file check: reads the chosen or dropped receipt file and shows the server's verdict
// (POST /verify/check) in Chinese and English. Plain browser JavaScript, no build step; the link form above
// works without it.
(() => {
  const form = document.getElementById('file-form');
  const input = document.getElementById('file');
  const drop = document.getElementById('drop');
  const out = document.getElementById('file-result');
  const texts = JSON.parse(document.getElementById('verify-texts').textContent);
  const max = Number(form.dataset.max);
  const langs = ['zh-CN', 'en'];

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    for (const c of children || []) node.append(c);
    return node;
  }

  function say(key, cls) {
    out.replaceChildren(
      el(
        'section',
        { id: 'verdict', class: cls, role: 'status' },
        langs.map((lang) => el('p', { lang, class: 'verdict' }, [texts[lang][key]])),
      ),
    );
  }

  function show(v) {
    const parts = langs.map((lang) =>
      el(
        'div',
        { lang },
        v.lines[lang].map((line, i) => el('p', i === 0 ? { class: 'verdict' } : {}, [line])),
      ),
    );
    if (v.technical) {
      parts.push(
        el('details', {}, [el('summary', {}, ['Technical details']), el('p', { lang: 'en' }, [v.technical])]),
      );
    }
    if (v.summary) {
      const dl = el('dl', {}, []);
      for (const [k, val] of v.summary.rows) dl.append(el('dt', {}, [k]), el('dd', {}, [val]));
      parts.push(el('div', { lang: v.summary.lang }, [el('h3', {}, [v.summary.title]), dl]));
    }
    out.replaceChildren(el('section', { id: 'verdict', class: v.ok ? 'ok' : 'bad', role: 'status' }, parts));
  }

  async function check(file) {
    if (!file) return say('empty', 'bad');
    if (file.size > max) return say('tooLarge', 'bad');
    say('checking', 'busy');
    try {
      const res = await fetch('/verify/check', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ file: await file.text() }),
      });
      if (res.status === 413) return say('tooLarge', 'bad');
      if (!res.ok) return say('failed', 'bad');
      show(await res.json());
    } catch {
      say('failed', 'bad');
    }
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    check(input.files?.[0]);
  });
  input.addEventListener('change', () => check(input.files?.[0]));
  for (const type of ['dragenter', 'dragover']) {
    drop.addEventListener(type, (e) => {
      e.preventDefault();
      drop.classList.add('over');
    });
  }
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    check(e.dataTransfer?.files[0]);
  });
})();
