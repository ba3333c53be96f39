// A server that restarts comes back with its defaults: the page notices (another
// `instance` in the status), says so, and offers to put back what the performer had set.
import { h } from './ui.js';

export class RestartWatch {
  constructor(connection) {
    this.connection = connection;
    this.instance = null;      // the server run this page last saw
    this.saved = null;         // the page's settings on that run
    this.keeper = null;        // { capture(status), restore(saved, status) }
    this.banner = null;
    connection.on('status', (message) => this.observe(message.status));
  }

  /**
   * What the page keeps: `capture(status)` → its settings on the server as plain JSON (or
   * null), `restore(saved, status)` → sends them back (a promise; it may skip what no
   * longer fits, such as weights for models that are not loaded any more).
   */
  keep(keeper) { this.keeper = keeper; }

  observe(status) {
    if (!status || typeof status.instance !== 'string') return;
    if (this.instance === null) this.instance = status.instance;
    else if (status.instance !== this.instance) {
      this.instance = status.instance;
      this.restarted(status);
      return;
    }
    if (this.keeper && this.banner?.dataset.state !== 'offer') this.saved = this.keeper.capture(status);
  }

  restarted(status) {
    const saved = this.saved;
    const now = this.keeper ? this.keeper.capture(status) : null;
    if (!saved || JSON.stringify(saved) === JSON.stringify(now)) {
      this.show('same', 'The server restarted. This page’s settings are as they were.', []);
      setTimeout(() => this.hide('same'), 6000);
      return;
    }
    this.show('offer', 'The server restarted, and its settings went back to their defaults.', [
      h('button', { class: 'btn btn-small btn-primary', type: 'button', id: 'restore-settings', onclick: () => this.restore(saved) }, 'Restore my settings'),
      h('button', { class: 'btn btn-small', type: 'button', id: 'keep-defaults', onclick: () => this.hide() }, 'Keep the defaults'),
    ]);
  }

  async restore(saved) {
    this.show('restoring', 'Restoring your settings…', []);
    try {
      const skipped = await this.keeper.restore(saved) || [];
      this.show('restored', skipped.length ? `Settings restored, except: ${skipped.join('; ')}.` : 'Your settings are back.', []);
    } catch (error) {
      this.show('failed', `Could not restore every setting: ${error.message}`, []);
    }
    setTimeout(() => this.hide(), 6000);
  }

  show(state, text, buttons) {
    if (!this.banner) {
      this.banner = h('div', { id: 'restart-banner', class: 'restart-banner', role: 'alert' });
      document.body.append(this.banner);
    }
    this.banner.dataset.state = state;
    this.banner.replaceChildren(h('span', {}, text), ...buttons);
  }

  /** Hides the banner (when it still shows `state`, if given). */
  hide(state) {
    if (!this.banner || (state && this.banner.dataset.state !== state)) return;
    this.banner.remove();
    this.banner = null;
  }
}
