// Shows the server health on the placeholder page (external file: the CSP forbids inline scripts).
fetch('/api/health').then((r) => r.json()).then((h) => {
  document.getElementById('health').textContent =
    `v${h.version} · ${h.database.backend} ${h.database.server} · schema ${h.database.migration}`;
}).catch(() => { document.getElementById('health').textContent = 'server unreachable / 服务器不可达'; });
