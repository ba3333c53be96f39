// The Studio's link to `baton serve` (docs/protocol.md): the JSON API over HTTP and the live
// WebSocket, which reconnects by itself with exponential backoff when the server goes away.
// A `?token=` in the page's URL is passed on to every API call and to `/ws?token=`.

const MIN_DELAY = 400;     // ms before the first reconnection attempt
const MAX_DELAY = 8000;    // backoff ceiling

export class Connection {
  constructor() {
    this.token = new URLSearchParams(location.search).get('token');
    this.state = 'connecting';           // connecting | open | reconnecting
    this.listeners = new Map();          // type -> Set(handler)
    this.socket = null;
    this.attempts = 0;
    this.everOpened = false;
    this.pending = new Map();            // key -> message, coalesced until the next frame
    this.flushScheduled = false;
    this.timer = null;
  }

  /** `path` with the token appended when the page was opened with one. */
  url(path) {
    if (!this.token) return path;
    return path + (path.includes('?') ? '&' : '?') + 'token=' + encodeURIComponent(this.token);
  }

  /** A JSON API call; resolves with the parsed body, rejects with the server's `error` text. */
  async api(path, { method = 'GET', body } = {}) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (this.token) headers.Authorization = 'Bearer ' + this.token;
    const response = await fetch(this.url(path), {
      method, headers, cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch { data = { error: text }; }
    if (!response.ok) throw new Error((data && data.error) || `${method} ${path}: HTTP ${response.status}`);
    return data;
  }

  /** Listens for a message `type` ("symbol", "status"…) or a connection event ("open", "state"). */
  on(type, handler) {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type).add(handler);
    return () => this.listeners.get(type).delete(handler);
  }

  emit(type, value) {
    const set = this.listeners.get(type);
    if (!set) return;
    for (const handler of set) {
      try { handler(value); } catch (error) { console.warn(`Baton: ${type} handler failed`, error); }
    }
  }

  setState(state) {
    if (this.state === state) return;
    this.state = state;
    this.emit('state', state);
  }

  connect() {
    clearTimeout(this.timer);
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    let socket;
    try {
      socket = new WebSocket(`${scheme}//${location.host}${this.url('/ws')}`);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      const reconnected = this.everOpened;
      this.everOpened = true;
      this.attempts = 0;
      this.setState('open');
      this.emit('open', { reconnected });
    };
    socket.onmessage = (event) => {
      let message;
      try { message = JSON.parse(event.data); } catch { return; }
      if (message && typeof message.type === 'string') this.emit(message.type, message);
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.setState(this.everOpened ? 'reconnecting' : 'connecting');
      this.emit('close');
      this.scheduleReconnect();
    };
    socket.onerror = () => {};   // a close event follows; nothing to add
  }

  scheduleReconnect() {
    const base = Math.min(MAX_DELAY, MIN_DELAY * 2 ** this.attempts);
    this.attempts += 1;
    const delay = base * (0.8 + 0.4 * Math.random());
    this.timer = setTimeout(() => this.connect(), delay);
  }

  get isOpen() { return this.socket !== null && this.socket.readyState === WebSocket.OPEN; }

  /** Sends a message now; returns false when not connected (the message is dropped). */
  send(message) {
    if (!this.isOpen) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  /**
   * Sends the latest message for `key` at most every 16 ms: dragging a weight or playing the
   * XY pad produces pointer events faster than the server needs them. A timer rather than an
   * animation frame, so MIDI keeps steering while the tab is in the background.
   */
  sendLatest(key, message) {
    this.pending.set(key, message);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setTimeout(() => {
      this.flushScheduled = false;
      for (const value of this.pending.values()) this.send(value);
      this.pending.clear();
    }, 16);
  }
}

/** Reflects the connection state on the page: the indicator in the top bar and `body[data-connection]`. */
export function showConnection(connection, element = document.querySelector('.conn')) {
  const labels = { open: 'live', connecting: 'connecting…', reconnecting: 'reconnecting…' };
  const update = (state) => {
    document.body.dataset.connection = state;
    if (!element) return;
    element.dataset.state = state;
    const label = element.querySelector('.conn-label');
    if (label) label.textContent = labels[state] || state;
    element.title = state === 'open' ? 'Connected to baton serve' : 'Waiting for baton serve…';
  };
  update(connection.state);
  connection.on('state', update);
}
