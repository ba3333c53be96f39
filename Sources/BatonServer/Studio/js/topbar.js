// The top bar every Studio page shares, built in one place: the brand, the page links (the
// current one marked), Stage view, MIDI learn where the page has controls, and the
// connection indicator. A page's HTML holds only an empty <header class="topbar">, so a new
// page or link is added here once (the shared <head>, icon included, is partials/head.html).
import { h } from './ui.js';

export const PAGES = [
  { href: './', file: 'index.html', label: 'Overview' },
  { href: 'ensemble.html', file: 'ensemble.html', label: 'Ensemble' },
  { href: 'handwriting.html', file: 'handwriting.html', label: 'Handwriting' },
  { href: 'instrument.html', file: 'instrument.html', label: 'Instrument' },
];

/** The page's file name ("index.html" for the folder itself). */
export function currentPage() {
  return location.pathname.split('/').pop() || 'index.html';
}

/** Fills the page's <header class="topbar"> (creating it if missing); returns it. */
export function renderTopbar({ midi = false } = {}) {
  let header = document.querySelector('header.topbar');
  if (!header) {
    header = h('header', { class: 'topbar' });
    document.body.prepend(header);
  }
  const here = currentPage();
  const nav = h('nav', { class: 'nav', 'aria-label': 'Pages' },
    PAGES.map((page) => h('a', { href: page.href, 'aria-current': page.file === here ? 'page' : null }, page.label)));
  const tools = h('div', { class: 'topbar-tools' },
    midi ? h('div', { class: 'midi' },
      h('button', { id: 'midi-learn', class: 'btn btn-small', type: 'button', 'aria-pressed': 'false',
        title: 'Move a controller, then click a control (Esc stops)' }, 'MIDI learn'),
      h('span', { id: 'midi-status', class: 'midi-status', role: 'status' }, 'MIDI…'),
      h('button', { id: 'midi-clear', class: 'btn btn-small midi-clear', type: 'button',
        title: 'Forget every MIDI mapping on this page' }, 'Clear mappings')) : null,
    h('div', { class: 'conn', 'data-state': 'connecting', role: 'status', 'aria-live': 'polite' },
      h('span', { class: 'conn-dot' }), h('span', { class: 'conn-label' }, 'connecting…')));
  header.replaceChildren(
    h('a', { class: 'brand', href: './', 'aria-label': 'Baton Studio, overview' },
      h('img', { src: 'img/baton.svg', alt: '', width: 26, height: 26 }),
      h('span', {}, 'Baton ', h('b', {}, 'Studio'))),
    nav, tools);
  return header;
}
