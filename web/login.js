// The console's sign-in page (web/login.html), without the console's bundle: posts the
// form to POST /api/v1/auth/login, keeps the login where the console keeps it (the
// `banji.session` entry of localStorage, shaped as web/src/session.rs's `Tokens`) and
// goes on to the page the console sent the user from (`?next=`, ours only). The
// console's bundle starts downloading as soon as the user starts typing, so signing in
// does not wait for it either.
const STORAGE_KEY = 'banji.session';
const WORDS = {
  required: (which) => `${which}必填`,
  signingIn: '登录中…',
  signIn: '登录',
  // The console's t::error for what this call answers.
  invalid_credentials: '用户名或密码错误。',
  account_disabled: '该账号已停用，请联系管理员。',
  pending_approval: '账号正在等待管理员审核。',
  database_unavailable: '数据库暂时无法连接，系统正在自动重连，请稍后重试。',
  cache_unavailable: '缓存服务暂时不可用，请稍后重试。',
  rateLimited: (secs) => `尝试次数过多，请在 ${secs} 秒后重试。`,
  network: '无法连接服务器，请检查网络后重试。',
  server: '服务器出错了，请稍后重试。',
  other: '请求未能完成，请检查输入后重试。',
  demo: '演示模式',
  demoNote: '微信公众号是模拟的，这里的学生、通知和数据仅供演示，都不是真实信息。',
};

const next = (() => {
  const n = new URLSearchParams(location.search).get('next');
  return n && n.startsWith('/') && !n.startsWith('//') && !n.startsWith('/login') ? n : '/';
})();

// Signed in already (the console checks the login and comes back here if it has ended).
if (localStorage.getItem(STORAGE_KEY)) location.replace(next);

const form = document.getElementById('login-form');
const error = document.getElementById('login-error');
const submit = document.getElementById('login-submit');

function say(text) {
  error.textContent = text ?? '';
  error.hidden = !text;
}

/** The console's shell and its bundle, fetched into the cache while the user types. */
let warmed = false;
async function warmConsole() {
  if (warmed) return;
  warmed = true;
  try {
    const shell = await (await fetch('/', { credentials: 'same-origin' })).text();
    for (const m of shell.matchAll(/(?:href|data-banji-js|data-banji-wasm)="(\/[^"]+\.(?:css|js|wasm))"/g)) {
      const link = document.createElement('link');
      link.rel = 'prefetch';
      link.href = m[1];
      document.head.append(link);
    }
  } catch {
    // Only a head start; the console loads its bundle itself.
  }
}
form.addEventListener('input', warmConsole, { once: true });

async function message(resp) {
  let code;
  try {
    code = (await resp.json()).code;
  } catch {
    code = undefined;
  }
  if (resp.status === 429) return WORDS.rateLimited(resp.headers.get('retry-after') ?? 60);
  if (code && WORDS[code] && typeof WORDS[code] === 'string') return WORDS[code];
  if (resp.status >= 500) return WORDS.server;
  return WORDS.other;
}

form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const username = form.username.value;
  const password = form.password.value;
  if (!username.trim()) return say(WORDS.required('用户名'));
  if (!password) return say(WORDS.required('密码'));
  say(null);
  submit.disabled = true;
  submit.textContent = WORDS.signingIn;
  try {
    const resp = await fetch('/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    if (!resp.ok) {
      say(await message(resp));
      return;
    }
    const login = await resp.json();
    localStorage.setItem(STORAGE_KEY, JSON.stringify({
      access_token: login.access_token,
      refresh_token: login.refresh_token,
      expires_at: Date.now() + login.expires_in * 1000,
    }));
    location.replace(next);
  } catch {
    say(WORDS.network);
  } finally {
    submit.disabled = false;
    submit.textContent = WORDS.signIn;
  }
});

// A public demonstration says so on every page (GET /api/v1/about, as the console's
// DemoBanner asks, and drawn as it draws it).
fetch('/api/v1/about')
  .then((r) => (r.ok ? r.json() : null))
  .then((about) => {
    if (!about?.demo) return;
    const banner = document.createElement('div');
    banner.className = 'demo-banner';
    banner.id = 'demo-banner';
    banner.setAttribute('role', 'note');
    banner.setAttribute('aria-label', WORDS.demo);
    const title = document.createElement('strong');
    title.textContent = WORDS.demo;
    const note = document.createElement('span');
    note.textContent = WORDS.demoNote;
    banner.append(title, note);
    document.body.prepend(banner);
  })
  .catch(() => {});
