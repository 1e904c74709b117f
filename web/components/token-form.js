/** Asks for a control token once; POST /api/session turns it into an HttpOnly cookie. */
import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { login } from '../api.js';

/**
 * @param {{reason: string, onDone: () => void, onCancel: () => void}} props
 */
export function TokenForm({ reason, onDone, onCancel }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (ev) => {
    ev.preventDefault();
    setBusy(true);
    setError('');
    try {
      await login(token.trim());
      setToken('');
      onDone();
    } catch (err) {
      setError(err.needsToken ? 'That token was not accepted.' : err.message);
    } finally {
      setBusy(false);
    }
  };
  return html`<div class="overlay" role="dialog" aria-modal="true" aria-labelledby="token-title">
    <form class="token-form" onSubmit=${submit}>
      <h2 id="token-title">Control token</h2>
      <p>${reason}</p>
      <p class="muted">Make one on the gateway with <code>espnow-gateway token add --scope control</code>. It is kept only in a cookie this page cannot read.</p>
      <input type="password" name="token" autocomplete="current-password" required placeholder="token"
        value=${token} onInput=${(e) => setToken(e.currentTarget.value)} />
      ${error ? html`<p class="error" role="alert">${error}</p>` : ''}
      <div class="actions">
        <button type="button" class="secondary" onClick=${onCancel}>Cancel</button>
        <button type="submit" disabled=${busy || !token.trim()}>Sign in</button>
      </div>
    </form>
  </div>`;
}
