// The feed box: the performer's own text, sent to the ensemble (`{"type":"feed"}`), which
// every model reads mid-stream and the adapting ones learn from. At most 4,096 bytes of
// UTF-8 a time (the server's limit); the help line counts them before sending.
const FEED_LIMIT = 4096;

export function feedForm(form, { field, help, send }) {
  const bytes = () => new TextEncoder().encode(field.value).length;
  const check = () => {
    const n = bytes(), ok = n >= 1 && n <= FEED_LIMIT;
    help.dataset.state = n > FEED_LIMIT ? 'error' : 'ok';
    help.textContent = n > FEED_LIMIT
      ? `${n.toLocaleString('en')} bytes: a feed holds at most 4,096 bytes — send it in parts.`
      : n ? `${n.toLocaleString('en')} of 4,096 bytes.` : 'Up to 4,096 bytes at a time.';
    field.setAttribute('aria-invalid', String(n > FEED_LIMIT));
    return ok;
  };
  field.addEventListener('input', check);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!check()) { field.focus(); return; }
    const n = bytes();
    if (!send({ type: 'feed', text: field.value })) return;   // not connected: keep the text
    field.value = '';
    help.dataset.state = 'ok';
    help.textContent = `Sent ${n.toLocaleString('en')} bytes: the models are reading it.`;
  });
  // Ctrl/Cmd+Enter sends from the box, as in a chat.
  field.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) { event.preventDefault(); form.requestSubmit(); }
  });
}
