// Building the DOM from data: text always goes in as text (textContent), never as markup, so
// nothing an object holds can run as script.

export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name === 'dataset') Object.assign(node.dataset, value);
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function table(headers, rows, attributes = {}) {
  return el('table', attributes,
    el('thead', {}, el('tr', {}, headers.map((h) => el('th', {}, h)))),
    el('tbody', {}, rows));
}

// kubectl's short ages: 45s, 3m12s, 42m, 5h3m, 2d4h.
export function age(timestamp, now = Date.now()) {
  if (!timestamp) return '';
  let s = Math.max(0, Math.floor((now - Date.parse(timestamp)) / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60); s %= 60;
  if (m < 10) return s ? `${m}m${s}s` : `${m}m`;
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h}h${m % 60}m` : `${h}h`;
  const d = Math.floor(h / 24);
  return h % 24 && d < 8 ? `${d}d${h % 24}h` : `${d}d`;
}

export function phaseBadge(phase) {
  return el('span', { class: `phase phase-${String(phase || 'Pending').toLowerCase()}` }, phase || 'Pending');
}
